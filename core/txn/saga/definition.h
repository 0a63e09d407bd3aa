// A saga definition: the steps of one business transaction and how they depend on each other.
//
// Terms follow Garcia-Molina & Salem, "Sagas" (SIGMOD 1987) and the step taxonomy of
// C. Richardson, "Microservices Patterns" (2018), ch. 4:
// - a compensatable step is a local transaction that can be undone by its compensating
//   transaction;
// - the pivot step is the go/no-go point: once it commits, the saga runs to completion;
// - retriable steps follow the pivot and are retried until they succeed (forward recovery).
//
// Steps form a directed acyclic graph through `after` (indices of the steps that must have
// succeeded first), so parallel branches are allowed. Validation (validate_definition) rejects
// cycles, a compensatable step that can run after the pivot, and a compensatable step without a
// compensation, naming the step.
//
// Durations are virtual time, integer nanoseconds (core/sim/time.h).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/sim/time.h"

namespace txsim::saga {

enum class StepKind : std::uint8_t { kCompensatable, kPivot, kRetriable };

const char* to_string(StepKind kind);

/// Retry of one step after an unknown outcome (timeout, crash). Delays use exponential backoff
/// with full jitter: attempt n waits uniform(0, min(backoff_max, backoff_initial * 2^(n-1)))
/// (M. Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog, 2015).
struct RetryPolicy {
  std::uint32_t attempts_max = 5;  // including the first attempt; >= 1
  sim::Duration backoff_initial = sim::milliseconds(10);
  sim::Duration backoff_max = sim::seconds(1);
  /// Off: wait the full capped backoff instead of a uniform draw below it.
  bool full_jitter = true;
};

struct StepDefinition {
  std::string name;
  std::string service;       // the participant that runs the local transaction
  std::string action;        // the operation invoked on the service
  std::string compensation;  // its compensating operation; empty for pivot/retriable steps
  StepKind kind = StepKind::kCompensatable;
  std::vector<std::uint32_t> after;  // indices of steps that must succeed first
  RetryPolicy retry;
  sim::Duration timeout = sim::seconds(1);  // per attempt
};

enum class CompensationOrder : std::uint8_t {
  kReverse,   // a step is compensated only after every completed successor was compensated
  kParallel,  // all completed steps are compensated at once
};

struct SagaDefinition {
  std::string name;
  std::vector<StepDefinition> steps;
  CompensationOrder compensation_order = CompensationOrder::kReverse;
  /// Save the saga log record after every stage (synced) before the next request goes out.
  /// Off: an orchestrator crash forgets the saga (to show what checkpoints are for).
  bool checkpoint = true;
  /// How long a retriable step (or a compensation) is retried before the saga is reported stuck.
  sim::Duration forward_recovery_deadline = sim::seconds(60);
};

/// A definition that breaks the rules above. what() names the saga and the step.
class InvalidSagaDefinition : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Checks the rules above. Throws InvalidSagaDefinition naming the first offending step.
void validate_definition(const SagaDefinition& definition);

/// successors[s]: the steps that list s in `after`, ascending. Reverse compensation order
/// undoes a step only after these.
std::vector<std::vector<std::uint32_t>> successors(const SagaDefinition& definition);

/// Step indices in a topological order of the `after` graph: step_dag.h's depth_first_order,
/// deterministic but not ties-by-index (of two start steps the later one comes first).
/// REQUIRES: a validated definition.
std::vector<std::uint32_t> topological_order(const SagaDefinition& definition);

}  // namespace txsim::saga
