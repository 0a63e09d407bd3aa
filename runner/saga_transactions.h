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
//  - throughput_per_s: committed / seconds from time zero to the latest client attempt (begun or
//    refused) — the arrival window, the same for the 2PC side (runner/twopc_scenario.h).
//  - availability (report.proto TransactionsReport.availability): of the transactions exposed
//    to a fault window — attempted while it was open, refusals included, or in flight when it
//    opened — the fraction that reached their terminal state within their saga's deadline
//    (saga.deadline_s), whatever the verdict. A saga is terminal when its outcome (committed or
//    compensated) is recorded. Every refusal counts as exposed and not on time: the orchestrator
//    refuses only while its node is crashed, which is a fault window. 1 when none was exposed.
//  - blocked_ms_total, blocked_ms_per_txn, in_doubt_ms_total: 0 — a saga participant never
//    holds a lock across messages and is never in doubt.
//  - dirty_reads: as defined by the W3 transfer service (plugins/transfer/transfer_service.h);
//    0 for services that model no reads.
#pragma once

#include <cstdint>
#include <vector>

#include "runner/saga_world.h"
#include "txsim/report.pb.h"

namespace txsim::runner {

// TxnSpan (one transaction for the availability figure) is declared in runner/saga_world.h.

struct Availability {
  std::uint64_t exposed = 0;  // attempted in a fault window (refusals included) or in flight at its start
  std::uint64_t on_time = 0;  // of those, terminal within the deadline
  double fraction() const {
    return exposed == 0 ? 1.0 : static_cast<double>(on_time) / static_cast<double>(exposed);
  }
};

/// Fault windows are [start, end] in simulated seconds; `refused_in_faults` attempts were
/// refused inside them. See the header comment. REQUIRES: every window has end >= start.
Availability availability(const std::vector<std::pair<double, double>>& fault_windows,
                          const std::vector<TxnSpan>& txns, std::uint64_t refused_in_faults);

/// The fault spans of `report` with a duration (end_s > start_s), as [start, end] seconds.
std::vector<std::pair<double, double>> fault_windows(const report::Report& report);

/// Builds the section from the world after the run. `report` must already hold the network,
/// storage and faults sections; `atomicity_violations` comes from the saga_atomicity check;
/// `last_arrival` is when the latest transaction arrived.
report::TransactionsReport saga_transactions(SagaWorld& world, const report::Report& report,
                                             std::uint64_t atomicity_violations,
                                             sim::Time last_arrival);

}  // namespace txsim::runner
