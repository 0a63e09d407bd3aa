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
// (core/check/saga_checks.h) and `tally()` sums what the report says of the sagas. Both fold
// one saga at a time (core/check/saga_check_accumulator.h): with a retention horizon, each
// settled saga is folded just before its participant rows are forgotten and its history
// records are dropped, so memory follows the sagas in flight; the sagas still held at the end
// are folded then, against the final stores.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/check/check_result.h"
#include "core/check/saga_check_accumulator.h"
#include "core/metrics/histogram.h"
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
  /// With a retention horizon: fold each forgotten saga's history into the check summaries and
  /// drop its records. false keeps the whole history (the per-instance views — diagram
  /// --instance, replay --saga, --trace-json — read it) and folds it at the end, with each
  /// forgotten saga's effects as read just before its rows were pruned.
  bool fold_settled_history = true;
};

/// One transaction for the availability figure (protocol-neutral: the 2PC side uses it too).
struct TxnSpan {
  sim::Time started;      // the client's attempt
  bool finished = false;  // reached its terminal state
  sim::Time finished_at;
  sim::Duration deadline;
};

/// What the report says of the accepted sagas (the sagas section, runner/saga_transactions.h),
/// from the saga history, where a saga's first recorded outcome stands. Latencies are virtual
/// time in integer nanoseconds, from acceptance to the recorded outcome.
struct SagaTally {
  std::uint64_t accepted = 0;
  std::uint64_t committed = 0;
  std::uint64_t compensated = 0;  // all compensated sagas, aborted ones included
  std::uint64_t aborted = 0;      // compensated without any action of theirs applied
  std::uint64_t stuck = 0;
  metrics::Histogram committed_latency_ns;
  metrics::Histogram compensated_latency_ns;
  /// The sagas a fault window may have exposed (for availability): every saga, except those
  /// folded during the run before any fault happened (no window can expose them).
  std::vector<TxnSpan> spans;
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

  /// saga_atomicity, no_lost_work, effect_once, compensation_order — in that order. Call after
  /// the run: the sagas not folded yet are folded against the stores as they are now.
  std::vector<check::CheckResult> run_checks();
  /// The report's figures of every accepted saga (after the run, like run_checks()).
  const SagaTally& tally();
  /// `any_fault_yet()` says whether a fault has happened so far; a saga folded during the run
  /// before any fault keeps no availability span. Unset: every saga keeps its span.
  void set_fault_seen(std::function<bool()> any_fault_yet) { any_fault_yet_ = std::move(any_fault_yet); }
  /// Sagas folded so far (during the run, and at the end once run_checks or tally ran).
  std::uint64_t folded() const { return checks_.sagas(); }

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
  /// Folds one saga into the check summaries and the tally; `during_run`: before quiescence.
  void fold(const saga::SagaRecord& record, bool during_run);
  /// Folds every saga not folded yet (once).
  void fold_remaining();

  std::vector<std::vector<saga::SagaParticipant*>> step_participants_;
  std::unique_ptr<SagaRetention> retention_;
  check::SagaCheckAccumulator checks_;
  // Retention with the whole history kept: each forgotten saga's effects, per step, read just
  // before its rows were pruned (grows with the sagas forgotten, like the history itself).
  std::map<std::uint64_t, std::vector<bool>> carried_effects_;
  SagaTally tally_;
  std::function<bool()> any_fault_yet_;
  bool folded_remaining_ = false;
};

}  // namespace txsim::runner
