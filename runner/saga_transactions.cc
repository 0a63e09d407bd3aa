#include "runner/saga_transactions.h"

#include <algorithm>
#include <set>

#include "plugins/transfer/transfer_service.h"
#include "runner/report_series.h"

namespace txsim::runner {
namespace {

double per(std::uint64_t count, std::uint64_t txns) {
  return txns == 0 ? 0 : static_cast<double>(count) / static_cast<double>(txns);
}

}  // namespace

double availability(const std::vector<std::pair<double, double>>& fault_windows,
                    const std::vector<TxnSpan>& txns, std::uint64_t refused_in_faults) {
  std::uint64_t tried = refused_in_faults;
  std::uint64_t ok = 0;
  for (const auto& t : txns) {
    const double at = t.started.to_seconds();
    bool in_fault = false;
    for (const auto& [start, end] : fault_windows) in_fault = in_fault || (start <= at && at <= end);
    if (!in_fault) continue;
    ++tried;
    if (t.finished && t.finished_at - t.started <= t.deadline) ++ok;
  }
  return tried == 0 ? 1.0 : static_cast<double>(ok) / static_cast<double>(tried);
}

report::TransactionsReport saga_transactions(SagaWorld& world, const report::Report& r,
                                             std::uint64_t atomicity_violations,
                                             sim::Time last_arrival) {
  const auto& stats = world.saga_stats();
  const auto& history = world.history().history();
  std::set<std::uint64_t> applied;  // sagas with at least one action applied
  for (const auto& op : history.ops) {
    if (op.type == saga::OpType::kAction && op.result == saga::OpResult::kApplied) {
      applied.insert(op.saga_id);
    }
  }
  // Outcomes come from the history, where the first recorded outcome of a saga stands: the
  // orchestrator's own counters count a saga again when a restarted orchestrator re-finishes a
  // saga whose outcome record had not reached its log before the crash.
  std::uint64_t aborted = 0, committed = 0, compensated = 0;
  metrics::Histogram latency_ns;
  std::vector<TxnSpan> spans;
  spans.reserve(history.sagas.size());
  for (const auto& saga : history.sagas) {
    if (saga.outcome == saga::SagaOutcome::kCompensated) {
      ++(applied.count(saga.saga_id) == 0 ? aborted : compensated);
    }
    if (saga.outcome == saga::SagaOutcome::kCommitted) {
      ++committed;
      latency_ns.record((saga.finished_at - saga.accepted_at).ns());
    }
    const bool finished =
        saga.outcome == saga::SagaOutcome::kCommitted || saga.outcome == saga::SagaOutcome::kCompensated;
    spans.push_back({saga.accepted_at, finished, saga.finished_at,
                     saga.definition->forward_recovery_deadline});
  }
  std::vector<std::pair<double, double>> windows;
  for (const auto& f : r.faults()) {
    if (f.end_s() > f.start_s()) windows.emplace_back(f.start_s(), f.end_s());
  }

  report::TransactionsReport t;
  t.set_protocol("saga-orchestration");
  t.set_started(stats.started);
  t.set_committed(committed);
  t.set_aborted(aborted);
  t.set_compensated(compensated);
  t.set_unfinished(stats.started - std::min(stats.started, committed + compensated + aborted));
  t.set_rejected(stats.rejected);
  const double window_s = last_arrival.to_seconds();
  t.set_throughput_per_s(window_s > 0 ? static_cast<double>(committed) / window_s : 0);
  *t.mutable_latency_ms() = to_latency_summary_ms(latency_ns);
  t.set_blocked_ms_total(0);
  t.set_availability(availability(windows, spans, stats.rejected));
  const std::uint64_t txns = stats.started;
  t.set_messages_per_txn(per(r.network().messages_sent(), txns));
  t.set_storage_writes_per_txn(per(r.storage().writes(), txns));
  t.set_forced_writes_per_txn(per(r.storage().syncs(), txns));
  t.set_atomicity_violations(atomicity_violations);
  std::uint64_t dirty = 0;
  for (const auto& spec : world.services()) {
    if (const auto* transfer = dynamic_cast<const plugins::transfer::TransferService*>(spec.service.get())) {
      dirty += transfer->dirty_reads();
    }
  }
  t.set_dirty_reads(dirty);
  return t;
}

}  // namespace txsim::runner
