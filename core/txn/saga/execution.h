// The decision logic of a saga orchestrator for one saga instance, free of I/O.
//
// The orchestrator runtime feeds it participant outcomes; it answers with commands (invoke a
// step's action, or its compensation, attempt n, after a backoff delay). Keeping the logic pure
// makes it testable over every outcome sequence and lets the runtime checkpoint it: `encode()`
// after every stage is the saga log record, `decode()` + `resume()` re-drives the saga after an
// orchestrator crash.
//
// Outcomes are three-valued, never collapsed: success; failure (a business rule said no: start
// backward recovery); unknown (timeout or crash: the step may or may not have run).
//
// Rules (Garcia-Molina & Salem 1987; Richardson, "Microservices Patterns", ch. 4):
//  1. Forward: a step runs once every step in its `after` list has succeeded; parallel branches
//     run concurrently.
//  2. Unknown outcome of a compensatable step: retry with backoff up to attempts_max; then treat
//     the step as possibly done and start backward recovery. The participant's barrier makes a
//     compensation of a never-executed action a no-op (null compensation).
//  3. Unknown outcome (or failure) of a retriable step, or unknown outcome of the pivot: retry
//     forward with backoff until `forward_recovery_deadline` passes, then the saga is stuck.
//     The pivot is never given up on while its outcome is unknown: it may have committed.
//  4. Failure of a compensatable step or the pivot: backward recovery. No new forward step
//     starts; steps in flight finish first (their outcome decides whether they need undoing).
//  5. Backward recovery compensates every step that succeeded or possibly ran, in reverse
//     topological order (a step after all its successors are compensated) or all at once
//     (CompensationOrder::kParallel). A compensation is retried until it succeeds or the
//     deadline passes (stuck): compensations must not fail by a business rule.
// Outcomes for an attempt other than the current one (late replies, duplicates) are ignored.
//
// Times are virtual time, integer nanoseconds. Thread-safety: none (single-threaded runs).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "core/sim/random.h"
#include "core/sim/time.h"
#include "core/txn/saga/definition.h"

namespace txsim::saga {

enum class Outcome : std::uint8_t { kSuccess, kFailure, kUnknown };

enum class StepStatus : std::uint8_t {
  kPending,       // not started
  kRunning,       // action attempt in flight (or waiting for its backoff)
  kSucceeded,     // action committed
  kFailed,        // action refused by a business rule: no effect to undo
  kMaybeDone,     // action outcome unknown after all attempts: must be compensated
  kCompensating,  // compensation attempt in flight
  kCompensated,   // compensation committed
};

enum class SagaStatus : std::uint8_t { kRunning, kCompensating, kCommitted, kCompensated, kStuck };

const char* to_string(StepStatus status);
const char* to_string(SagaStatus status);

/// What the orchestrator must do next.
struct Command {
  enum class Type : std::uint8_t { kInvoke, kCompensate };
  Type type;
  std::uint32_t step;
  std::uint32_t attempt;  // 1 for the first attempt
  sim::Duration delay;    // wait this long before sending (backoff); 0 for the first attempt
};

/// The commands one decision emits, usually one or two: kept inline, so that a step's outcome
/// allocates nothing for them (a parallel fan-out wider than four spills to the heap).
using Commands = boost::container::small_vector<Command, 4>;

class SagaExecution {
 public:
  /// REQUIRES: a validated definition that outlives this object.
  explicit SagaExecution(const SagaDefinition& definition);

  /// Emits the first commands (the steps with no predecessors). REQUIRES: called once, first.
  void start(sim::Time now, Commands& out);

  /// Feeds the outcome of `command` (as emitted earlier) and appends the commands that follow.
  /// `rng` draws backoff jitter.
  void on_outcome(const Command& command, Outcome outcome, sim::Time now, sim::Rng& rng,
                  Commands& out);

  /// After decode(): re-emits the work that was in flight when the checkpoint was taken, as new
  /// attempts (the participants' barrier absorbs duplicates).
  void resume(sim::Time now, Commands& out);

  SagaStatus status() const { return status_; }
  bool finished() const {
    return status_ == SagaStatus::kCommitted || status_ == SagaStatus::kCompensated ||
           status_ == SagaStatus::kStuck;
  }
  StepStatus step_status(std::uint32_t step) const { return steps_[step].status; }
  std::uint32_t action_attempts(std::uint32_t step) const { return steps_[step].action_attempts; }
  std::uint32_t compensation_attempts(std::uint32_t step) const {
    return steps_[step].compensation_attempts;
  }
  /// Why the saga is stuck (empty otherwise).
  const std::string& stuck_reason() const { return stuck_reason_; }

  /// The saga log record: the full state in a compact, stable binary form.
  std::string encode() const;
  /// Appends encode()'s output to `out` (the orchestrator builds its log record in one buffer).
  void encode_to(std::string& out) const;
  /// encode().size(), without encoding.
  std::size_t encoded_size() const;
  /// Rebuilds an execution from encode()'s output. Throws std::invalid_argument on a record that
  /// does not match the definition.
  static SagaExecution decode(const SagaDefinition& definition, std::string_view record);

 private:
  struct StepState {
    StepStatus status = StepStatus::kPending;
    std::uint32_t action_attempts = 0;
    std::uint32_t compensation_attempts = 0;
    std::int64_t retrying_since_ns = -1;  // start of forward recovery / compensation retries
  };

  void on_action_outcome(std::uint32_t step, Outcome outcome, sim::Time now, sim::Rng& rng,
                         Commands& out);
  void on_compensation_outcome(std::uint32_t step, Outcome outcome, sim::Time now, sim::Rng& rng,
                               Commands& out);
  void invoke_ready_steps(sim::Time now, Commands& out);
  void begin_backward_recovery(sim::Time now, Commands& out);
  void compensate_eligible(sim::Time now, Commands& out);
  bool compensation_eligible(std::uint32_t step) const;
  void retry_action(std::uint32_t step, sim::Time now, sim::Rng& rng, Commands& out);
  void retry_compensation(std::uint32_t step, sim::Time now, sim::Rng& rng,
                          Commands& out);
  bool past_deadline(const StepState& state, sim::Time now) const;
  void become_stuck(std::string reason);

  /// successors(*definition_)[s], computed on the first compensation decision: most sagas
  /// never compensate, and this saves each of them an allocation per step.
  const std::vector<std::uint32_t>& successors_of(std::uint32_t s) const;

  const SagaDefinition* definition_;
  mutable std::vector<std::vector<std::uint32_t>> successors_;
  std::vector<StepState> steps_;
  SagaStatus status_ = SagaStatus::kRunning;
  std::string stuck_reason_;
};

/// Backoff before retry number `retry` (1 = first retry) under `policy`, with full jitter.
sim::Duration backoff_delay(const RetryPolicy& policy, std::uint32_t retry, sim::Rng& rng);

}  // namespace txsim::saga
