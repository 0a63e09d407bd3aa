#include "runner/twopc_scenario.h"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "core/metrics/histogram.h"
#include "plugins/generic/step_resource.h"
#include "plugins/transfer/transfer_service.h"
#include "runner/report_series.h"
#include "runner/saga_transactions.h"
#include "plugins/upload/upload_resources.h"
#include "runner/service_params.h"

namespace txsim::runner {
namespace {

constexpr double kDefaultVoteTimeoutMs = 1000;
constexpr double kDefaultDeadlineS = 60;
// The coordinator waits a little longer than a participant: a participant that cannot vote
// in time says no itself, which is cheaper than the coordinator giving up on it.
constexpr sim::Duration kVoteWaitMargin = sim::milliseconds(1000);
constexpr sim::Duration kResendInterval = sim::milliseconds(500);
constexpr sim::Duration kQueryInterval = sim::milliseconds(500);

std::unique_ptr<twopc::TwoPhaseResource> make_resource(const scenario::Service& service) {
  const ServiceParams params(service);
  const std::string& type = service.type();
  using namespace plugins::upload;
  if (type == "upload.ingest") {
    const std::string kind = params.text("kind");
    const UploadKind k = kind == "live" ? UploadKind::kLive
                         : kind == "shorts" ? UploadKind::kShorts
                                            : UploadKind::kVideo;
    return std::make_unique<IngestResource>(k, params.number("shorts_max_duration_s"),
                                            params.number("reject_probability"));
  }
  if (type == "upload.description") {
    return std::make_unique<DescriptionResource>(params.number("moderation_reject_probability"));
  }
  if (type == "upload.publish") {
    return std::make_unique<PublishResource>(static_cast<std::uint64_t>(params.number("quota")));
  }
  if (type == "upload.notify") {
    return std::make_unique<NotifyResource>(params.number("failure_probability"));
  }
  if (type == "generic.participant") {
    return std::make_unique<plugins::generic::StepResource>(params.number("failure_probability"));
  }
  if (type == "transfer.participant") {
    return std::make_unique<plugins::transfer::TransferService>(
        plugins::transfer::parse_role(params.text("role")),
        static_cast<std::int64_t>(params.number("initial_balance")));
  }
  throw std::invalid_argument("not implemented yet: service[" + service.name() + "].type ('" + type +
                              "' has no two-phase-commit side)");
}

bool in_fault_window(const std::vector<std::pair<double, double>>& windows, sim::Time at) {
  const double t = at.to_seconds();
  return std::any_of(windows.begin(), windows.end(),
                     [t](const auto& w) { return w.first <= t && t <= w.second; });
}

}  // namespace

TwoPhaseWorldConfig twopc_world_config(const scenario::LoadedScenario& loaded,
                                       net::NetworkConfig network, std::vector<net::NodeConfig> nodes) {
  const auto& s = loaded.scenario;
  const auto& protocol = s.protocol().two_phase_commit();
  TwoPhaseWorldConfig config;
  config.network = std::move(network);
  config.nodes = std::move(nodes);
  config.coordinator_node = protocol.coordinator_node();
  const sim::Duration vote_timeout = sim::duration_from_ms(
      protocol.has_vote_timeout_ms() ? protocol.vote_timeout_ms() : kDefaultVoteTimeoutMs);
  config.coordinator.presumed_abort = protocol.presumed_abort();
  config.coordinator.vote_wait = vote_timeout + kVoteWaitMargin;
  config.coordinator.resend_interval = kResendInterval;
  for (const auto& service : s.service()) {
    const ServiceParams params(service);
    twopc::ParticipantConfig participant;
    participant.service_time_ms_mean =
        service.type() == "transfer.participant" ? params.number("local_txn_ms_mean")
        : params.has("service_time_ms_mean")     ? params.number("service_time_ms_mean")
                                                 : 0;
    participant.vote_timeout = vote_timeout;
    participant.query_interval = kQueryInterval;
    participant.presumed_abort = protocol.presumed_abort();
    config.resources.push_back({service.name(), service.node(), make_resource(service), participant});
  }
  for (const auto& saga : s.saga()) {
    TwoPcRouteSpec route;
    route.name = saga.name();
    for (const auto& step : saga.step()) route.resources.push_back(step.service());
    route.deadline = sim::duration_from_seconds(saga.has_deadline_s() ? saga.deadline_s() : kDefaultDeadlineS);
    config.routes.push_back(std::move(route));
  }
  return config;
}

std::vector<TxnSpan> twopc_spans(const twopc::TwoPhaseHistory& history, const twopc::PartSet& in_doubt,
                                 const std::vector<sim::Duration>& route_deadlines) {
  // A transaction is terminal once it is decided and every participant that learned of it has
  // applied the decision: until then some participant is in doubt, holding its locks.
  std::map<twopc::TxnId, sim::Time> last_part;
  for (const auto& part : history.parts()) {
    auto [it, inserted] = last_part.try_emplace(part.txn, part.at);
    if (!inserted) it->second = std::max(it->second, part.at);
  }
  std::set<twopc::TxnId> still_in_doubt;
  for (const auto& part : in_doubt) still_in_doubt.insert(part.first);
  std::vector<TxnSpan> spans;
  spans.reserve(history.txns().size());
  for (const auto& [txn, record] : history.txns()) {
    TxnSpan span;
    span.started = record.begun_at;
    span.deadline = route_deadlines.at(record.route);
    span.finished = record.outcome != twopc::Outcome::kNone && still_in_doubt.count(txn) == 0;
    const auto part = last_part.find(txn);
    span.finished_at = part == last_part.end() ? record.decided_at : std::max(record.decided_at, part->second);
    spans.push_back(span);
  }
  return spans;
}

report::TransactionsReport transactions_report(const TwoPhaseWorld& world, bool presumed_abort,
                                               double arrival_window_s,
                                               const std::vector<sim::Time>& rejected_at,
                                               const report::Report& report,
                                               std::uint64_t atomicity_violations) {
  report::TransactionsReport out;
  out.set_protocol(presumed_abort ? "2pc-presumed-abort" : "2pc");
  std::uint64_t committed = 0, aborted = 0;
  metrics::Histogram latency_ns;
  for (const auto& [txn, record] : world.history().txns()) {
    if (record.outcome == twopc::Outcome::kCommitted) {
      ++committed;
      latency_ns.record((record.decided_at - record.begun_at).ns());
    } else if (record.outcome == twopc::Outcome::kAborted) {
      ++aborted;
    }
  }
  const auto windows = fault_windows(report);
  std::uint64_t refused_in_faults = 0;
  for (const auto at : rejected_at) refused_in_faults += in_fault_window(windows, at) ? 1 : 0;
  std::vector<sim::Duration> deadlines;
  for (const auto& route : world.routes()) deadlines.push_back(route.deadline);
  const Availability available =
      availability(windows, twopc_spans(world.history(), world.in_doubt(), deadlines), refused_in_faults);
  const std::uint64_t started = world.history().txns().size();
  out.set_started(started);
  out.set_committed(committed);
  out.set_aborted(aborted);
  out.set_unfinished(started - committed - aborted);
  out.set_rejected(rejected_at.size());
  out.set_throughput_per_s(arrival_window_s > 0 ? static_cast<double>(committed) / arrival_window_s : 0);
  *out.mutable_latency_ms() = to_latency_summary_ms(latency_ns);
  metrics::Histogram hold_ns;
  double lock_wait_ns = 0, in_doubt_ns = 0;
  for (const auto& p : world.participants()) {
    hold_ns.merge(p->locks().hold_ns());
    const auto& wait = p->locks().wait_ns();
    lock_wait_ns += wait.mean() * static_cast<double>(wait.count());
    in_doubt_ns += static_cast<double>(p->stats().in_doubt_ns);
  }
  *out.mutable_lock_hold_ms() = to_latency_summary_ms(hold_ns);
  const double blocked_ms = (lock_wait_ns + in_doubt_ns) / 1e6;
  out.set_blocked_ms_total(blocked_ms);
  out.set_blocked_ms_per_txn(started > 0 ? blocked_ms / static_cast<double>(started) : 0);
  out.set_in_doubt_ms_total(in_doubt_ns / 1e6);
  out.set_availability(available.fraction());
  out.set_fault_exposed(available.exposed);
  const double n = started > 0 ? static_cast<double>(started) : 1.0;
  out.set_messages_per_txn(static_cast<double>(report.network().messages_sent()) / n);
  out.set_storage_writes_per_txn(static_cast<double>(report.storage().writes()) / n);
  out.set_forced_writes_per_txn(static_cast<double>(report.storage().syncs()) / n);
  out.set_atomicity_violations(atomicity_violations);
  return out;
}

}  // namespace txsim::runner
