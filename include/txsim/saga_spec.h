// txsim::SagaSpec and txsim::Workload: a saga definition and its load as plain data, so that a
// property test can generate random sagas (include/txsim/generators.h) and turn them into a
// runnable scenario.
//
// A valid saga follows Richardson's ordering of step kinds (Microservices Patterns, 2018,
// sec. 4.3.1): compensatable steps, then at most one pivot on any path, then retriable steps;
// `after` makes the steps a DAG (indices of earlier steps only, so it is acyclic by
// construction).
// Units: rates per simulated second, times in simulated milliseconds where named _ms.
// Errors: scenario_text() writes what it is given; Scenario::parse() of the result reports an
// invalid saga (e.g. a compensatable step after the pivot) as a ScenarioError.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace txsim {

enum class StepKind : std::uint8_t { kCompensatable = 0, kPivot = 1, kRetriable = 2 };

struct StepSpec {
  StepKind kind = StepKind::kCompensatable;
  std::vector<int> after;  // indices of earlier steps that must complete first
  double failure_probability = 0;  // business-rule refusal of the forward action; in [0, 1]
  bool operator==(const StepSpec&) const = default;
};

struct SagaSpec {
  std::vector<StepSpec> steps;  // at least one
  bool checkpoint = true;       // saga log after every stage (false: checkpoint NONE)
  bool operator==(const SagaSpec&) const = default;
};

/// Poisson arrivals of the saga.
struct Workload {
  double rate_per_s = 100;  // > 0
  std::uint64_t count = 100;  // sagas started; >= 1
  bool operator==(const Workload&) const = default;
};

/// A standalone scenario running `saga` under `workload`: one node per step ("n0", "n1", ...)
/// plus "orchestrator", a generic.participant service per step ("s0", ...), saga orchestration,
/// and the checks saga_atomicity, no_lost_work, effect_once and compensation_order. Arrivals
/// stop at count / rate_per_s + 1 s; 30 s of drain follow.
std::string scenario_text(const SagaSpec& saga, const Workload& workload, std::uint64_t seed = 1);

}  // namespace txsim
