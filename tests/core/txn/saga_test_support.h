// Small builders for saga definitions in tests.
#pragma once

#include <initializer_list>
#include <string>

#include "core/sim/distributions.h"
#include "core/sim/random.h"
#include "core/txn/saga/definition.h"

namespace txsim::saga::testing {

inline StepDefinition step(std::string name, StepKind kind,
                           std::initializer_list<std::uint32_t> after = {}) {
  StepDefinition s;
  s.service = name + "-service";
  s.action = "do_" + name;
  s.compensation = kind == StepKind::kCompensatable ? "undo_" + name : "";
  s.name = std::move(name);
  s.kind = kind;
  s.after = after;
  s.retry.attempts_max = 3;
  s.retry.backoff_initial = sim::milliseconds(10);
  s.retry.backoff_max = sim::milliseconds(80);
  s.timeout = sim::milliseconds(100);
  return s;
}

/// ingest -> describe -> publish (pivot) -> notify (retriable): the upload saga's shape.
inline SagaDefinition upload_saga() {
  SagaDefinition d;
  d.name = "upload";
  d.steps = {step("ingest", StepKind::kCompensatable), step("describe", StepKind::kCompensatable, {0}),
             step("publish", StepKind::kPivot, {1}), step("notify", StepKind::kRetriable, {2})};
  d.forward_recovery_deadline = sim::seconds(5);
  return d;
}

// A valid saga: compensatable steps (random DAG among themselves), then an optional pivot after
// all of them, then retriable steps after everything else.
inline SagaDefinition random_saga(sim::Rng& rng) {
  SagaDefinition d;
  d.name = "random";
  d.forward_recovery_deadline = sim::seconds(5);
  d.compensation_order =
      sim::bernoulli(rng, 0.5) ? CompensationOrder::kReverse : CompensationOrder::kParallel;
  const auto compensatable = static_cast<std::uint32_t>(rng.below(5));
  const bool pivot = sim::bernoulli(rng, 0.7);
  const auto retriable = static_cast<std::uint32_t>(rng.below(3));
  std::vector<std::uint32_t> before_retriable;
  for (std::uint32_t i = 0; i < compensatable; ++i) {
    auto s = step("c" + std::to_string(i), StepKind::kCompensatable);
    for (std::uint32_t j = 0; j < i; ++j) {
      if (sim::bernoulli(rng, 0.4)) s.after.push_back(j);
    }
    d.steps.push_back(s);
    before_retriable.push_back(i);
  }
  if (pivot) {
    auto p = step("pivot", StepKind::kPivot);
    p.after = before_retriable;
    d.steps.push_back(p);
    before_retriable = {static_cast<std::uint32_t>(d.steps.size() - 1)};
  }
  const auto first_retriable = static_cast<std::uint32_t>(d.steps.size());
  for (std::uint32_t i = 0; i < retriable; ++i) {
    auto r = step("r" + std::to_string(i), StepKind::kRetriable);
    r.after = before_retriable;
    for (std::uint32_t j = first_retriable; j < d.steps.size(); ++j) {
      if (sim::bernoulli(rng, 0.5)) r.after.push_back(j);
    }
    d.steps.push_back(r);
  }
  if (d.steps.empty()) d.steps.push_back(step("only", StepKind::kCompensatable));
  return d;
}

}  // namespace txsim::saga::testing
