#include "runner/twopc_world.h"

#include <algorithm>
#include <stdexcept>

namespace txsim::runner {

TwoPhaseWorld::TwoPhaseWorld(sim::Simulator& simulator, TwoPhaseWorldConfig config)
    : config_(std::move(config)), network_(simulator, config_.network) {
  for (const auto& node : config_.nodes) network_.add_node(node);
  net::Node& coordinator_node = node(config_.coordinator_node);
  for (std::size_t i = 0; i < config_.resources.size(); ++i) {
    ResourceSpec& spec = config_.resources[i];
    if (!resource_index_.emplace(spec.name, i).second) {
      throw std::invalid_argument("service '" + spec.name + "' is defined twice");
    }
    net::Node& host_node = node(spec.node);
    participants_.push_back(std::make_unique<twopc::TwoPhaseParticipant>(
        host_node, static_cast<std::uint32_t>(i), *spec.resource, spec.participant,
        coordinator_node.id(), &history_));
    auto& host = hosts_[host_node.id()];
    if (!host) host = std::make_unique<twopc::ParticipantHost>(host_node);
    host->add(*participants_.back());
  }
  std::vector<twopc::TwoPcRoute> routes;
  for (const auto& spec : config_.routes) {
    if (spec.resources.empty()) throw std::invalid_argument("route '" + spec.name + "' has no parts");
    twopc::TwoPcRoute route{spec.name, {}, {}};
    auto& parts = part_participants_.emplace_back();
    for (const auto& name : spec.resources) {
      const auto found = resource_index_.find(name);
      if (found == resource_index_.end()) {
        throw std::invalid_argument("route '" + spec.name + "' names unknown service '" + name + "'");
      }
      const auto& participant = *participants_[found->second];
      route.nodes.push_back(participant.node().id());
      route.services.push_back(participant.service());
      parts.push_back(&participant);
    }
    routes.push_back(std::move(route));
  }
  coordinator_ = std::make_unique<twopc::TwoPhaseCoordinator>(coordinator_node, std::move(routes),
                                                              config_.coordinator, &history_);
  const auto local = hosts_.find(coordinator_node.id());
  twopc::ParticipantHost* local_host = local != hosts_.end() ? local->second.get() : nullptr;
  coordinator_->set_local_participants(local_host);
  for (auto& participant : participants_) {
    if (participant->node().id() == coordinator_node.id()) participant->set_local_coordinator(coordinator_.get());
  }
  for (auto& [id, host] : hosts_) {
    twopc::install_node_hooks(network_.node(id), host.get(),
                              id == coordinator_node.id() ? coordinator_.get() : nullptr);
  }
  if (local_host == nullptr) twopc::install_node_hooks(coordinator_node, nullptr, coordinator_.get());
}

net::Node& TwoPhaseWorld::node(const std::string& name) {
  net::Node* found = network_.find_node(name);
  if (found == nullptr) throw std::invalid_argument("unknown node '" + name + "'");
  return *found;
}

std::uint32_t TwoPhaseWorld::route(const std::string& name) const {
  for (std::uint32_t r = 0; r < config_.routes.size(); ++r) {
    if (config_.routes[r].name == name) return r;
  }
  throw std::invalid_argument("unknown saga '" + name + "'");
}

twopc::PartSet TwoPhaseWorld::in_doubt() const {
  twopc::PartSet out;
  for (const auto& p : participants_) {
    for (const auto& op : p->in_doubt_records()) out.insert({op.txn, op.part});
  }
  return out;
}

bool TwoPhaseWorld::participants_settled() const {
  return std::all_of(participants_.begin(), participants_.end(), [](const auto& p) {
    return p->node().is_up() && p->in_doubt() == 0;
  });
}

std::vector<check::CheckResult> TwoPhaseWorld::run_checks() {
  const sim::Time now = network_.simulator().now();
  const auto doubt = in_doubt();
  auto effect = [this](twopc::TxnId txn, std::uint32_t part) {
    const auto& record = history_.txns().at(txn);
    return part_participants_[record.route][part]->effect_present(txn);
  };
  return {twopc::check_atomicity(history_, coordinator_->routes(), effect, doubt, now),
          twopc::check_in_doubt_resolved(doubt, now)};
}

}  // namespace txsim::runner
