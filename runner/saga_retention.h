// Retention of settled sagas' participant rows: the barrier-record cleanup real saga
// frameworks run (DTM's barrier table is purged after a retention period), so that a long run
// holds memory for the sagas in flight, not for every saga ever run.
//
// How: when a saga's final outcome becomes durable in the orchestrator's saga log at time t
// (saga::SagaOrchestrator::set_on_finished: once the erasure of its log record is synced, so an
// outcome lost in a crash, whose saga recovery re-drives, never starts the clock), the saga is
// queued to be forgotten at t + horizon. Queued sagas are forgotten when a later saga finishes
// (no kernel events of its own, so enabling retention never changes a trace hash by itself).
// Forgetting a saga drops, at each step's participant, its barrier records and the service's
// rows for that saga (SagaParticipant::forget, storage::DurableStore::prune: not modelled
// writes).
//
// Checkers keep seeing every saga: just before forgetting, the `before_forget` hook runs while
// the saga's rows are still there — SagaWorld reads the saga's effects (`effect_present` per
// step) and folds its records into the check summaries (core/check/saga_check_accumulator.h),
// so the verdict is the state at t + horizon.
//
// Trade-off (why it is off by default): the verdict is the state at t + horizon. A request for
// the saga that is still in flight after that (a network duplicate, a retry whose earlier
// attempt outlived its timeout; not a saga re-driven after an orchestrator crash, since the
// clock starts only once its outcome is durable) finds no barrier record and runs again, like
// a request to a participant without a barrier; effect_once reports such a request if it was
// applied (a late operation, core/check/saga_check_accumulator.h), but saga_atomicity does not
// see effects written after the verdict. So the horizon must exceed the longest time a request
// for a finished saga can stay in flight (longest step timeout plus message latency and service
// time); the scenario field saga_orchestration.retention_horizon_s refuses a horizon shorter
// than the longest step timeout.
//
// Under saga choreography the outcome is the monitor's (cqrs::ChoreographyMonitor) and each
// service node also drops the saga's state row ("cs/<saga>"), if its own fold saw the saga end.
// There the horizon must exceed how long any event of a finished saga can still reach a node:
// a duplicate publish after a relay's lost ack (the relay's call timeout) or after its node's
// restart (the longest downtime), and a node's lag behind the log (its downtime plus the
// resubscribe interval). The scenario field saga_choreography.retention_horizon_s refuses a
// horizon shorter than the fault-free part of that (core/cqrs/choreography_timing.h).
//
// Units: horizon is virtual time, integer nanoseconds (sim::Duration).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "core/sim/time.h"
#include "core/txn/saga/participant.h"

namespace txsim::runner {

class SagaRetention {
 public:
  /// Runs just before saga `saga_id`'s rows are dropped (they can still be read).
  using BeforeForget = std::function<void(std::uint64_t saga_id, std::uint32_t route)>;

  /// `participants[route][step]` runs that step (not owned, must outlive this).
  /// `before_forget` may be empty. REQUIRES: horizon >= 0 (throws std::invalid_argument).
  SagaRetention(sim::Duration horizon,
                std::vector<std::vector<saga::SagaParticipant*>> participants,
                BeforeForget before_forget);

  /// A saga's final outcome is durable at `at` (it can no longer be re-driven): forgets the
  /// sagas due by `at`, then queues this one. REQUIRES: `at` does not decrease between calls.
  void on_finished(std::uint64_t saga_id, std::uint32_t route, sim::Time at);

  /// Also called for each forgotten saga, after its participant rows are dropped (e.g. to drop
  /// the choreography's per-node saga state).
  void set_on_forget(std::function<void(std::uint64_t saga_id, std::uint32_t route)> hook) {
    on_forget_ = std::move(hook);
  }

  std::uint64_t forgotten() const { return forgotten_; }
  std::size_t queued() const { return queue_.size(); }
  sim::Duration horizon() const { return horizon_; }

 private:
  struct Due {
    sim::Time at;
    std::uint64_t saga_id;
    std::uint32_t route;
  };
  void forget(const Due& due);

  sim::Duration horizon_;
  std::vector<std::vector<saga::SagaParticipant*>> participants_;
  BeforeForget before_forget_;
  std::deque<Due> queue_;  // in finishing order, hence in due order
  std::uint64_t forgotten_ = 0;
  std::function<void(std::uint64_t, std::uint32_t)> on_forget_;
};

}  // namespace txsim::runner
