#include "core/txn/saga/orchestrator.h"

#include <stdexcept>

#include "core/txn/saga/saga_log_key.h"

namespace txsim::saga {
namespace {

// Saga log record: route (4 bytes), args a and b (8 each), accepted-at ns (8), then the
// SagaExecution record. Little-endian.
char* put_u64(char* at, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) *at++ = static_cast<char>((value >> (8 * i)) & 0xff);
  return at;
}
std::uint64_t get_u64(std::string_view in, std::size_t offset, int bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) {
    value |= std::uint64_t{static_cast<unsigned char>(in[offset + i])} << (8 * i);
  }
  return value;
}
constexpr std::size_t kHeaderBytes = 4 + 8 + 8 + 8;

}  // namespace

SagaOrchestrator::SagaOrchestrator(net::Node& node, std::vector<SagaRoute> routes,
                                   OrchestratorConfig config, HistoryRecorder* history)
    : node_(node),
      routes_(std::move(routes)),
      config_(config),
      history_(history),
      backoff_rng_(node.simulator().stream("saga/orchestrator/" + node.name() + "/backoff")) {
  for (const auto& route : routes_) {
    if (route.participants.size() != route.definition->steps.size() ||
        route.services.size() != route.definition->steps.size()) {
      throw std::invalid_argument("saga '" + route.definition->name +
                                  "': one participant node is needed per step");
    }
    stats_.steps.emplace_back(route.definition->steps.size());
  }
  node_.set_on_crash([this](net::Node&) {
    instances_.clear();
    report_finishes_kept_by_crash();
  });
  node_.set_recovery([this](net::Node&) { return recover(); });
  start_incarnation();
}

std::string SagaOrchestrator::record(const Instance& instance) const {
  std::string out;
  out.reserve(kHeaderBytes + instance.execution.encoded_size());
  out.resize(kHeaderBytes);
  char* at = put_u64(out.data(), instance.route, 4);
  at = put_u64(at, instance.args.a, 8);
  at = put_u64(at, instance.args.b, 8);
  put_u64(at, static_cast<std::uint64_t>(instance.accepted_at.ns()), 8);
  instance.execution.encode_to(out);
  return out;
}

void SagaOrchestrator::start_incarnation() { node_.spawn(periodic_recovery()); }

bool SagaOrchestrator::submit(std::uint32_t route, std::uint64_t saga_id, SagaArgs args) {
  if (!node_.is_up()) {
    ++stats_.rejected;
    return false;
  }
  const SagaDefinition& definition = *routes_.at(route).definition;
  instances_.emplace(saga_id, Instance{route, args, SagaExecution(definition),
                                       node_.simulator().now(), 0});
  ++stats_.started;
  node_.spawn(start(saga_id));
  return true;
}

sim::Task<void> SagaOrchestrator::start(std::uint64_t saga_id) {
  auto it = instances_.find(saga_id);
  if (it == instances_.end()) co_return;
  const SagaDefinition& definition = *routes_[it->second.route].definition;
  Commands commands;
  it->second.execution.start(node_.simulator().now(), commands);
  // The client is told "accepted" once the saga's first log record is durable (at once when
  // checkpoints are off): a crash before that loses a request nobody was promised anything for.
  co_await persist_and_issue(saga_id, std::move(commands));
  if (history_ != nullptr) history_->accepted(saga_id, definition, node_.simulator().now());
}

sim::Task<void> SagaOrchestrator::persist_and_issue(std::uint64_t saga_id,
                                                    Commands commands) {
  auto it = instances_.find(saga_id);
  if (it == instances_.end()) co_return;
  if (it->second.execution.finished()) {
    finish(saga_id, it->second);
    co_return;
  }
  if (routes_[it->second.route].definition->checkpoint) {
    node_.store().put(saga_log_key(saga_id), record(it->second));
    // The next message goes out only once the stage is durable. Meanwhile the saga counts as
    // busy, so that periodic recovery does not re-drive it.
    ++it->second.outstanding;
    co_await node_.store().sync();
    report_durable_finishes();
    it = instances_.find(saga_id);
    if (it == instances_.end()) co_return;
    --it->second.outstanding;
  }
  issue(saga_id, commands);
}

void SagaOrchestrator::issue(std::uint64_t saga_id, const Commands& commands) {
  auto it = instances_.find(saga_id);
  if (it == instances_.end()) return;
  auto& steps = stats_.steps[it->second.route];
  for (const Command& command : commands) {
    StepStats& step = steps[command.step];
    if (command.type == Command::Type::kInvoke) {
      ++step.attempts;
      if (command.attempt > 1) ++step.retries;
    } else {
      ++step.compensations;
    }
    ++it->second.outstanding;
    node_.spawn(run_command(saga_id, command));
  }
}

