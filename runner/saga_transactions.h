// The protocol-neutral `transactions` section of the report (report.proto TransactionsReport)
// for a saga run, so that `txsim compare` can put a saga next to 2PC.
//
// Definitions (virtual time is integer nanoseconds; report figures are in ms and s):
//  - started: sagas the orchestrator began (not those it refused while down: `rejected`);
//    committed, compensated, aborted and the committed latency (accepted -> outcome recorded)
//    come from the saga history, where a saga's first recorded outcome stands; unfinished is
//    the rest (stuck, in flight, or lost before its first log record was durable).
//  - aborted: sagas that ended compensated without any action having been applied (refused
//    before any effect); compensated: the other compensated sagas.
//  - throughput_per_s: committed / seconds from time zero to the latest arrival.
//  - availability: of the transactions a client tried to start inside a fault window (a fault
//    span with end > start, either bound included), the fraction that reached an outcome
//    (committed, compensated or aborted) within their saga's deadline. Submissions the
//    orchestrator refused while down count as tried and failed: a refusal only happens while
//    the orchestrator's node is crashed, which is a fault window. 1 when nobody tried.
//  - blocked_ms_total: 0 — a saga participant never holds a lock across messages.
//  - dirty_reads: as defined by the W3 transfer service (plugins/transfer/transfer_service.h);
//    0 for services that model no reads.
#pragma once

#include <cstdint>
#include <vector>

#include "runner/saga_world.h"
#include "txsim/report.pb.h"

namespace txsim::runner {

/// One transaction for the availability figure.
struct TxnSpan {
  sim::Time started;
  bool finished = false;  // reached an outcome
  sim::Time finished_at;
  sim::Duration deadline;
};

/// Fault windows are [start, end] in simulated seconds. See the header comment.
/// REQUIRES: every window has end >= start.
double availability(const std::vector<std::pair<double, double>>& fault_windows,
                    const std::vector<TxnSpan>& txns, std::uint64_t refused_in_faults);

/// Builds the section from the world after the run. `report` must already hold the network,
/// storage and faults sections; `atomicity_violations` comes from the saga_atomicity check;
/// `last_arrival` is when the latest transaction arrived.
report::TransactionsReport saga_transactions(SagaWorld& world, const report::Report& report,
                                             std::uint64_t atomicity_violations,
                                             sim::Time last_arrival);

}  // namespace txsim::runner
