// Which parts of a valid scenario the runner cannot run yet.
//
// The schema and validation accept every feature of the scenario format; the runner grows into
// it. Rather than silently ignore a field it cannot honour, the runner lists every set field
// outside what it implements, and `txsim run` refuses the scenario with
// "not implemented yet: <field>" (exit 2). A module that implements a feature adds its path to
// kImplementedFields in unimplemented.cc.
#pragma once

#include <string>
#include <vector>

#include "txsim/scenario.pb.h"

namespace txsim::runner {

/// Paths of the fields set in `scenario` that the runner does not implement yet, in schema
/// order, e.g. {"topology", "saga", "workload.uploads"}. Empty when the scenario can run.
std::vector<std::string> unimplemented_fields(const scenario::Scenario& scenario);

}  // namespace txsim::runner
