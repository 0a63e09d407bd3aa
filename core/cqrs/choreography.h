// Saga choreography at run time: services that react to each other's domain events through the
// transactional outbox and the broker, without an orchestrator (Richardson, "Microservices
// Patterns", 2018, ch. 4.2.1). The decisions come from saga::ChoreographyState
// (core/txn/saga/choreography.h); this file does the I/O.
//
// ChoreographyParticipant — one per service node, for every saga step its services run:
//  - consumes every broker partition with the node's own consumer group (BrokerConsumer,
//    consumer.h: events accepted in offset order per partition);
//  - folds each choreography event of a saga it takes part in into that saga's state, kept in
//    the node's store ("cs/<saga id>"), and runs what the state makes due for its own steps:
//    an action or a compensation, each a local transaction that writes the sub-transaction
//    barrier record (core/txn/saga/barrier_record.h, as saga::SagaParticipant), the business
//    change and the next event (outbox row) together; then it syncs, and only then reports the
//    offset done (an event that only folds waits for the next sync of the node instead of
//    forcing one: group commit) (the consumer commits offsets up to the lowest one not done). A crash before
//    the sync loses all of it and the broker delivers the event again; a crash after it leaves
//    a barrier record that keeps the step from running twice. Due work is found from the state
//    and the barrier records, not from the event that changed the state, so a redelivered
//    event finishes what a crash interrupted.
//  - events of different sagas are processed concurrently (a lane per saga, in offset order
//    within the lane), as orchestrated participants serve requests concurrently: all events of
//    one saga are on one partition, so per-saga order is the log's order. One slow saga does
//    not hold up the others.
//  - once a local transaction with outbox rows is durable it wakes the node's outbox relay
//    (`on_outbox_durable`) instead of leaving the rows to its next poll.
//  - a retriable step whose action fails (business refusal or transient error) retries inside
//    the service with the step's backoff policy until the saga's forward-recovery deadline,
//    then announces kStepStuck. The retry is durable ("rt/<saga>/<step>"): a restart resumes it.
//  - accepts new sagas (submit) when its service runs a first step: the kSagaStarted event is
//    written to the outbox and the saga counts as accepted once that row is durable.
// Service time: each action or compensation waits an exponential time first (mean
// `service_time_ms_mean` of the step's service), as saga::SagaParticipant does.
//
// ChoreographyMonitor — an observer outside the simulated system: it folds every event as the
// broker makes it durable (Broker::set_on_durable), so a saga's end is seen when its terminal
// event is published; it fills the saga history (accepted, finished) and the run's statistics.
// It keeps only the sagas in flight: a saga is tracked from its acceptance (which precedes its
// kSagaStarted event in the log) to its terminal event, and an event of a saga it does not track
// is a late duplicate of a finished one, ignored. Its memory is bounded by the sagas in flight.
//
// Retention (ChoreographyParticipant::forget, driven by runner/saga_retention.h): a participant
// may drop a settled saga's state row, which no future event needs if none of the saga's events
// reaches the node after that (see saga_retention.h for the horizon that ensures it).
//
// Units: virtual time is integer nanoseconds (sim::Duration). Thread-safety: none.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/cqrs/consumer.h"
#include "core/cqrs/events.h"
#include "core/net/node.h"
#include "core/txn/saga/choreography.h"
#include "core/txn/saga/history_recorder.h"
#include "core/txn/saga/orchestrator.h"
#include "core/txn/saga/service.h"

namespace txsim::cqrs {

/// The event kind that carries a choreography event, and back (nullopt-like: false for others).
EventKind event_kind(saga::ChoreographyEvent event);
bool choreography_event(EventKind kind, saga::ChoreographyEvent& out);

/// Folds the published events of every saga: the run's view of outcomes, outside the system.
class ChoreographyMonitor {
 public:
  /// `routes` are the validated saga definitions, indexed by route; `history` may be null.
  ChoreographyMonitor(sim::Simulator& simulator, std::vector<const saga::SagaDefinition*> routes,
                      saga::HistoryRecorder* history);

  /// A durable broker entry (install with Broker::set_on_durable).
  void observe(const DomainEvent& event);
  /// A client asked to start a saga: counted as started (or rejected when its entry was down).
  void submitted(std::uint32_t route, bool accepted_by_entry);
  /// The saga's kSagaStarted row is durable at its entry service (submitted at `submitted_at`).
  void accepted(std::uint64_t saga_id, std::uint32_t route, sim::Time submitted_at);

  /// Accepted sagas whose terminal event has not been published yet.
  std::size_t in_flight() const { return accepted_unfinished_; }
  /// Sagas the monitor holds state for (the ones in flight).
  std::size_t tracked() const { return sagas_.size(); }
  /// Called when a saga's outcome is known (e.g. to start its retention horizon).
  void set_on_finished(std::function<void(std::uint64_t saga_id, std::uint32_t route, sim::Time at)> hook) {
    on_finished_ = std::move(hook);
  }
  saga::OrchestratorStats& stats() { return stats_; }
  const saga::OrchestratorStats& stats() const { return stats_; }

 private:
  struct Tracked {
    saga::ChoreographyState state;
    sim::Time submitted_at;
    std::uint32_t route = 0;
  };
  void finish(std::uint64_t saga_id, Tracked& tracked);

