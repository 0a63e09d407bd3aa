// RapidCheck generators for txsim property tests: fault plans within a budget, saga definitions
// and workloads (RapidCheck: https://github.com/emil-e/rapidcheck, docs/generators.md).
//
// Shrinking is what makes a counterexample readable, so every generator shrinks towards the
// simplest input: a fault plan loses faults (container shrinking removes elements), downtimes
// and windows get shorter (towards 1 ms), starts move earlier (towards 0 s), probabilities and
// latency factors get smaller; a saga loses steps; a workload gets fewer, slower arrivals.
//
// Units: simulated seconds in the generated values, drawn on a 1 ms grid.
// REQUIRES: budget.nodes non-empty when max_faults > 0, horizon_s >= 0.001, max_duration_s >=
// 0.001; otherwise the generator throws std::invalid_argument when it is built.
#pragma once

#include <rapidcheck.h>

#include <algorithm>
#include <ostream>
#include <stdexcept>
#include <utility>

#include "txsim/fault_plan.h"
#include "txsim/saga_spec.h"

namespace txsim::gen {

namespace detail {
inline int to_ms(double s) { return static_cast<int>(s * 1000.0 + 0.5); }
inline double to_s(int ms) { return ms / 1000.0; }
inline void require(bool ok, const char* what) {
  if (!ok) throw std::invalid_argument(what);
}
}  // namespace detail

/// One fault of `kind` within `budget`.
inline rc::Gen<Fault> fault_of_kind(FaultKind kind, const FaultBudget& budget) {
  const int horizon_ms = detail::to_ms(budget.horizon_s);
  const int max_ms = detail::to_ms(budget.max_duration_s);
  const auto nodes = budget.nodes;
  auto start = rc::gen::inRange(0, horizon_ms);
  auto duration = rc::gen::inRange(1, max_ms + 1);
  switch (kind) {
    case FaultKind::kCrash:
    case FaultKind::kPartition:
      return rc::gen::apply(
          [kind](int at, int length, std::string node) {
            Fault f;
            f.kind = kind;
            f.start_s = detail::to_s(at);
            f.duration_s = detail::to_s(length);
            if (kind == FaultKind::kCrash) {
              f.node = std::move(node);
            } else {
              f.side_a = {std::move(node)};
              f.side_b = {"*"};
            }
            return f;
          },
          start, duration, rc::gen::elementOf(nodes));
    case FaultKind::kLoss:
    case FaultKind::kDuplication:
      return rc::gen::apply(
          [kind](int at, int length, int percent) {
            Fault f;
            f.kind = kind;
            f.start_s = detail::to_s(at);
            f.duration_s = detail::to_s(length);
            f.probability = percent / 100.0;
            return f;
          },
          start, duration, rc::gen::inRange(1, 101));
    case FaultKind::kLatencySpike:
      return rc::gen::apply(
          [](int at, int length, std::string from, std::string to, int factor) {
            Fault f;
            f.kind = FaultKind::kLatencySpike;
            f.start_s = detail::to_s(at);
            f.duration_s = detail::to_s(length);
            f.node = std::move(from);
            f.to = std::move(to);
            f.factor = static_cast<double>(factor);
            return f;
          },
          start, duration, rc::gen::elementOf(nodes), rc::gen::elementOf(nodes),
          rc::gen::inRange(2, 101));
  }
  throw std::invalid_argument("fault_of_kind: unknown fault kind");
}

/// One fault of a kind allowed by `budget`.
inline rc::Gen<Fault> fault(const FaultBudget& budget) {
  std::vector<FaultKind> kinds = budget.kinds;
  if (kinds.empty()) {
    for (int k = 0; k < kFaultKinds; ++k) kinds.push_back(static_cast<FaultKind>(k));
  }
  return rc::gen::mapcat(rc::gen::elementOf(kinds),
                         [budget](FaultKind kind) { return fault_of_kind(kind, budget); });
}

/// A plan of at most budget.max_faults faults.
inline rc::Gen<FaultPlan> fault_plan(const FaultBudget& budget) {
  detail::require(budget.max_faults >= 0, "fault_plan: max_faults must be >= 0");
  if (budget.max_faults == 0) return rc::gen::just(FaultPlan{});
  detail::require(!budget.nodes.empty(), "fault_plan: the budget names no nodes");
  detail::require(budget.horizon_s >= 0.001, "fault_plan: horizon_s must be >= 0.001");
  detail::require(budget.max_duration_s >= 0.001, "fault_plan: max_duration_s must be >= 0.001");
  const auto max = static_cast<std::size_t>(budget.max_faults);
  // Container shrinking removes faults and shrinks each one; the cut keeps the budget.
  return rc::gen::map(rc::gen::container<std::vector<Fault>>(fault(budget)),
                      [max](std::vector<Fault> faults) {
                        if (faults.size() > max) faults.resize(max);
                        return FaultPlan{std::move(faults)};
                      });
}

/// A valid saga: 1..max_compensatable compensatable steps forming a random DAG, then an optional
/// pivot after all of them, then 0..max_retriable retriable steps after the pivot. Compensatable
/// steps refuse with a probability in [0, 0.2]; pivot and retriable steps never refuse
/// (retriable steps must eventually succeed).
inline rc::Gen<SagaSpec> saga(int max_compensatable = 4, int max_retriable = 2) {
  detail::require(max_compensatable >= 1 && max_retriable >= 0, "saga: bad step bounds");
  return rc::gen::exec([=] {
    SagaSpec spec;
    const int compensatable = *rc::gen::inRange(1, max_compensatable + 1);
    for (int i = 0; i < compensatable; ++i) {
      StepSpec step;
      step.kind = StepKind::kCompensatable;
      for (int j = 0; j < i; ++j) {
        if (*rc::gen::inRange(0, 2) == 1) step.after.push_back(j);
      }
      step.failure_probability = *rc::gen::inRange(0, 21) / 100.0;
      spec.steps.push_back(step);
    }
    const bool pivot = *rc::gen::arbitrary<bool>();
    const int retriable = pivot ? *rc::gen::inRange(0, max_retriable + 1) : 0;
    if (pivot) {
      StepSpec step;
      step.kind = StepKind::kPivot;
      for (int j = 0; j < compensatable; ++j) step.after.push_back(j);
      spec.steps.push_back(step);
      for (int i = 0; i < retriable; ++i) {
        StepSpec retry;
        retry.kind = StepKind::kRetriable;
        retry.after = {compensatable};
        spec.steps.push_back(retry);
      }
    }
    return spec;
  });
}

/// Arrival rate in [1, max_rate_per_s] per simulated second and a count in [1, max_count].
inline rc::Gen<Workload> workload(int max_rate_per_s = 200, int max_count = 200) {
  detail::require(max_rate_per_s >= 1 && max_count >= 1, "workload: bounds must be >= 1");
  return rc::gen::apply(
      [](int rate, int count) {
        return Workload{static_cast<double>(rate), static_cast<std::uint64_t>(count)};
      },
      rc::gen::inRange(1, max_rate_per_s + 1), rc::gen::inRange(1, max_count + 1));
}

}  // namespace txsim::gen

namespace rc {
// Printing counterexamples: RapidCheck shows a failing plan as its description.
template <>
struct Arbitrary<txsim::FaultKind> {
  static Gen<txsim::FaultKind> arbitrary() {
    return gen::map(gen::inRange(0, txsim::kFaultKinds),
                    [](int k) { return static_cast<txsim::FaultKind>(k); });
  }
};
}  // namespace rc

namespace txsim {
inline void showValue(const Fault& fault, std::ostream& os) { os << fault.describe(); }
inline void showValue(const FaultPlan& plan, std::ostream& os) { os << plan.describe(); }
}  // namespace txsim
