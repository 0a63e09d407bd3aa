#include "core/txn/saga/definition.h"

#include <boost/graph/adjacency_list.hpp>

#include <algorithm>

#include "core/txn/saga/step_dag.h"

namespace txsim::saga {
namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

Graph build_graph(const SagaDefinition& d) {
  Graph g(d.steps.size());
  for (std::uint32_t s = 0; s < d.steps.size(); ++s) {
    for (const std::uint32_t before : d.steps[s].after) boost::add_edge(before, s, g);
  }
  return g;
}

[[noreturn]] void reject(const SagaDefinition& d, const std::string& message) {
  throw InvalidSagaDefinition("saga '" + d.name + "': " + message);
}

std::string step_name(const SagaDefinition& d, std::uint32_t s) { return "'" + d.steps[s].name + "'"; }

void reject_cycles(const SagaDefinition& d, const Graph& g) {
  const auto cycles = step_cycles(g);
  if (cycles.empty()) return;
  // A cycle of several steps is named before a step that comes after itself.
  const auto several = std::find_if(cycles.begin(), cycles.end(),
                                    [](const StepCycle& c) { return c.steps.size() > 1; });
  if (several == cycles.end()) {
    reject(d, "step " + step_name(d, static_cast<std::uint32_t>(cycles.front().steps.front())) +
                  " comes after itself");
  }
  std::string names;
  for (const std::size_t s : several->steps) {
    names += (names.empty() ? "" : ", ") + step_name(d, static_cast<std::uint32_t>(s));
  }
  reject(d, "steps " + names + " form a cycle through 'after'; expected a directed acyclic graph");
}

// ancestors[s][t] is true when t must succeed before s can run (t is reachable backwards).
std::vector<std::vector<bool>> ancestors(const SagaDefinition& d) {
  const auto order = topological_order(d);
  std::vector<std::vector<bool>> result(d.steps.size(), std::vector<bool>(d.steps.size(), false));
  for (const std::uint32_t s : order) {
    for (const std::uint32_t before : d.steps[s].after) {
      result[s][before] = true;
      for (std::uint32_t t = 0; t < d.steps.size(); ++t) {
        if (result[before][t]) result[s][t] = true;
      }
    }
  }
  return result;
}

void check_kinds(const SagaDefinition& d) {
  const auto ancestor = ancestors(d);
  std::int64_t pivot = -1;
  for (std::uint32_t s = 0; s < d.steps.size(); ++s) {
    if (d.steps[s].kind != StepKind::kPivot) continue;
    if (pivot >= 0) {
      reject(d, "steps " + step_name(d, static_cast<std::uint32_t>(pivot)) + " and " +
                    step_name(d, s) + " are both pivots; expected at most one pivot step");
    }
    pivot = s;
  }
  for (std::uint32_t s = 0; s < d.steps.size(); ++s) {
    const StepDefinition& step = d.steps[s];
    if (step.kind == StepKind::kCompensatable && step.compensation.empty()) {
      reject(d, "compensatable step " + step_name(d, s) + " has no compensation");
    }
    if (step.kind == StepKind::kCompensatable && pivot >= 0 && !ancestor[pivot][s]) {
      reject(d, "compensatable step " + step_name(d, s) + " can run after the pivot " +
                    step_name(d, static_cast<std::uint32_t>(pivot)) +
                    "; expected every compensatable step to come before the pivot");
    }
    if (step.kind != StepKind::kRetriable) continue;
    for (std::uint32_t t = 0; t < d.steps.size(); ++t) {
      if (d.steps[t].kind != StepKind::kRetriable && !ancestor[s][t]) {
        reject(d, "retriable step " + step_name(d, s) + " can run before " + to_string(d.steps[t].kind) +
                      " step " + step_name(d, t) + " has succeeded; expected retriable steps last");
      }
    }
  }
}

}  // namespace

const char* to_string(StepKind kind) {
  switch (kind) {
    case StepKind::kCompensatable:
      return "compensatable";
    case StepKind::kPivot:
      return "pivot";
    case StepKind::kRetriable:
      return "retriable";
  }
  return "unknown";
}

void validate_definition(const SagaDefinition& d) {
  if (d.steps.empty()) reject(d, "has no steps");
  for (std::uint32_t s = 0; s < d.steps.size(); ++s) {
    const StepDefinition& step = d.steps[s];
    for (const std::uint32_t before : step.after) {
      if (before >= d.steps.size()) {
        reject(d, "step " + step_name(d, s) + " comes after step index " + std::to_string(before) +
                      ", which does not exist");
      }
    }
    if (step.retry.attempts_max < 1) {
      reject(d, "step " + step_name(d, s) + " allows 0 attempts; expected at least 1");
    }
    if (step.timeout <= sim::Duration{}) {
      reject(d, "step " + step_name(d, s) + " has a timeout <= 0; expected a positive duration");
    }
    if (step.retry.backoff_initial < sim::Duration{} ||
        step.retry.backoff_max < step.retry.backoff_initial) {
      reject(d, "step " + step_name(d, s) +
                    " has a bad backoff; expected 0 <= backoff_initial <= backoff_max");
    }
  }
  reject_cycles(d, build_graph(d));
  check_kinds(d);
}

std::vector<std::vector<std::uint32_t>> successors(const SagaDefinition& d) {
  std::vector<std::vector<std::uint32_t>> result(d.steps.size());
  for (std::uint32_t s = 0; s < d.steps.size(); ++s) {
    for (const std::uint32_t before : d.steps[s].after) result[before].push_back(s);
  }
  return result;
}

std::vector<std::uint32_t> topological_order(const SagaDefinition& d) {
  const auto order = depth_first_order(build_graph(d));
  return {order.begin(), order.end()};
}

}  // namespace txsim::saga
