// Retention of settled sagas' participant rows: the barrier-record cleanup real saga
// frameworks run (DTM's barrier table is purged after a retention period), so that a long run
// holds memory for the sagas in flight, not for every saga ever run.
//
// How: when the orchestrator records a saga's final outcome at time t, the saga is queued to be
// forgotten at t + horizon. Queued sagas are forgotten when a later saga finishes (no kernel
// events of its own, so enabling retention never changes a trace hash by itself). Forgetting a
// saga drops, at each step's participant, its barrier records and the service's rows for that
// saga (SagaParticipant::forget, storage::DurableStore::prune: not modelled writes).
//
// Checkers keep seeing every saga: just before forgetting, the saga's effects are read from the
// stores (`effect_present` per step) and the verdict is carried forward; saga_atomicity reads
// it in place of the stores. The history-based checks (effect_once, no_lost_work,
// compensation_order) read the history, which retention does not touch.
//
// Trade-off (why it is off by default): the carried verdict is the state at t + horizon. A
// request for the saga that is still in flight after that (a network duplicate, a retry whose
// earlier attempt outlived its timeout) finds no barrier record and runs again, like a request
// to a participant without a barrier; effect_once still reports a double application from the
// history, but saga_atomicity does not see effects written after the verdict. So the horizon
// must exceed the longest time a request for a finished saga can stay in flight (longest step
// timeout plus message latency and service time), and scenarios that inject duplication or
// crashes to show barrier anomalies (saga-crash, saga-no-barrier) run without retention.
//
// Under saga choreography the outcome is the monitor's (cqrs::ChoreographyMonitor) and each
// service node also drops the saga's state row ("cs/<saga>"), if its own fold saw the saga end.
// There the horizon must exceed how long any event of a finished saga can still reach a node:
// a duplicate publish after a relay's lost ack (the relay's call timeout) or after its node's
// restart (the longest downtime), and a node's lag behind the log (its downtime plus the
// resubscribe interval).
//
// Units: horizon is virtual time, integer nanoseconds (sim::Duration).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "core/sim/time.h"
#include "core/txn/saga/participant.h"

namespace txsim::runner {

class SagaRetention {
 public:
  /// Answers "is step `step`'s effect of saga `saga_id` present?" from the actual stores.
  using EffectProbe = std::function<bool(std::uint64_t saga_id, std::uint32_t route,
                                         std::uint32_t step)>;

  /// `participants[route][step]` runs that step (not owned, must outlive this). With
  /// `carry_verdicts` the effects of each saga are read (probe) before it is forgotten.
  /// REQUIRES: horizon >= 0 (throws std::invalid_argument).
  SagaRetention(sim::Duration horizon,
                std::vector<std::vector<saga::SagaParticipant*>> participants,
                EffectProbe probe, bool carry_verdicts);

  /// A saga reached its final outcome at `at`: forgets the sagas due by `at`, then queues this
  /// one. REQUIRES: `at` does not decrease between calls.
  void on_finished(std::uint64_t saga_id, std::uint32_t route, sim::Time at);

  /// The effect of (saga, step) as read just before the saga was forgotten; nullopt if the saga
  /// was not forgotten (read the store instead).
  std::optional<bool> carried_effect(std::uint64_t saga_id, std::uint32_t step) const;

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
  EffectProbe probe_;
  bool carry_verdicts_;
  std::deque<Due> queue_;  // in finishing order, hence in due order
  std::map<std::uint64_t, std::vector<bool>> verdicts_;  // saga -> effect present, per step
  std::uint64_t forgotten_ = 0;
  std::function<void(std::uint64_t, std::uint32_t)> on_forget_;
};

}  // namespace txsim::runner
