#include "runner/saga_world.h"

#include <algorithm>
#include <stdexcept>

#include "core/cqrs/choreography_timing.h"

namespace txsim::runner {

SagaWorld::SagaWorld(sim::Simulator& simulator, SagaWorldConfig config)
    : config_(std::move(config)), network_(simulator, config_.network) {
  for (const auto& node : config_.nodes) network_.add_node(node);
  for (std::size_t i = 0; i < config_.services.size(); ++i) {
    ServiceSpec& spec = config_.services[i];
    if (!service_index_.emplace(spec.name, i).second) {
      throw std::invalid_argument("service '" + spec.name + "' is defined twice");
    }
    net::Node& host_node = node(spec.node);
    participants_.push_back(std::make_unique<saga::SagaParticipant>(
        host_node, *spec.service, spec.participant,
        config_.record_history ? &history_ : nullptr));
    auto& host = hosts_[host_node.id()];
    if (!host) host = std::make_unique<saga::ParticipantHost>(host_node);
    host->add(static_cast<std::uint32_t>(i), *participants_.back());
  }
  std::vector<saga::SagaRoute> routes;
  for (const auto& definition : config_.sagas) {
    saga::validate_definition(definition);
    saga::SagaRoute route{&definition, {}, {}};
    auto& participants = step_participants_.emplace_back();
    for (const auto& step : definition.steps) {
      const auto found = service_index_.find(step.service);
      if (found == service_index_.end()) {
        throw std::invalid_argument("saga '" + definition.name + "' step '" + step.name +
                                    "' names unknown service '" + step.service + "'");
      }
      saga::SagaParticipant& participant = *participants_[found->second];
      route.participants.push_back(participant.node().id());
      route.services.push_back(static_cast<std::uint32_t>(found->second));
      participants.push_back(&participant);
    }
    routes.push_back(std::move(route));
  }
  if (!config_.choreography_broker_node.empty()) {
    build_choreography(simulator);
    if (config_.retention_horizon) start_retention(*config_.retention_horizon);
    return;
  }
  orchestrator_ = std::make_unique<saga::SagaOrchestrator>(node(config_.orchestrator_node),
                                                           std::move(routes),
                                                           config_.orchestrator,
                                                           config_.record_history ? &history_ : nullptr);
  if (config_.retention_horizon) start_retention(*config_.retention_horizon);
}

void SagaWorld::start_retention(sim::Duration horizon) {
  SagaRetention::BeforeForget before_forget;
  if (config_.record_history && config_.fold_settled_history) {
    history_.hold_per_saga();
    before_forget = [this](std::uint64_t saga_id, std::uint32_t) {
      if (auto record = history_.take(saga_id)) fold(*record, true);
    };
  } else if (config_.record_history) {
    // The whole history is kept (a trace or history view was asked for) and folded at the end,
    // when the forgotten sagas' rows are gone: read their effects now, as folding would.
    before_forget = [this](std::uint64_t saga_id, std::uint32_t route) {
      const auto& participants = step_participants_.at(route);
      std::vector<bool> present(participants.size());
      for (std::size_t s = 0; s < participants.size(); ++s) {
        present[s] = participants[s]->service().effect_present(participants[s]->node().store(), saga_id);
      }
      carried_effects_.insert_or_assign(saga_id, std::move(present));
    };
  }
  retention_ = std::make_unique<SagaRetention>(horizon, step_participants_,
                                               std::move(before_forget));
  if (choreography()) {
    monitor_->set_on_finished([this](std::uint64_t saga_id, std::uint32_t route, sim::Time at) {
      retention_->on_finished(saga_id, route, at);
    });
    retention_->set_on_forget([this](std::uint64_t saga_id, std::uint32_t route) {
      for (auto& participant : choreographers_) participant->forget(saga_id, route);
    });
    return;
  }
  orchestrator_->set_on_finished(
      [this](std::uint64_t saga_id, std::uint32_t route, saga::SagaOutcome, sim::Time at) {
        retention_->on_finished(saga_id, route, at);
      });
}

void SagaWorld::build_choreography(sim::Simulator& simulator) {
  saga::HistoryRecorder* history = config_.record_history ? &history_ : nullptr;
  std::vector<const saga::SagaDefinition*> routes;
  for (const auto& definition : config_.sagas) routes.push_back(&definition);
  net::Node& broker_node = node(config_.choreography_broker_node);
  broker_ = std::make_unique<cqrs::Broker>(broker_node, cqrs::BrokerConfig{config_.broker_partitions, 64});
  monitor_ = std::make_unique<cqrs::ChoreographyMonitor>(simulator, routes, history);
  broker_->set_on_durable([this](const cqrs::DomainEvent& e) { monitor_->observe(e); });
  // The steps each service node runs, in node order of first appearance among the services.
  std::vector<std::string> node_order;
  std::map<std::string, std::vector<cqrs::OwnedStep>> owned;
  for (const auto& spec : config_.services) {
    if (!owned.count(spec.node)) node_order.push_back(spec.node);
    owned[spec.node];
  }
  for (std::uint32_t r = 0; r < config_.sagas.size(); ++r) {
    const auto& steps = config_.sagas[r].steps;
    for (std::uint32_t s = 0; s < steps.size(); ++s) {
      const std::size_t index = service_index_.at(steps[s].service);
      ServiceSpec& spec = config_.services[index];
      owned[spec.node].push_back({r, s, static_cast<std::uint32_t>(index), spec.service.get(),
                                  spec.participant.service_time_ms_mean});
    }
  }
  std::map<std::string, cqrs::ChoreographyParticipant*> by_node;
  for (std::size_t i = 0; i < node_order.size(); ++i) {
    net::Node& service_node = node(node_order[i]);
    if (service_node.id() == broker_node.id()) {
      throw std::invalid_argument("saga_choreography: the broker node '" + node_order[i] +
                                  "' cannot also run a service");
    }
    // Timings shared with scenario validation (core/cqrs/choreography_timing.h).
    namespace timing = cqrs::choreography_timing;
    cqrs::ChoreographyConfig config;
    config.group = static_cast<std::uint32_t>(1000 + i);
    config.resubscribe_interval = timing::kResubscribeInterval;
    // Pipelined publishing: a serial relay (one round trip per row) caps a node at a few hundred
    // events per second, and choreography needs no order between one node's rows.
    cqrs::RelayConfig relay;
    relay.poll_interval = timing::kRelayPollInterval;
    relay.call_timeout = timing::kRelayCallTimeout;
    relay.max_in_flight = 64;
    relays_.push_back(std::make_unique<cqrs::OutboxRelay>(service_node, broker_node.id(), relay));
    choreographers_.push_back(std::make_unique<cqrs::ChoreographyParticipant>(
        service_node, broker_node.id(), config_.broker_partitions, routes,
        std::move(owned[node_order[i]]), config, *monitor_, history));
    cqrs::OutboxRelay* node_relay = relays_.back().get();
    choreographers_.back()->set_on_outbox_durable([node_relay] { node_relay->kick(); });
    by_node[node_order[i]] = choreographers_.back().get();
  }
  for (const auto& definition : config_.sagas) {
    // The entry: the service of the first step in topological order (a step with no `after`).
    const std::uint32_t first = saga::topological_order(definition).front();
    const std::size_t index = service_index_.at(definition.steps[first].service);
    entries_.emplace_back(by_node.at(config_.services[index].node), static_cast<std::uint32_t>(index));
  }
}

void SagaWorld::start() {
  for (auto& relay : relays_) relay->start();
  for (auto& participant : choreographers_) participant->start();
}

bool SagaWorld::submit(std::uint32_t route, std::uint64_t saga_id, saga::SagaArgs args) {
  if (!choreography()) return orchestrator_->submit(route, saga_id, args);
  const auto& [entry, service] = entries_.at(route);
  const bool accepted = entry->submit(route, saga_id, args, service);
  monitor_->submitted(route, accepted);
  return accepted;
}

std::size_t SagaWorld::in_flight() const {
  if (!choreography()) return orchestrator_->in_flight();
  std::size_t n = monitor_->in_flight();
  for (const auto& participant : choreographers_) n += participant->submitting();
  return n;
}

bool SagaWorld::coordinator_up() const {
  return choreography() || orchestrator_->node().is_up();
}

const saga::OrchestratorStats& SagaWorld::saga_stats() const {
  return choreography() ? monitor_->stats() : orchestrator_->stats();
}

net::Node& SagaWorld::node(const std::string& name) {
  net::Node* found = network_.find_node(name);
  if (found == nullptr) throw std::invalid_argument("unknown node '" + name + "'");
  return *found;
}

std::uint32_t SagaWorld::route(const std::string& name) const {
  for (std::uint32_t r = 0; r < config_.sagas.size(); ++r) {
    if (config_.sagas[r].name == name) return r;
  }
  throw std::invalid_argument("unknown saga '" + name + "'");
}

void SagaWorld::fold(const saga::SagaRecord& record, bool during_run) {
  const saga::SagaInstance& saga = record.instance;
  std::size_t route = 0;
  while (&config_.sagas.at(route) != saga.definition) ++route;
  const auto& participants = step_participants_[route];
  const auto carried = carried_effects_.find(saga.saga_id);
  checks_.fold(record, [&](std::uint32_t step) {
    if (carried != carried_effects_.end()) return static_cast<bool>(carried->second.at(step));
    const saga::SagaParticipant& p = *participants[step];
    return p.service().effect_present(p.node().store(), saga.saga_id);
  });
  ++tally_.accepted;
  const std::int64_t latency = (saga.finished_at - saga.accepted_at).ns();
  switch (saga.outcome) {
    case saga::SagaOutcome::kCommitted:
      ++tally_.committed;
      tally_.committed_latency_ns.record(latency);
      break;
    case saga::SagaOutcome::kCompensated: {
      ++tally_.compensated;
      tally_.compensated_latency_ns.record(latency);
      const bool applied = std::any_of(record.ops.begin(), record.ops.end(), [](const auto& s) {
        return s.op.type == saga::OpType::kAction && s.op.result == saga::OpResult::kApplied;
      });
      if (!applied) ++tally_.aborted;
      break;
    }
    case saga::SagaOutcome::kStuck: ++tally_.stuck; break;
    case saga::SagaOutcome::kNone: break;
  }
  // A window exposes a saga only if it opened before the saga's outcome (saga_transactions.h);
  // a saga folded during the run before any fault happened can never be exposed.
  if (during_run && any_fault_yet_ && !any_fault_yet_()) return;
  const bool finished =
      saga.outcome == saga::SagaOutcome::kCommitted || saga.outcome == saga::SagaOutcome::kCompensated;
  tally_.spans.push_back(
      {saga.accepted_at, finished, saga.finished_at, saga.definition->forward_recovery_deadline});
}

void SagaWorld::fold_remaining() {
  if (folded_remaining_) return;
  folded_remaining_ = true;
  if (history_.holding_per_saga()) {
    for (const auto& [saga_id, record] : history_.held()) fold(record, false);
    for (const auto& [saga_id, ops] : history_.unaccepted()) checks_.fold_unaccepted(saga_id, ops);
    checks_.fold_late(history_.late());
    return;
  }
  const check::SplitHistory split = check::split_by_saga(history_.history());
  for (const auto& record : split.sagas) fold(record, false);
  for (const auto& [saga_id, ops] : split.unaccepted) checks_.fold_unaccepted(saga_id, ops);
}

std::vector<check::CheckResult> SagaWorld::run_checks() {
  fold_remaining();
  return checks_.results();
}

const SagaTally& SagaWorld::tally() {
  fold_remaining();
  return tally_;
}

}  // namespace txsim::runner
