#include "core/cqrs/choreography.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "core/cqrs/outbox.h"
#include "core/sim/distributions.h"
#include "core/txn/saga/barrier_record.h"

namespace txsim::cqrs {
namespace {

using saga::ChoreographyEvent;

constexpr std::string_view kRetryPrefix = "rt/";

std::string state_key(std::uint64_t saga_id) { return "cs/" + hex16(saga_id); }

// Outbox row of a choreography event. A node emits each (saga, step, kind) at most once (the
// barrier and retry records see to it), so the event names its own row: no sequence-number
// write per row, and an emission repeated after a crash overwrites instead of duplicating.
void write_event_row(storage::DurableStore& store, const DomainEvent& event) {
  store.put(std::string(kOutboxPrefix) + hex16(event.aggregate) + "/" + hex16(pack(event)),
            to_record(event));
}

std::string retry_key(std::uint64_t saga_id, std::uint32_t step) {
  return std::string(kRetryPrefix) + hex16(saga_id) + "/" + hex16(step);
}

// Retry marker: "<route>:<args a>:<args b>:<retrying since, ns>:<attempts so far>".
struct RetryMarker {
  std::uint32_t route = 0;
  std::uint64_t a = 0, b = 0;
  std::int64_t since_ns = 0;
  std::uint32_t attempts = 0;
};

std::string to_value(const RetryMarker& m) {
  return std::to_string(m.route) + ":" + std::to_string(m.a) + ":" + std::to_string(m.b) + ":" +
         std::to_string(m.since_ns) + ":" + std::to_string(m.attempts);
}

RetryMarker parse_marker(const std::string& value) {
  RetryMarker m;
  unsigned long long route = 0, a = 0, b = 0, attempts = 0;
  long long since = 0;
  if (std::sscanf(value.c_str(), "%llu:%llu:%llu:%lld:%llu", &route, &a, &b, &since, &attempts) != 5) {
    throw std::logic_error("bad choreography retry marker: " + value);
  }
  m.route = static_cast<std::uint32_t>(route);
  m.a = a;
  m.b = b;
  m.since_ns = since;
  m.attempts = static_cast<std::uint32_t>(attempts);
  return m;
}

saga::SagaOutcome outcome_of(saga::SagaStatus status) {
  switch (status) {
    case saga::SagaStatus::kCommitted: return saga::SagaOutcome::kCommitted;
    case saga::SagaStatus::kCompensated: return saga::SagaOutcome::kCompensated;
    case saga::SagaStatus::kStuck: return saga::SagaOutcome::kStuck;
    default: return saga::SagaOutcome::kNone;
  }
}

}  // namespace

EventKind event_kind(ChoreographyEvent event) {
  return static_cast<EventKind>(static_cast<std::uint8_t>(EventKind::kSagaStarted) +
                                static_cast<std::uint8_t>(event));
}

bool choreography_event(EventKind kind, ChoreographyEvent& out) {
  const auto k = static_cast<std::uint8_t>(kind);
  const auto first = static_cast<std::uint8_t>(EventKind::kSagaStarted);
  if (k < first || k > static_cast<std::uint8_t>(EventKind::kStepStuck)) return false;
  out = static_cast<ChoreographyEvent>(k - first);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Monitor

ChoreographyMonitor::ChoreographyMonitor(sim::Simulator& simulator,
                                         std::vector<const saga::SagaDefinition*> routes,
                                         saga::HistoryRecorder* history)
    : simulator_(simulator), routes_(std::move(routes)), history_(history) {
  for (const auto* definition : routes_) stats_.steps.emplace_back(definition->steps.size());
}

void ChoreographyMonitor::submitted(std::uint32_t, bool accepted_by_entry) {
  if (accepted_by_entry) {
    ++stats_.started;
  } else {
    ++stats_.rejected;
  }
}

void ChoreographyMonitor::accepted(std::uint64_t saga_id, std::uint32_t route, sim::Time submitted_at) {
  const saga::SagaDefinition& definition = *routes_.at(route);
  const bool fresh =
      sagas_.try_emplace(saga_id, Tracked{saga::ChoreographyState(definition), submitted_at, route}).second;
  if (!fresh) throw std::logic_error("choreography saga accepted twice");
  ++accepted_unfinished_;
  if (history_ != nullptr) history_->accepted(saga_id, definition, simulator_.now());
}

void ChoreographyMonitor::observe(const DomainEvent& event) {
  ChoreographyEvent what;
  if (!choreography_event(event.kind, what)) return;
  if (event.route >= routes_.size()) throw std::logic_error("choreography event names an unknown saga");
  // Acceptance precedes the saga's first event in the log, so an untracked saga has finished:
  // this is a late duplicate.
  const auto it = sagas_.find(event.aggregate);
  if (it == sagas_.end()) return;
  it->second.state.apply(what, event.step);
  if (it->second.state.finished()) finish(event.aggregate, it->second);
}

void ChoreographyMonitor::finish(std::uint64_t saga_id, Tracked& tracked) {
  const sim::Time now = simulator_.now();
  const saga::SagaStatus status = tracked.state.status();
  const std::int64_t latency = (now - tracked.submitted_at).ns();
  if (status == saga::SagaStatus::kCommitted) {
    ++stats_.committed;
    stats_.committed_latency_ns.record(latency);
  } else if (status == saga::SagaStatus::kCompensated) {
    ++stats_.compensated;
    stats_.compensated_latency_ns.record(latency);
  } else {
    ++stats_.stuck;
  }
  if (history_ != nullptr) history_->finished(saga_id, outcome_of(status), now);
  --accepted_unfinished_;
  const std::uint32_t route = tracked.route;
  sagas_.erase(saga_id);
  if (on_finished_) on_finished_(saga_id, route, now);
}

// ---------------------------------------------------------------------------------------------
// Participant: consuming

static ConsumerConfig consumer_config(const ChoreographyConfig& config, std::uint32_t partitions) {
  ConsumerConfig c;
  c.group = config.group;
  c.partitions = partitions;
  c.resubscribe_interval = config.resubscribe_interval;
  c.call_timeout = config.call_timeout;
  // A saga waits for every hop: no idle first interval, no push dropped for overtaking the
  // subscription's reply.
  c.eager_subscribe = true;
  // A broker that crashed may have lost recent commits (it syncs them lazily) and would then
  // push nothing beyond its window: repeat ours.
  c.repeat_commits = true;
  c.commit_every = config.commit_every;
  c.commit_delay = config.commit_delay;
  return c;
}

ChoreographyParticipant::ChoreographyParticipant(net::Node& node, net::NodeId broker,
                                                 std::uint32_t partitions,
                                                 std::vector<const saga::SagaDefinition*> routes,
                                                 std::vector<OwnedStep> steps,
                                                 ChoreographyConfig config,
                                                 ChoreographyMonitor& monitor,
                                                 saga::HistoryRecorder* history)
    : node_(node), routes_(std::move(routes)), steps_(checked(node, routes_, std::move(steps))),
      config_(config),
      monitor_(monitor), history_(history),
      service_time_rng_(node.simulator().stream("saga/choreography/" + node.name() + "/service_time")),
      business_rng_(node.simulator().stream("saga/choreography/" + node.name() + "/business")),
      backoff_rng_(node.simulator().stream("saga/choreography/" + node.name() + "/backoff")),
      consumer_(node, broker, consumer_config(config, partitions), "choreography on node '" + node.name() + "'",
                [this](const Delivery& d) { on_accept(d); }, [this] { on_new_incarnation(); }) {
  for (const auto& step : steps_) routes_taken_.insert(step.route);
}

// Validated before consumer_ registers the node's delivery handler (which captures `this`), so
// that a throwing constructor leaves no handler behind on the node.
std::vector<OwnedStep> ChoreographyParticipant::checked(
    const net::Node& node, const std::vector<const saga::SagaDefinition*>& routes,
    std::vector<OwnedStep> steps) {
  for (const auto& step : steps) {
    if (step.route >= routes.size() || step.step >= routes[step.route]->steps.size() ||
        step.implementation == nullptr || step.service_time_ms_mean < 0) {
      throw std::invalid_argument("choreography on node '" + node.name() + "': bad owned step");
    }
  }
  return steps;
}

void ChoreographyParticipant::start() { consumer_.start(); }

const OwnedStep* ChoreographyParticipant::owned(std::uint32_t route, std::uint32_t step) const {
  for (const auto& s : steps_) {
    if (s.route == route && s.step == step) return &s;
  }
  return nullptr;
}

void ChoreographyParticipant::ensure_current() { consumer_.ensure_current(); }

// A new incarnation starts from the store's durable contents: per-saga states and retry
// markers are there; progress in the log comes from the broker's committed offsets.
void ChoreographyParticipant::on_new_incarnation() {
  incarnation_ = node_.incarnation();
  lanes_.clear();
  unsynced_.clear();
  group_sync_scheduled_ = false;
  submitting_ = 0;
  const auto& rows = node_.store().contents();
  for (auto it = rows.lower_bound(kRetryPrefix);
       it != rows.end() && it->first.compare(0, kRetryPrefix.size(), kRetryPrefix) == 0; ++it) {
    const std::uint64_t saga_id = std::stoull(it->first.substr(3, 16), nullptr, 16);
    const auto step = static_cast<std::uint32_t>(std::stoull(it->first.substr(20, 16), nullptr, 16));
    node_.spawn(retry_loop(saga_id, parse_marker(it->second.value).route, step));
  }
}

std::size_t ChoreographyParticipant::submitting() const {
  return node_.is_up() && incarnation_ == node_.incarnation() ? submitting_ : 0;
}

bool ChoreographyParticipant::forget(std::uint64_t saga_id, std::uint32_t route) {
  if (routes_taken_.count(route) == 0) return false;
  auto& store = node_.store();
  const std::string key = state_key(saga_id);
  const auto it = store.contents().find(key);  // not a modelled read
  if (it == store.contents().end()) return false;
  // A node that has not folded the end yet still needs the row.
  if (!saga::ChoreographyState::decode(*routes_[route], it->second.value).finished()) return false;
  return store.prune(key);
}

std::size_t ChoreographyParticipant::state_rows() const {
  std::size_t n = 0;
  const auto& rows = node_.store().contents();
  for (auto it = rows.lower_bound("cs/"); it != rows.end() && it->first.compare(0, 3, "cs/") == 0; ++it) ++n;
  return n;
}

void ChoreographyParticipant::on_accept(const Delivery& d) {
  ChoreographyEvent what;
  if (!choreography_event(d.event.kind, what) || routes_taken_.count(d.event.route) == 0) {
    consumer_.done(d.partition, d.offset);  // nothing to do here
    return;
  }
  auto [it, idle] = lanes_.try_emplace(d.event.aggregate);
  it->second.push_back(d);
  if (idle) node_.spawn(lane(d.event.aggregate, incarnation_));
}

sim::Task<void> ChoreographyParticipant::lane(std::uint64_t saga_id, std::uint32_t incarnation) {
  for (;;) {
    const auto it = lanes_.find(saga_id);
    if (it == lanes_.end()) throw std::logic_error("choreography lane without events");
    if (it->second.empty()) {
      lanes_.erase(it);
      co_return;
    }
    const Delivery d = it->second.front();
    std::vector<Done> done;
    co_await react(d.event, done);
    if (incarnation_ != incarnation) co_return;
    if (done.empty()) {
      // Only a fold (or nothing): nobody waits for it but the offset commit, so it joins the
      // next sync instead of forcing its own (group commit).
      lanes_.at(saga_id).pop_front();
      defer_done(d.partition, d.offset);
      continue;
    }
    // Any pending write is covered, not only this saga's: a retry marker another process wrote
    // and this event relied on is durable before the offset is.
    std::vector<std::pair<std::uint32_t, std::uint64_t>> covered;
    covered.swap(unsynced_);
    co_await node_.store().sync();
    if (incarnation_ != incarnation) co_return;
    for (const auto& [partition, offset] : covered) consumer_.done(partition, offset);
    for (const Done& x : done) record(x);
    for (const Done& x : done) {
      if (x.type == saga::OpType::kAction && node_.store().get(retry_key(x.saga_id, x.step->step))) {
        node_.spawn(retry_loop(x.saga_id, x.step->route, x.step->step));
      }
    }
    if (!done.empty()) outbox_durable();
    lanes_.at(saga_id).pop_front();
    consumer_.done(d.partition, d.offset);
  }
}

void ChoreographyParticipant::defer_done(std::uint32_t partition, std::uint64_t offset) {
  if (node_.store().pending_writes() == 0) {  // everything it relied on is durable already
    consumer_.done(partition, offset);
    return;
  }
  unsynced_.emplace_back(partition, offset);
  if (!group_sync_scheduled_) {
    group_sync_scheduled_ = true;
    node_.spawn(group_sync(incarnation_));
  }
}

sim::Task<void> ChoreographyParticipant::group_sync(std::uint32_t incarnation) {
  co_await node_.sleep(config_.group_sync_delay);
  if (incarnation_ != incarnation) co_return;
  group_sync_scheduled_ = false;
  std::vector<std::pair<std::uint32_t, std::uint64_t>> covered;
  covered.swap(unsynced_);
  if (covered.empty()) co_return;  // a lane's sync took them
  co_await node_.store().sync();
  if (incarnation_ != incarnation) co_return;
  for (const auto& [partition, offset] : covered) consumer_.done(partition, offset);
}

void ChoreographyParticipant::outbox_durable() {
  if (on_outbox_durable_) on_outbox_durable_();
}

// ---------------------------------------------------------------------------------------------
// Participant: reacting

sim::Task<void> ChoreographyParticipant::react(DomainEvent event, std::vector<Done>& done) {
  ChoreographyEvent what;
  if (!choreography_event(event.kind, what) || routes_taken_.count(event.route) == 0) co_return;
  const saga::SagaDefinition& definition = *routes_.at(event.route);
  auto& store = node_.store();
  const std::string key = state_key(event.aggregate);
  const auto stored = store.get(key);
  saga::ChoreographyState state =
      stored ? saga::ChoreographyState::decode(definition, stored->value)
             : saga::ChoreographyState(definition);
  if (state.apply(what, event.step)) store.put(key, state.encode());
  // Due work follows from the state and the barrier records, not from this event alone: a
  // redelivery after a crash finds what the lost transaction left undone.
  std::vector<Work> work;
  for (const auto& step : steps_) {
    if (step.route != event.route) continue;
    const bool action_due = state.action_due(step.step);
    if (!action_due && !state.compensation_due(step.step)) continue;
    const saga::BarrierState barrier =
        saga::BarrierState::of(store.find(saga::BarrierKey(event.aggregate, step.step)));
    if (action_due && !barrier.action_ran() && !store.get(retry_key(event.aggregate, step.step))) {
      work.push_back({&step, false});
    } else if (state.compensation_due(step.step) && !barrier.compensated) {
      work.push_back({&step, true});
    }
  }
  for (const Work& w : work) {
    const sim::Time began = node_.simulator().now();
    co_await service_time(*w.step);
    if (w.compensation) {
      run_compensation(*w.step, event);
      done.push_back({event.aggregate, w.step, saga::OpType::kCompensation, saga::OpResult::kApplied, 1, began});
    } else {
      done.push_back({event.aggregate, w.step, saga::OpType::kAction, run_action(*w.step, event, 1), 1, began});
    }
  }
}

sim::Task<void> ChoreographyParticipant::service_time(const OwnedStep& step) {
  if (step.service_time_ms_mean <= 0) co_return;
  const double ms = sim::exponential(service_time_rng_, step.service_time_ms_mean);
  co_await node_.sleep(sim::Duration::from_ns(std::llround(ms * 1e6)));
}

namespace {

// The action's result joins whatever the barrier record already holds.
void record_action(storage::DurableStore& store, std::uint64_t saga_id, std::uint32_t step,
                   char result) {
  const saga::BarrierKey key(saga_id, step);
  saga::BarrierState barrier = saga::BarrierState::of(store.find(key));
  barrier.action = result;
  barrier.write(store, key);
}

}  // namespace

saga::OpResult ChoreographyParticipant::run_action(const OwnedStep& step, const DomainEvent& trigger,
                                                   std::uint32_t attempt) {
  auto& store = node_.store();
  const saga::StepDefinition& definition = routes_[step.route]->steps[step.step];
  const bool retriable = definition.kind == saga::StepKind::kRetriable;
  const saga::StepRequest request{trigger.aggregate, step.service, step.step, attempt,
                                  saga::Operation::kAction, {trigger.args_a, trigger.args_b}};
  const saga::StepResult result = step.implementation->apply_action(store, request, business_rng_);
  auto& stats = monitor_.stats().steps[step.route][step.step];
  ++stats.attempts;
  if (attempt > 1) ++stats.retries;
  if (result == saga::StepResult::kSuccess) {
    record_action(store, trigger.aggregate, step.step, saga::BarrierState::kSucceeded);
    store.erase(retry_key(trigger.aggregate, step.step));
    emit(step, trigger, ChoreographyEvent::kStepDone);
    return saga::OpResult::kApplied;
  }
  if (!retriable) {
    // A transient error of a step that is not retriable counts as a refusal, as the
    // orchestrator counts it: remembered, so a redelivery does not run it again.
    record_action(store, trigger.aggregate, step.step, saga::BarrierState::kFailed);
    emit(step, trigger, ChoreographyEvent::kStepFailed);
    return saga::OpResult::kRejected;
  }
  const std::string key = retry_key(trigger.aggregate, step.step);
  const auto existing = store.get(key);
  RetryMarker marker = existing ? parse_marker(existing->value)
                                : RetryMarker{step.route, trigger.args_a, trigger.args_b,
                                              node_.simulator().now().ns(), 0};
  marker.attempts = attempt;
  store.put(key, to_value(marker));
  return saga::OpResult::kRejected;
}

void ChoreographyParticipant::run_compensation(const OwnedStep& step, const DomainEvent& trigger) {
  auto& store = node_.store();
  const saga::StepRequest request{trigger.aggregate, step.service, step.step, 1,
                                  saga::Operation::kCompensation, {trigger.args_a, trigger.args_b}};
  const saga::BarrierKey key(trigger.aggregate, step.step);
  saga::BarrierState barrier = saga::BarrierState::of(store.find(key));
  barrier.compensated = true;
  barrier.write(store, key);
  step.implementation->apply_compensation(store, request);
  ++monitor_.stats().steps[step.route][step.step].compensations;
  emit(step, trigger, ChoreographyEvent::kStepCompensated);
}

void ChoreographyParticipant::emit(const OwnedStep& step, const DomainEvent& trigger,
                                   ChoreographyEvent what) {
  DomainEvent e;
  e.aggregate = trigger.aggregate;
  e.service = step.service;
  e.step = step.step;
  e.kind = event_kind(what);
  e.route = step.route;
  e.args_a = trigger.args_a;
  e.args_b = trigger.args_b;
  write_event_row(node_.store(), e);
}

void ChoreographyParticipant::record(const Done& d) {
  if (history_ == nullptr) return;
  const sim::Time now = node_.simulator().now();
  history_->op({d.saga_id, d.step->step, d.type, d.result, now});
  history_->attempt({d.saga_id, d.step->step, d.type, d.attempt, d.began, now,
                     d.result == saga::OpResult::kApplied ? saga::AttemptOutcome::kSuccess
                                                          : saga::AttemptOutcome::kFailure});
}

sim::Task<void> ChoreographyParticipant::retry_loop(std::uint64_t saga_id, std::uint32_t route,
                                                    std::uint32_t step_index) {
  const OwnedStep* step = owned(route, step_index);
  if (step == nullptr) throw std::logic_error("choreography retry for a step this node lacks");
  const saga::SagaDefinition& definition = *routes_[route];
  auto& store = node_.store();
  const std::string key = retry_key(saga_id, step_index);
  for (;;) {
    auto value = store.get(key);
    if (!value) co_return;
    RetryMarker marker = parse_marker(value->value);
    co_await node_.sleep(saga::backoff_delay(definition.steps[step_index].retry, marker.attempts,
                                             backoff_rng_));
    value = store.get(key);
    if (!value) co_return;
    marker = parse_marker(value->value);
    DomainEvent trigger;
    trigger.aggregate = saga_id;
    trigger.route = route;
    trigger.args_a = marker.a;
    trigger.args_b = marker.b;
    const sim::Time began = node_.simulator().now();
    if ((began - sim::Time::from_ns(marker.since_ns)) > definition.forward_recovery_deadline) {
      store.erase(key);
      emit(*step, trigger, ChoreographyEvent::kStepStuck);
      co_await store.sync();
      outbox_durable();
      co_return;
    }
    co_await service_time(*step);
    const saga::OpResult result = run_action(*step, trigger, marker.attempts + 1);
    co_await store.sync();
    record({saga_id, step, saga::OpType::kAction, result, marker.attempts + 1, began});
    if (result == saga::OpResult::kApplied) outbox_durable();
    if (result == saga::OpResult::kApplied) co_return;
  }
}

// ---------------------------------------------------------------------------------------------
// Participant: accepting new sagas

bool ChoreographyParticipant::submit(std::uint32_t route, std::uint64_t saga_id,
                                     saga::SagaArgs args, std::uint32_t entry_service) {
  if (!node_.is_up()) return false;
  ensure_current();
  DomainEvent e;
  e.aggregate = saga_id;
  e.service = entry_service;
  e.kind = event_kind(ChoreographyEvent::kSagaStarted);
  e.route = route;
  e.args_a = args.a;
  e.args_b = args.b;
  ++submitting_;
  node_.spawn(start_saga(e, node_.simulator().now()));
  return true;
}

sim::Task<void> ChoreographyParticipant::start_saga(DomainEvent event, sim::Time submitted_at) {
  write_event_row(node_.store(), event);
  co_await node_.store().sync();
  --submitting_;
  // Accepted before the start event can reach the broker (the monitor relies on it).
  monitor_.accepted(event.aggregate, event.route, submitted_at);
  outbox_durable();
}

}  // namespace txsim::cqrs
