// txsim's property-testing API in one include: fault plans (txsim/fault_plan.h), running a
// scenario under a plan and reading its checks (txsim/run.h), saga and workload specs
// (txsim/saga_spec.h) and their RapidCheck generators (txsim/generators.h).
// docs/testing.md walks through a property written with it.
#pragma once

#include "txsim/fault_plan.h"
#include "txsim/generators.h"
#include "txsim/run.h"
#include "txsim/saga_spec.h"
