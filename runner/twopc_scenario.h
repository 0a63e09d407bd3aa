// The two-phase-commit side of a scenario (protocol { two_phase_commit { ... } }): each saga
// of the scenario runs as ONE distributed transaction — its steps are the parts, each prepared
// by its step's service — followed by the commit protocol. Used by SagaScenario, which owns the
// arrivals, the fault plan and the common report sections for both protocols.
//
// Errors: a service type without a two-phase-commit side throws std::invalid_argument
// "not implemented yet: service[<name>].type (...)".
#pragma once

#include <vector>

#include "core/scenario/loader.h"
#include "runner/twopc_world.h"
#include "txsim/report.pb.h"

namespace txsim::runner {

/// Resources for the scenario's services, routes from its sagas, the coordinator and
/// participant settings from protocol.two_phase_commit.
TwoPhaseWorldConfig twopc_world_config(const scenario::LoadedScenario& loaded,
                                       net::NetworkConfig network, std::vector<net::NodeConfig> nodes);

/// Report.transactions for a 2PC run. `arrival_window_s` is the simulated time over which
/// transactions arrived (for throughput); `rejected_at` the times of begins refused while the
/// coordinator was down; `report` must already hold the fault spans (for availability).
/// `atomicity_violations` comes from the twopc_atomicity check.
report::TransactionsReport transactions_report(const TwoPhaseWorld& world, bool presumed_abort,
                                               double arrival_window_s,
                                               const std::vector<sim::Time>& rejected_at,
                                               const report::Report& report,
                                               std::uint64_t atomicity_violations);

}  // namespace txsim::runner
