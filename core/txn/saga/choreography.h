// Saga choreography: the decision logic of the services, free of I/O.
//
// Under choreography there is no orchestrator (Richardson, "Microservices Patterns", 2018,
// ch. 4.2.1: choreography-based sagas): each service commits its local transaction and
// publishes an event; the other services react to it. Here every event of one saga goes to one
// broker partition (partitioned by saga id), so every service reads the same totally ordered
// event sequence of that saga. Each service folds that sequence into a ChoreographyState — the
// same state at the same log position, whoever folds it — and reacts to what the state asks of
// its own steps. No service needs to know what another one will do: they agree because they
// read the same log.
//
// Events (what a service announces, in its outbox, in the same local transaction as its state):
//   kSagaStarted           the client's request was accepted (written by the entry service);
//   kStepDone(s)           the action of step s committed;
//   kStepFailed(s)         the action of step s was refused by a business rule (no effect);
//   kStepCompensated(s)    the compensation of step s committed;
//   kStepStuck(s)          retriable step s found no success before the saga's deadline.
// Fold rules (the orchestrator's rules of execution.h, driven by the log):
//  1. A step is started when the saga runs (no failure so far) and the last of its `after`
//     steps is done (root steps: at kSagaStarted). Its service then runs the action.
//  2. A failure makes the saga compensate; no new step starts, started steps finish first.
//  3. While compensating, a done step is due for compensation once every successor has settled
//     with nothing to undo (pending, failed or compensated) — reverse order — or at once under
//     CompensationOrder::kParallel. Its service then runs the compensation.
//  4. The saga is committed when every step is done, compensated when compensating and no step
//     is started or done (uncompensated), stuck at the first kStepStuck.
//  5. An event that does not move the state (a duplicate, an event about a step in another
//     state) is ignored: apply() returns false. Folding is therefore idempotent, and the broker's
//     duplicates (at-least-once) change nothing.
// Outcomes are never unknown here: a service runs its own local transaction. A retriable step
// whose action fails retries inside its service (see core/cqrs/choreography.h).
//
// Thread-safety: none (single-threaded runs). No simulated time is involved.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/txn/saga/definition.h"
#include "core/txn/saga/execution.h"

namespace txsim::saga {

enum class ChoreographyEvent : std::uint8_t {
  kSagaStarted,
  kStepDone,
  kStepFailed,
  kStepCompensated,
  kStepStuck,
};
const char* to_string(ChoreographyEvent event);

/// A step as the event log shows it.
enum class LoggedStep : std::uint8_t { kPending, kStarted, kDone, kFailed, kCompensated };
const char* to_string(LoggedStep step);

class ChoreographyState {
 public:
  /// REQUIRES: a validated definition that outlives this object.
  explicit ChoreographyState(const SagaDefinition& definition);

  /// Folds one event (rules 1-5). Returns whether the state changed. `step` is ignored for
  /// kSagaStarted; a step out of range is ignored (returns false).
  bool apply(ChoreographyEvent event, std::uint32_t step);

  SagaStatus status() const { return status_; }
  bool finished() const {
    return status_ == SagaStatus::kCommitted || status_ == SagaStatus::kCompensated ||
           status_ == SagaStatus::kStuck;
  }
  LoggedStep step(std::uint32_t s) const { return steps_[s]; }
  /// The service of step `s` must run its action (rule 1) — unless it already did. Never once
  /// the saga is stuck: the step that gave up stays started, and must not start over.
  bool action_due(std::uint32_t s) const {
    return steps_[s] == LoggedStep::kStarted && status_ != SagaStatus::kStuck;
  }
  /// The service of step `s` must run its compensation (rule 3) — unless it already did.
  bool compensation_due(std::uint32_t s) const;

  /// A compact, stable binary record of the state (stored by each service).
  std::string encode() const;
  /// Throws std::invalid_argument on a record that does not match the definition.
  static ChoreographyState decode(const SagaDefinition& definition, std::string_view record);

 private:
  void start_ready_steps();
  void settle();

  /// successors(*definition_)[s], computed on the first compensation decision: most sagas
  /// never compensate, and this saves each of them an allocation per step.
  const std::vector<std::uint32_t>& successors_of(std::uint32_t s) const;

  const SagaDefinition* definition_;
  mutable std::vector<std::vector<std::uint32_t>> successors_;
  std::vector<LoggedStep> steps_;
  SagaStatus status_ = SagaStatus::kRunning;
  bool begun_ = false;
};

}  // namespace txsim::saga
