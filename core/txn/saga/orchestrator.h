// A saga orchestrator: drives saga instances on one node, with a saga log in its durable store.
//
// Each instance's decisions come from SagaExecution (execution.h); this class does the I/O.
// Checkpoints (the saga log): after every stage the instance's state is written to the node's
// store and synced before the next request goes out, so an orchestrator crash loses nothing:
// the recovery hook re-reads the log and re-drives every unfinished saga (SagaExecution::resume).
// A periodic recovery pass also re-drives any unfinished saga with nothing in flight.
// With checkpoints off (SagaDefinition::checkpoint) the state lives only in memory and a crash
// forgets every saga in flight: the demonstration of what checkpoints are for.
//
// Outcomes: a reply is success or failure (the participant's business answer); a timeout or a
// crashed orchestrator call is an unknown outcome — never treated as success or failure.
//
// Keys in the node's store: saga_log_key(saga id) (saga_log_key.h). Finished sagas' records are
// erased.
// Times are virtual time, integer nanoseconds.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/metrics/histogram.h"
#include "core/net/node.h"
#include "core/txn/saga/execution.h"
#include "core/txn/saga/history_recorder.h"
#include "core/txn/saga/protocol.h"

namespace txsim::saga {

struct OrchestratorConfig {
  sim::Duration recovery_interval = sim::seconds(1);
};

/// A saga type the orchestrator can run, with the node of each step's participant.
struct SagaRoute {
  const SagaDefinition* definition;       // not owned; validated
  std::vector<net::NodeId> participants;  // node of each step's service
  std::vector<std::uint32_t> services;    // service number of each step (ParticipantHost)
};

/// Per-step counters for the report.
struct StepStats {
  std::uint64_t attempts = 0;       // action requests sent
  std::uint64_t retries = 0;        // attempts beyond the first
  std::uint64_t compensations = 0;  // compensation requests sent
};

struct OrchestratorStats {
  std::uint64_t started = 0;
  std::uint64_t rejected = 0;  // submitted while the orchestrator was down
  std::uint64_t committed = 0;
  std::uint64_t compensated = 0;
  std::uint64_t stuck = 0;
  std::uint64_t recovered = 0;  // sagas re-driven from the log after a restart
  metrics::Histogram committed_latency_ns;    // submitted -> committed
  metrics::Histogram compensated_latency_ns;  // submitted -> compensated
  std::vector<std::vector<StepStats>> steps;  // [route][step]
};

class SagaOrchestrator {
 public:
  /// Installs the recovery and crash hooks on `node`. `history` may be null.
  SagaOrchestrator(net::Node& node, std::vector<SagaRoute> routes, OrchestratorConfig config,
                   HistoryRecorder* history);
  SagaOrchestrator(const SagaOrchestrator&) = delete;
  SagaOrchestrator& operator=(const SagaOrchestrator&) = delete;

  /// Starts saga `saga_id` of route `route` with `args`. Returns false (and counts a rejection)
  /// when the orchestrator node is down. The saga counts as accepted (in the history) once its
  /// first log record is durable. REQUIRES: saga ids are unique per run.
  bool submit(std::uint32_t route, std::uint64_t saga_id, SagaArgs args);

  /// Called once a saga's final outcome is durable in the saga log, with the time that became
  /// known: when the orchestrator's next sync, which covers the erasure of its log record,
  /// completes (at once when checkpoints are off; at the crash of its node when a sync by
  /// another component of the node made the erasure durable first). Not reported: sagas that
  /// finish before the hook is set or after the orchestrator's last sync of a run, and a final
  /// outcome lost in a crash (recovery re-drives the saga, which finishes again). Why not at
  /// finish: retention (runner/saga_retention.h) counts its horizon from here, and a saga whose
  /// outcome can still be lost can still send requests. An observer: it must not change the
  /// run. One hook; a new one replaces the old.
  using FinishHook = std::function<void(std::uint64_t saga_id, std::uint32_t route,
                                        SagaOutcome outcome, sim::Time at)>;
  void set_on_finished(FinishHook hook) { on_finished_ = std::move(hook); }

  /// Sagas started and not finished, as this incarnation knows them.
  std::size_t in_flight() const { return instances_.size(); }
  const OrchestratorStats& stats() const { return stats_; }
  net::Node& node() const { return node_; }

 private:
  struct Instance {
    std::uint32_t route;
    SagaArgs args;
    SagaExecution execution;
    sim::Time accepted_at;
    std::uint32_t outstanding = 0;  // command coroutines in flight
  };

  sim::Task<void> start(std::uint64_t saga_id);
  sim::Task<void> run_command(std::uint64_t saga_id, Command command);
  sim::Task<void> persist_and_issue(std::uint64_t saga_id, Commands commands);
  void issue(std::uint64_t saga_id, const Commands& commands);
  void finish(std::uint64_t saga_id, Instance& instance);
  sim::Task<void> recover();
  sim::Task<void> periodic_recovery();
  void start_incarnation();

  std::string record(const Instance& instance) const;

  // A finished saga whose log record's erasure is not yet known to be durable.
  struct UnsyncedFinish {
    std::uint64_t erase_version;
    std::uint64_t saga_id;
    std::uint32_t route;
    SagaOutcome outcome;
  };
  void report_durable_finishes();
  void report_finishes_kept_by_crash();

  net::Node& node_;
  std::vector<SagaRoute> routes_;
  OrchestratorConfig config_;
  HistoryRecorder* history_;
  sim::Rng backoff_rng_;
  std::map<std::uint64_t, Instance> instances_;
  OrchestratorStats stats_;
  FinishHook on_finished_;
  std::deque<UnsyncedFinish> unsynced_finishes_;  // in erase order, hence in version order
};

}  // namespace txsim::saga