sim::Task<void> SagaOrchestrator::run_command(std::uint64_t saga_id, Command command) {
  auto it = instances_.find(saga_id);
  if (it == instances_.end()) co_return;
  const SagaRoute& route = routes_[it->second.route];
  const StepDefinition& step = route.definition->steps[command.step];
  const StepRequest request{saga_id, route.services[command.step], command.step, command.attempt,
                            command.type == Command::Type::kInvoke ? Operation::kAction
                                                                   : Operation::kCompensation,
                            it->second.args};
  if (command.delay > sim::Duration{}) co_await node_.sleep(command.delay);
  const sim::Time sent_at = node_.simulator().now();
  const net::CallResult result =
      co_await node_.call(route.participants[command.step], kStepRequest, encode(request), step.timeout);
  Outcome outcome = Outcome::kUnknown;
  if (result.status == net::CallStatus::kReply) {
    outcome = reply_result(result.reply.payload) == StepResult::kSuccess ? Outcome::kSuccess
                                                                         : Outcome::kFailure;
  }
  if (history_ != nullptr) {
    history_->attempt({saga_id, command.step,
                       command.type == Command::Type::kInvoke ? OpType::kAction
                                                              : OpType::kCompensation,
                       command.attempt, sent_at, node_.simulator().now(),
                       outcome == Outcome::kSuccess   ? AttemptOutcome::kSuccess
                       : outcome == Outcome::kFailure ? AttemptOutcome::kFailure
                                                      : AttemptOutcome::kUnknown});
  }
  it = instances_.find(saga_id);  // the map may have changed while we waited
  if (it == instances_.end()) co_return;
  --it->second.outstanding;
  Commands next;
  it->second.execution.on_outcome(command, outcome, node_.simulator().now(), backoff_rng_, next);
  co_await persist_and_issue(saga_id, std::move(next));
}

void SagaOrchestrator::finish(std::uint64_t saga_id, Instance& instance) {
  const sim::Time now = node_.simulator().now();
  SagaOutcome outcome = SagaOutcome::kStuck;
  switch (instance.execution.status()) {
    case SagaStatus::kCommitted:
      outcome = SagaOutcome::kCommitted;
      ++stats_.committed;
      stats_.committed_latency_ns.record((now - instance.accepted_at).ns());
      break;
    case SagaStatus::kCompensated:
      outcome = SagaOutcome::kCompensated;
      ++stats_.compensated;
      stats_.compensated_latency_ns.record((now - instance.accepted_at).ns());
      break;
    default:
      ++stats_.stuck;
      break;
  }
  if (history_ != nullptr) history_->finished(saga_id, outcome, now);
  const std::uint32_t route = instance.route;
  const bool logged = routes_[route].definition->checkpoint;
  const std::uint64_t erase_version = logged ? node_.store().erase(saga_log_key(saga_id)) : 0;
  instances_.erase(saga_id);
  if (!on_finished_) return;
  if (logged) {
    // Reported by report_durable_finishes once a sync covers the erasure.
    unsynced_finishes_.push_back({erase_version, saga_id, route, outcome});
  } else {
    on_finished_(saga_id, route, outcome, now);
  }
}

void SagaOrchestrator::report_durable_finishes() {
  const std::uint64_t durable = node_.store().synced_through();
  while (!unsynced_finishes_.empty() && unsynced_finishes_.front().erase_version <= durable) {
    const UnsyncedFinish done = unsynced_finishes_.front();
    unsynced_finishes_.pop_front();
    if (on_finished_) on_finished_(done.saga_id, done.route, done.outcome, node_.simulator().now());
  }
}

void SagaOrchestrator::report_finishes_kept_by_crash() {
  // The store has crashed already (net::Node::crash), so synced_through() no longer tells what
  // was synced; the log itself does. An erasure the crash lost brought the saga's record back
  // (recovery re-drives the saga, which finishes again); one already durable, e.g. synced by a
  // service sharing this node's store, left no record, and nothing else would report it.
  std::deque<UnsyncedFinish> finishes;
  finishes.swap(unsynced_finishes_);
  const auto& contents = node_.store().contents();
  for (const UnsyncedFinish& done : finishes) {
    if (on_finished_ && !contents.contains(saga_log_key(done.saga_id))) {
      on_finished_(done.saga_id, done.route, done.outcome, node_.simulator().now());
    }
  }
}

sim::Task<void> SagaOrchestrator::recover() {
  const auto& contents = node_.store().contents();
  std::vector<std::uint64_t> resumed;
  for (auto it = contents.lower_bound(kSagaLogPrefix);
       it != contents.end() && it->first.starts_with(kSagaLogPrefix); ++it) {
    const std::string_view value = it->second.value;
    if (value.size() < kHeaderBytes) throw std::logic_error("saga log record too short: " + it->first);
    const auto route = static_cast<std::uint32_t>(get_u64(value, 0, 4));
    const SagaDefinition& definition = *routes_.at(route).definition;
    const auto parsed = parse_saga_log_key(it->first);
    if (!parsed) throw std::logic_error("not a saga log key: " + it->first);
    const std::uint64_t saga_id = *parsed;
    Instance instance{route, SagaArgs{get_u64(value, 4, 8), get_u64(value, 12, 8)},
                      SagaExecution::decode(definition, value.substr(kHeaderBytes)),
                      sim::Time::from_ns(static_cast<std::int64_t>(get_u64(value, 20, 8))), 0};
    instances_.insert_or_assign(saga_id, std::move(instance));
    resumed.push_back(saga_id);
  }
  stats_.recovered += resumed.size();
  for (const std::uint64_t saga_id : resumed) {
    Commands commands;
    instances_.at(saga_id).execution.resume(node_.simulator().now(), commands);
    node_.spawn(persist_and_issue(saga_id, std::move(commands)));
  }
  start_incarnation();
  co_return;
}

sim::Task<void> SagaOrchestrator::periodic_recovery() {
  for (;;) {
    co_await node_.sleep(config_.recovery_interval);
    std::vector<std::uint64_t> idle;
    for (const auto& [saga_id, instance] : instances_) {
      if (instance.outstanding == 0 && !instance.execution.finished()) idle.push_back(saga_id);
    }
    for (const std::uint64_t saga_id : idle) {
      Commands commands;
      instances_.at(saga_id).execution.resume(node_.simulator().now(), commands);
      node_.spawn(persist_and_issue(saga_id, std::move(commands)));
    }
  }
}

}  // namespace txsim::saga
