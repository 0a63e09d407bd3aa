#include "runner/saga_world.h"

#include <stdexcept>

#include "core/check/saga_checks.h"

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
  orchestrator_ = std::make_unique<saga::SagaOrchestrator>(node(config_.orchestrator_node),
                                                           std::move(routes),
                                                           config_.orchestrator,
                                                           config_.record_history ? &history_ : nullptr);
  if (config_.retention_horizon) start_retention(*config_.retention_horizon);
}

void SagaWorld::start_retention(sim::Duration horizon) {
  auto probe = [this](std::uint64_t saga_id, std::uint32_t route, std::uint32_t step) {
    const saga::SagaParticipant& p = *step_participants_[route][step];
    return p.service().effect_present(p.node().store(), saga_id);
  };
  retention_ = std::make_unique<SagaRetention>(horizon, step_participants_, probe,
                                               config_.record_history);
  orchestrator_->set_on_finished(
      [this](std::uint64_t saga_id, std::uint32_t route, saga::SagaOutcome, sim::Time at) {
        retention_->on_finished(saga_id, route, at);
      });
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

std::vector<check::CheckResult> SagaWorld::run_checks() {
  saga::SagaHistory& history = history_.history();
  std::map<const saga::SagaDefinition*, std::size_t> route_of;
  for (std::size_t r = 0; r < config_.sagas.size(); ++r) route_of[&config_.sagas[r]] = r;
  std::map<std::uint64_t, std::size_t> saga_route;
  for (const auto& saga : history.sagas) saga_route[saga.saga_id] = route_of.at(saga.definition);
  history.effect_present = [&](std::uint64_t saga_id, std::uint32_t step) {
    if (retention_ != nullptr) {
      if (const auto carried = retention_->carried_effect(saga_id, step)) return *carried;
    }
    const saga::SagaParticipant& p = *step_participants_[saga_route.at(saga_id)][step];
    return p.service().effect_present(p.node().store(), saga_id);
  };
  std::vector<check::CheckResult> results{
      check::check_saga_atomicity(history), check::check_no_lost_work(history),
      check::check_effect_once(history), check::check_compensation_order(history)};
  history.effect_present = nullptr;
  return results;
}

}  // namespace txsim::runner
