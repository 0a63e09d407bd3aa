// Collects the saga history while a run goes on (an observer outside the simulated system:
// recording never changes what the simulation does).
#pragma once

#include <functional>
#include <map>

#include "core/txn/saga/history.h"

namespace txsim::saga {

class HistoryRecorder {
 public:
  void accepted(std::uint64_t saga_id, const SagaDefinition& definition, sim::Time at) {
    index_.emplace(saga_id, history_.sagas.size());
    history_.sagas.push_back({saga_id, &definition, at, SagaOutcome::kNone, sim::Time{}});
  }
  /// The saga log recorded a final outcome (the first one recorded stands).
  void finished(std::uint64_t saga_id, SagaOutcome outcome, sim::Time at) {
    const auto it = index_.find(saga_id);
    if (it == index_.end()) return;
    SagaInstance& saga = history_.sagas[it->second];
    if (saga.outcome != SagaOutcome::kNone) return;
    saga.outcome = outcome;
    saga.finished_at = at;
  }
  void op(const ParticipantOp& op) {
    history_.ops.push_back(op);
    if (on_op) on_op(op);
  }
  void attempt(const StepAttempt& attempt) { history_.attempts.push_back(attempt); }
  /// Sees each participant operation once its local transaction is durable (e.g. the CQRS
  /// read-history recorder, to learn when domain events commit). Must not change the run.
  std::function<void(const ParticipantOp&)> on_op;

  SagaHistory& history() { return history_; }
  const SagaHistory& history() const { return history_; }

 private:
  SagaHistory history_;
  std::map<std::uint64_t, std::size_t> index_;
};

}  // namespace txsim::saga
