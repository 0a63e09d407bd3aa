// The diagram of one saga instance's actual path (`txsim diagram --instance ID`).
//
// Same layout as the definition diagram (reports/saga_diagram.h) — steps left to right, forward
// edges solid — but coloured by what happened in this instance (core/txn/saga/
// instance_timeline.h): done steps green, the failed step red, compensated steps grey, steps
// whose outcome stayed unknown orange, steps never run dotted. Each step shows its attempts
// and retries and the simulated time of its last action reply; forward edges are labelled with
// the simulated time the next step was first requested; compensations taken appear as dashed
// red edges labelled with the time the compensation succeeded. Times are simulated
// milliseconds since the start of the run.
#pragma once

#include <string>

#include "core/txn/saga/instance_timeline.h"

namespace txsim::reports {

/// The DOT text of `timeline`. Render it with render_graphviz (reports/saga_diagram.h).
std::string instance_to_dot(const saga::InstanceTimeline& timeline);

}  // namespace txsim::reports
