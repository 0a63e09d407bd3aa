// Small builders for saga definitions in tests.
#pragma once

#include <initializer_list>
#include <string>

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

}  // namespace txsim::saga::testing