  sim::Simulator& simulator_;
  std::vector<const saga::SagaDefinition*> routes_;
  saga::HistoryRecorder* history_;
  std::map<std::uint64_t, Tracked> sagas_;  // accepted, not finished
  std::size_t accepted_unfinished_ = 0;
  std::function<void(std::uint64_t, std::uint32_t, sim::Time)> on_finished_;
  saga::OrchestratorStats stats_;
};

/// One saga step that a node's services run.
struct OwnedStep {
  std::uint32_t route = 0;
  std::uint32_t step = 0;
  std::uint32_t service = 0;  // the run's service number (announced in the events)
  saga::SagaService* implementation = nullptr;  // not owned
  double service_time_ms_mean = 1.0;            // REQUIRES: >= 0
};

struct ChoreographyConfig {
  std::uint32_t group = 0;  // the node's consumer group at the broker (unique per consumer)
  sim::Duration resubscribe_interval = sim::milliseconds(200);
  sim::Duration call_timeout = sim::milliseconds(1000);
  /// Offset commits (see consumer.h): at most this many events and this long behind.
  std::uint64_t commit_every = 32;
  sim::Duration commit_delay = sim::milliseconds(50);
  /// An event that only changes the saga state waits at most this long for a sync to share.
  sim::Duration group_sync_delay = sim::milliseconds(5);
};

class ChoreographyParticipant {
 public:
  /// REQUIRES: node, routes' definitions, the steps' services and monitor outlive the run.
  ChoreographyParticipant(net::Node& node, net::NodeId broker, std::uint32_t partitions,
                          std::vector<const saga::SagaDefinition*> routes,
                          std::vector<OwnedStep> steps, ChoreographyConfig config,
                          ChoreographyMonitor& monitor, saga::HistoryRecorder* history);
  ChoreographyParticipant(const ChoreographyParticipant&) = delete;
  ChoreographyParticipant& operator=(const ChoreographyParticipant&) = delete;

  /// Starts the periodic subscription (a root process).
  void start();
  /// Accepts saga `saga_id` of `route`: writes its kSagaStarted event, announced by service
  /// `entry_service`. Returns false when the node is down (nothing happens).
  bool submit(std::uint32_t route, std::uint64_t saga_id, saga::SagaArgs args,
              std::uint32_t entry_service);
  /// Submissions whose start event is not durable yet (0 once the node crashed).
  std::size_t submitting() const;
  /// Drops the state row of a saga this node has seen settle (retention; not a modelled write:
  /// storage::DurableStore::prune). Does nothing for a saga it has not seen finish, or whose
  /// row is not durable yet. Returns whether the row was dropped.
  bool forget(std::uint64_t saga_id, std::uint32_t route);
  /// Sagas with a state row in the node's store (latest contents).
  std::size_t state_rows() const;
  net::Node& node() const { return node_; }

 /// Called when outbox rows of this node became durable (e.g. OutboxRelay::kick).
  void set_on_outbox_durable(std::function<void()> hook) { on_outbox_durable_ = std::move(hook); }

 private:
  struct Work {
    const OwnedStep* step;
    bool compensation;
  };
  struct Done {  // what a local transaction did, recorded once it is durable
    std::uint64_t saga_id;
    const OwnedStep* step;
    saga::OpType type;
    saga::OpResult result;
    std::uint32_t attempt;
    sim::Time began;
  };

  void ensure_current();
  void on_new_incarnation();
  void on_accept(const Delivery& d);
  /// Processes the accepted events of one saga in order, until none is left.
  sim::Task<void> lane(std::uint64_t saga_id, std::uint32_t incarnation);
  /// Folds `event` and runs the work it makes due (not yet durable), appending it to `done`.
  sim::Task<void> react(DomainEvent event, std::vector<Done>& done);
  sim::Task<void> start_saga(DomainEvent event, sim::Time submitted_at);
  sim::Task<void> retry_loop(std::uint64_t saga_id, std::uint32_t route, std::uint32_t step);
  sim::Task<void> service_time(const OwnedStep& step);
  /// The action's local transaction: barrier record, business change, outbox row (or a retry
  /// marker for a retriable step that did not succeed).
  saga::OpResult run_action(const OwnedStep& step, const DomainEvent& trigger, std::uint32_t attempt);
  void run_compensation(const OwnedStep& step, const DomainEvent& trigger);
  void emit(const OwnedStep& step, const DomainEvent& trigger, saga::ChoreographyEvent what);
  void record(const Done& done);
  /// The offset is done once a sync started after now completes (group commit).
  void defer_done(std::uint32_t partition, std::uint64_t offset);
  sim::Task<void> group_sync(std::uint32_t incarnation);
  void outbox_durable();
  const OwnedStep* owned(std::uint32_t route, std::uint32_t step) const;

  static std::vector<OwnedStep> checked(const net::Node& node,
                                        const std::vector<const saga::SagaDefinition*>& routes,
                                        std::vector<OwnedStep> steps);

  net::Node& node_;
  std::vector<const saga::SagaDefinition*> routes_;
  std::vector<OwnedStep> steps_;
  std::set<std::uint32_t> routes_taken_;  // routes with a step here
  ChoreographyConfig config_;
  ChoreographyMonitor& monitor_;
  saga::HistoryRecorder* history_;
  sim::Rng service_time_rng_;
  sim::Rng business_rng_;
  sim::Rng backoff_rng_;
  BrokerConsumer consumer_;
  std::function<void()> on_outbox_durable_;
  std::uint32_t incarnation_ = 0;
  // Saga id -> its accepted events not processed yet; an entry exists while its lane runs.
  std::map<std::uint64_t, std::deque<Delivery>> lanes_;
  std::vector<std::pair<std::uint32_t, std::uint64_t>> unsynced_;  // (partition, offset)
  bool group_sync_scheduled_ = false;
  std::size_t submitting_ = 0;
};

}  // namespace txsim::cqrs
