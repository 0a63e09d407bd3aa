// Collects the saga history while a run goes on (an observer outside the simulated system:
// recording never changes what the simulation does).
//
// Two ways to keep it:
//  - whole (the default): one SagaHistory with every saga, operation and attempt, for the
//    checkers at quiescence and the per-instance views (diagram --instance, replay --saga,
//    --trace-json);
//  - per saga (hold_per_saga()): each accepted saga's instance and operations are held in its
//    own SagaRecord until take() removes it — once the saga has settled and been summarised
//    (runner/saga_world.h) — so that memory follows the sagas in flight, not the total count.
//    Attempts are not kept (only the per-instance views read them). Operations of a saga not
//    accepted (yet) are held apart and join its record when it is accepted; operations of a
//    saga already taken are kept as `late()` operations for the checkers.
#pragma once

#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <stdexcept>
#include <vector>

#include "core/txn/saga/history.h"

namespace txsim::saga {

class HistoryRecorder {
 public:
  /// Saga `saga_id` was accepted (its first log record is durable). REQUIRES: each saga id is
  /// accepted at most once in a run (the orchestrator and the choreography monitor accept a saga
  /// once; recovery re-drives it without accepting it again). The whole-history and per-saga
  /// modes agree only under this precondition.
  void accepted(std::uint64_t saga_id, const SagaDefinition& definition, sim::Time at) {
    const SagaInstance instance{saga_id, &definition, at, SagaOutcome::kNone, sim::Time{}};
    const std::uint64_t seq = accepted_count_++;
    if (!per_saga_) {
      index_.emplace(saga_id, history_.sagas.size());
      history_.sagas.push_back(instance);
      return;
    }
    if (held_.count(saga_id) != 0) return;  // a saga is accepted once
    SagaRecord& record = held_[saga_id];
    record.instance = instance;
    record.accepted_seq = seq;
    const auto early = unaccepted_.find(saga_id);
    if (early != unaccepted_.end()) {
      record.ops = std::move(early->second);
      unaccepted_.erase(early);
    }
  }
  /// The saga log recorded a final outcome (the first one recorded stands).
  void finished(std::uint64_t saga_id, SagaOutcome outcome, sim::Time at) {
    SagaInstance* saga = nullptr;
    if (per_saga_) {
      const auto it = held_.find(saga_id);
      if (it != held_.end()) saga = &it->second.instance;
    } else {
      const auto it = index_.find(saga_id);
      if (it != index_.end()) saga = &history_.sagas[it->second];
    }
    if (saga == nullptr || saga->outcome != SagaOutcome::kNone) return;
    saga->outcome = outcome;
    saga->finished_at = at;
  }
  void op(const ParticipantOp& op) {
    const std::uint64_t seq = op_count_++;
    if (!per_saga_) {
      history_.ops.push_back(op);
    } else if (const auto it = held_.find(op.saga_id); it != held_.end()) {
      it->second.ops.push_back({seq, op});
    } else if (taken_.contains(op.saga_id)) {
      late_.push_back({seq, op});
    } else {
      unaccepted_[op.saga_id].push_back({seq, op});
    }
    if (on_op) on_op(op);
  }
  void attempt(const StepAttempt& attempt) {
    if (!per_saga_) history_.attempts.push_back(attempt);
  }
  /// Sees each participant operation once its local transaction is durable (e.g. the CQRS
  /// read-history recorder, to learn when domain events commit). Must not change the run.
  std::function<void(const ParticipantOp&)> on_op;

  /// Switches to keeping each saga's records apart (see the header comment).
  /// REQUIRES: nothing recorded yet (throws std::logic_error).
  void hold_per_saga() {
    if (accepted_count_ != 0 || op_count_ != 0 || !history_.attempts.empty()) {
      throw std::logic_error("HistoryRecorder::hold_per_saga after recording began");
    }
    per_saga_ = true;
  }
  bool holding_per_saga() const { return per_saga_; }
  /// Removes and returns saga `saga_id`'s record; nullopt if it is not held (never accepted,
  /// or taken already). Later operations of the saga go to late(). REQUIRES: per saga.
  std::optional<SagaRecord> take(std::uint64_t saga_id) {
    const auto it = held_.find(saga_id);
    if (it == held_.end()) return std::nullopt;
    SagaRecord record = std::move(it->second);
    held_.erase(it);
    taken_.insert(saga_id);
    return record;
  }
  /// The records still held, by saga id (per saga).
  const std::map<std::uint64_t, SagaRecord>& held() const { return held_; }
  /// Operations of sagas never accepted, by saga id (per saga).
  const std::map<std::uint64_t, std::vector<SequencedOp>>& unaccepted() const { return unaccepted_; }
  /// Operations that arrived after their saga was taken (per saga).
  const std::vector<SequencedOp>& late() const { return late_; }

  /// The whole history. Under hold_per_saga() it holds no sagas, operations or attempts.
  SagaHistory& history() { return history_; }
  const SagaHistory& history() const { return history_; }

 private:
  // Saga ids as disjoint intervals [first, last]: sagas settle roughly in the order of their
  // ids, so the set of taken ids stays a handful of intervals however many sagas ran.
  class IdSet {
   public:
    void insert(std::uint64_t id) {
      auto next = ranges_.upper_bound(id);  // first interval starting after id
      if (next != ranges_.begin()) {
        auto prev = std::prev(next);
        if (id <= prev->second) return;
        if (id == prev->second + 1) {
          prev->second = id;
          if (next != ranges_.end() && next->first == id + 1) {
            prev->second = next->second;
            ranges_.erase(next);
          }
          return;
        }
      }
      if (next != ranges_.end() && next->first == id + 1) {
        const std::uint64_t last = next->second;
        ranges_.erase(next);
        ranges_.emplace(id, last);
        return;
      }
      ranges_.emplace(id, id);
    }
    bool contains(std::uint64_t id) const {
      auto next = ranges_.upper_bound(id);
      return next != ranges_.begin() && id <= std::prev(next)->second;
    }

   private:
    std::map<std::uint64_t, std::uint64_t> ranges_;  // first -> last
  };

  SagaHistory history_;
  std::map<std::uint64_t, std::size_t> index_;
  bool per_saga_ = false;
  std::uint64_t accepted_count_ = 0;
  std::uint64_t op_count_ = 0;
  std::map<std::uint64_t, SagaRecord> held_;
  std::map<std::uint64_t, std::vector<SequencedOp>> unaccepted_;
  std::vector<SequencedOp> late_;
  IdSet taken_;
};

}  // namespace txsim::saga
