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
#include "runner/saga_transactions.h"
#include "runner/twopc_world.h"
#include "txsim/report.pb.h"

namespace txsim::runner {

/// Resources for the scenario's services, routes from its sagas, the coordinator and
/// participant settings from protocol.two_phase_commit.
TwoPhaseWorldConfig twopc_world_config(const scenario::LoadedScenario& loaded,
                                       net::NetworkConfig network, std::vector<net::NodeConfig> nodes);

/// One availability span per transaction of `history` (runner/saga_transactions.h TxnSpan):
/// terminal when decided and no part of it is in `in_doubt` (prepared records left at the end),
/// at the latest of the decision and the participants' applying it; its deadline is
/// route_deadlines[route] (the saga's deadline_s). REQUIRES: every route has a deadline
/// (std::out_of_range).
std::vector<TxnSpan> twopc_spans(const twopc::TwoPhaseHistory& history, const twopc::PartSet& in_doubt,
                                 const std::vector<sim::Duration>& route_deadlines);

/// Report.transactions for a 2PC run, with the figures defined in report.proto
/// TransactionsReport. `arrival_window_s` is from time zero to the latest client attempt,
/// begun or refused (for throughput, as on the saga side); `rejected_at` the times of begins
/// refused while the coordinator was down; `report` must already hold the fault spans (for
/// availability). `atomicity_violations` comes from the twopc_atomicity check.
report::TransactionsReport transactions_report(const TwoPhaseWorld& world, bool presumed_abort,
                                               double arrival_window_s,
                                               const std::vector<sim::Time>& rejected_at,
                                               const report::Report& report,
                                               std::uint64_t atomicity_violations);

}  // namespace txsim::runner
