// A simulated saga system assembled from plain C++ configuration: the network and its nodes, one
// orchestrator, the services (each behind a saga participant on its node) and the saga routes.
// The runner builds one from a scenario; tests and benchmarks build one directly.
//
// With `choreography_broker_node` set the sagas run by choreography instead
// (core/cqrs/choreography.h): no orchestrator; a broker on that node, an outbox relay and a
// choreography participant on every service node. A saga is submitted to the service node of
// its first step (the entry), which announces kSagaStarted. submit(), in_flight() and
// saga_stats() answer for whichever protocol runs.
//
// After a run, `run_checks()` evaluates the saga checkers against the services' actual stores
// (core/check/saga_checks.h).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/check/check_result.h"
#include "core/cqrs/broker.h"
#include "core/cqrs/choreography.h"
#include "core/cqrs/outbox.h"
#include "core/net/network.h"
#include "core/txn/saga/orchestrator.h"
#include "core/txn/saga/participant.h"
#include "runner/saga_retention.h"

namespace txsim::runner {

struct ServiceSpec {
  std::string name;  // what saga steps name in `StepDefinition::service`
  std::string node;  // the node it runs on
  std::unique_ptr<saga::SagaService> service;
  saga::ParticipantConfig participant;
};

struct SagaWorldConfig {
  net::NetworkConfig network;
  std::vector<net::NodeConfig> nodes;
  std::string orchestrator_node;
  saga::OrchestratorConfig orchestrator;
  std::vector<ServiceSpec> services;
  std::vector<saga::SagaDefinition> sagas;  // validated here
  /// Non-empty: saga choreography with the event broker on this node (no orchestrator).
  std::string choreography_broker_node;
  std::uint32_t broker_partitions = 8;
  /// Record the participant history for the checkers. Off for benchmarks: the history grows
  /// with the total number of sagas, not with those in flight.
  bool record_history = true;
  /// Forget settled sagas' participant rows this long after their outcome (runner/
  /// saga_retention.h explains the trade-off). nullopt: keep every row (the default, so that
  /// the checkers read the final stores). REQUIRES: >= 0.
  std::optional<sim::Duration> retention_horizon;
};

class SagaWorld {
 public:
  /// Throws std::invalid_argument naming what is wrong: an unknown node or service, a service
  /// without a node, an invalid saga definition (saga::InvalidSagaDefinition).
  SagaWorld(sim::Simulator& simulator, SagaWorldConfig config);
  SagaWorld(const SagaWorld&) = delete;
  SagaWorld& operator=(const SagaWorld&) = delete;

  net::Network& network() { return network_; }
  /// REQUIRES: !choreography().
  saga::SagaOrchestrator& orchestrator() { return *orchestrator_; }
  bool choreography() const { return monitor_ != nullptr; }
  /// Starts the choreography's relays and consumers (nothing under orchestration).
  void start();
  /// Starts saga `saga_id` of `route`; false when the orchestrator (or the entry service's node)
  /// is down.
  bool submit(std::uint32_t route, std::uint64_t saga_id, saga::SagaArgs args);
  /// Sagas accepted (or being accepted) and not finished.
  std::size_t in_flight() const;
  /// Whether the node that accepts sagas is up (the orchestrator; under choreography, true).
  bool coordinator_up() const;
  /// Counters and latencies of whichever protocol runs.
  const saga::OrchestratorStats& saga_stats() const;
  saga::HistoryRecorder& history() { return history_; }
  const std::vector<saga::SagaDefinition>& sagas() const { return config_.sagas; }
  const std::vector<ServiceSpec>& services() const { return config_.services; }
  /// Index of the saga route named `name`. Throws std::invalid_argument if unknown.
  std::uint32_t route(const std::string& name) const;
  net::Node& node(const std::string& name);

  /// The choreography's outcome monitor; nullptr under orchestration.
  const cqrs::ChoreographyMonitor* monitor() const { return monitor_.get(); }
  /// nullptr unless SagaWorldConfig::retention_horizon is set.
  const SagaRetention* retention() const { return retention_.get(); }

  /// saga_atomicity, no_lost_work, effect_once, compensation_order — in that order.
  std::vector<check::CheckResult> run_checks();

 private:
  void build_choreography(sim::Simulator& simulator);

  SagaWorldConfig config_;
  net::Network network_;
  saga::HistoryRecorder history_;
  std::map<std::string, std::size_t> service_index_;
  std::vector<std::unique_ptr<saga::SagaParticipant>> participants_;
  std::map<net::NodeId, std::unique_ptr<saga::ParticipantHost>> hosts_;
  std::unique_ptr<saga::SagaOrchestrator> orchestrator_;
  std::unique_ptr<cqrs::Broker> broker_;
  std::unique_ptr<cqrs::ChoreographyMonitor> monitor_;
  std::vector<std::unique_ptr<cqrs::OutboxRelay>> relays_;
  std::vector<std::unique_ptr<cqrs::ChoreographyParticipant>> choreographers_;
  // [route] the participant that accepts the saga and the service announcing its start
  std::vector<std::pair<cqrs::ChoreographyParticipant*, std::uint32_t>> entries_;
  // [route][step] -> the participant that runs the step
  void start_retention(sim::Duration horizon);

  std::vector<std::vector<saga::SagaParticipant*>> step_participants_;
  std::unique_ptr<SagaRetention> retention_;
};

}  // namespace txsim::runner
