#include "runner/saga_transactions.h"

#include <algorithm>
#include <limits>

#include "plugins/transfer/transfer_service.h"
#include "runner/report_series.h"

namespace txsim::runner {
namespace {

double per(std::uint64_t count, std::uint64_t txns) {
  return txns == 0 ? 0 : static_cast<double>(count) / static_cast<double>(txns);
}

}  // namespace

Availability availability(const std::vector<std::pair<double, double>>& fault_windows,
                          const std::vector<TxnSpan>& txns, std::uint64_t refused_in_faults) {
  Availability out;
  out.exposed = refused_in_faults;
  for (const auto& t : txns) {
    const double begun = t.started.to_seconds();
    const double ended = t.finished ? t.finished_at.to_seconds() : std::numeric_limits<double>::infinity();
    // Attempted while the window was open, or still in flight when it opened.
    const bool exposed = std::any_of(fault_windows.begin(), fault_windows.end(), [&](const auto& w) {
      return (w.first <= begun && begun <= w.second) || (begun < w.first && ended > w.first);
    });
    if (!exposed) continue;
    ++out.exposed;
    if (t.finished && t.finished_at - t.started <= t.deadline) ++out.on_time;
  }
  return out;
}

std::vector<std::pair<double, double>> fault_windows(const report::Report& report) {
  std::vector<std::pair<double, double>> windows;
  for (const auto& f : report.faults()) {
    if (f.end_s() > f.start_s()) windows.emplace_back(f.start_s(), f.end_s());
  }
  return windows;
}

report::TransactionsReport saga_transactions(SagaWorld& world, const report::Report& r,
                                             std::uint64_t atomicity_violations,
                                             sim::Time last_arrival) {
  const auto& stats = world.saga_stats();
  // Outcomes come from the history, where the first recorded outcome of a saga stands: the
  // orchestrator's own counters count a saga again when a restarted orchestrator re-finishes a
  // saga whose outcome record had not reached its log before the crash.
  const SagaTally& tally = world.tally();
  const std::uint64_t committed = tally.committed;
  const std::uint64_t aborted = tally.aborted;
  const std::uint64_t compensated = tally.compensated - tally.aborted;
  const metrics::Histogram& latency_ns = tally.committed_latency_ns;
  const std::vector<TxnSpan>& spans = tally.spans;

  report::TransactionsReport t;
  t.set_protocol(world.choreography() ? "saga-choreography" : "saga-orchestration");
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
  t.set_blocked_ms_per_txn(0);
  t.set_in_doubt_ms_total(0);
  const Availability a = availability(fault_windows(r), spans, stats.rejected);
  t.set_availability(a.fraction());
  t.set_fault_exposed(a.exposed);
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
