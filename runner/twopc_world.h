// A simulated two-phase-commit system assembled from plain C++ configuration: the network and
// its nodes, one coordinator, the resources (each behind a 2PC participant on its node) and the
// transaction routes. The runner builds one from a scenario whose protocol is
// two_phase_commit (each saga of the scenario becomes one route: its steps are the parts);
// tests build one directly.
//
// After a run, `run_checks()` evaluates twopc_atomicity and in_doubt_resolved against the
// resources' actual stores (core/txn/twopc/checks.h).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/check/check_result.h"
#include "core/net/network.h"
#include "core/txn/twopc/checks.h"
#include "core/txn/twopc/coordinator.h"
#include "core/txn/twopc/participant.h"

namespace txsim::runner {

struct ResourceSpec {
  std::string name;  // what routes name
  std::string node;  // the node it runs on
  std::unique_ptr<twopc::TwoPhaseResource> resource;
  twopc::ParticipantConfig participant;
};

struct TwoPcRouteSpec {
  std::string name;
  std::vector<std::string> resources;  // one part per entry, in order
  sim::Duration deadline = sim::seconds(60);  // for availability
};

struct TwoPhaseWorldConfig {
  net::NetworkConfig network;
  std::vector<net::NodeConfig> nodes;
  std::string coordinator_node;
  twopc::CoordinatorConfig coordinator;
  std::vector<ResourceSpec> resources;
  std::vector<TwoPcRouteSpec> routes;
};

class TwoPhaseWorld {
 public:
  /// Throws std::invalid_argument naming what is wrong: an unknown node or resource, a
  /// resource defined twice, a route without parts.
  TwoPhaseWorld(sim::Simulator& simulator, TwoPhaseWorldConfig config);
  TwoPhaseWorld(const TwoPhaseWorld&) = delete;
  TwoPhaseWorld& operator=(const TwoPhaseWorld&) = delete;

  net::Network& network() { return network_; }
  twopc::TwoPhaseCoordinator& coordinator() { return *coordinator_; }
  const twopc::TwoPhaseHistory& history() const { return history_; }
  /// Record every transaction's path from now on (twopc::TwoPhaseHistory::record_paths).
  void record_paths() { history_.record_paths(); }
  const std::vector<TwoPcRouteSpec>& routes() const { return config_.routes; }
  const std::vector<std::unique_ptr<twopc::TwoPhaseParticipant>>& participants() const {
    return participants_;
  }
  /// Index of the route named `name`. Throws std::invalid_argument if unknown.
  std::uint32_t route(const std::string& name) const;
  net::Node& node(const std::string& name);

  /// Parts whose store holds a prepared record (in doubt as the durable state says).
  twopc::PartSet in_doubt() const;
  /// Every participant node is up and nothing is in doubt in memory.
  bool participants_settled() const;
  /// twopc_atomicity, in_doubt_resolved — in that order.
  std::vector<check::CheckResult> run_checks();

 private:
  TwoPhaseWorldConfig config_;
  net::Network network_;
  twopc::TwoPhaseHistory history_;
  std::map<std::string, std::size_t> resource_index_;
  std::vector<std::unique_ptr<twopc::TwoPhaseParticipant>> participants_;
  std::map<net::NodeId, std::unique_ptr<twopc::ParticipantHost>> hosts_;
  std::unique_ptr<twopc::TwoPhaseCoordinator> coordinator_;
  std::vector<std::vector<const twopc::TwoPhaseParticipant*>> part_participants_;  // [route][part]
};

}  // namespace txsim::runner
