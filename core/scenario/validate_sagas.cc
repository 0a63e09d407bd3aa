// Validation of `saga`: the steps form a DAG (Boost.Graph), refer to known services and steps,
// and respect Richardson's ordering of step kinds (Microservices Patterns, 2018, sec. 4.3.1):
// compensatable steps, then at most one pivot on any path, then retriable steps. A compensatable
// step needs its compensation; pivot and retriable steps have none. Under the saga protocols the
// order is strict, as the engine requires (core/txn/saga/definition.h): one pivot per saga, every
// compensatable step before it and every retriable step after all other steps, not merely not
// after them on a path; two-phase commit runs the steps as one transaction and keeps the path rule.
#include <boost/graph/adjacency_list.hpp>

#include "core/scenario/validation.h"
#include "core/txn/saga/step_dag.h"

namespace txsim::scenario {
namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

void retry_and_timeout(Validation& v, const FieldCursor& c, const Step& step) {
  if (step.has_timeout_ms()) v.milliseconds(c, step, "timeout_ms", step.timeout_ms(), true);
  if (!step.has_retry()) return;
  const Retry& r = step.retry();
  const FieldCursor rc = c.nested(step, "retry");
  if (r.has_attempts_max()) {
    v.count(rc, r, "attempts_max", r.attempts_max(), 1, kMaxAttempts, "attempts");
  }
  const bool initial_ok = !r.has_backoff_initial_ms() ||
                          v.milliseconds(rc, r, "backoff_initial_ms", r.backoff_initial_ms());
  const bool max_ok =
      !r.has_backoff_max_ms() || v.milliseconds(rc, r, "backoff_max_ms", r.backoff_max_ms());
  const double initial = r.has_backoff_initial_ms() ? r.backoff_initial_ms() : 10;
  const double max = r.has_backoff_max_ms() ? r.backoff_max_ms() : 1000;
  if (initial_ok && max_ok && max < initial) {
    v.error(rc, r, r.has_backoff_max_ms() ? "backoff_max_ms" : "backoff_initial_ms", -1,
            "backoff_max_ms " + format_number(max) + " is below backoff_initial_ms " +
                format_number(initial) + "; expected max >= initial");
  }
}

// Per step: fields, service and compensation; returns the step names by index.
std::map<std::string, int> steps(Validation& v, const FieldCursor& at, const Saga& saga) {
  std::map<std::string, int> seen;
  std::map<std::string, int> index;
  for (int i = 0; i < saga.step_size() && i < kMaxSteps; ++i) {
    const Step& step = saga.step(i);
    const FieldCursor c = at.nested(saga, "step", i);
    v.unique_name(seen, c, step, "name", step.name(), "step");
    index.emplace(step.name(), i);
    if (step.service().empty()) {
      v.error(c, step, "service", -1, "is missing; expected the service that runs the step");
    } else if (!v.services.count(step.service())) {
      v.error(c, step, "service", -1,
              "'" + step.service() + "' is not a service; expected one of " +
                  list_names(v.services));
    }
    if (step.kind() == Step::COMPENSATABLE && step.compensation().empty()) {
      v.error(c, step, "compensation", -1,
              "is missing for COMPENSATABLE step '" + step.name() +
                  "'; expected the action that undoes it (or kind PIVOT or RETRIABLE)");
    }
    if (step.kind() != Step::COMPENSATABLE && !step.compensation().empty()) {
      v.error(c, step, "compensation", -1,
              "is set on " + Step::Kind_Name(step.kind()) + " step '" + step.name() +
                  "'; expected none: only COMPENSATABLE steps are undone");
    }
    retry_and_timeout(v, c, step);
  }
  return index;
}

// Adds an edge after -> step for every known `after`; reports unknown and self references and
// clears `complete` for them (the graph then lacks the edges the user meant).
Graph build_graph(Validation& v, const FieldCursor& at, const Saga& saga,
                  const std::map<std::string, int>& index, bool& complete) {
  const int n = std::min(saga.step_size(), kMaxSteps);
  Graph g(n);
  for (int i = 0; i < n; ++i) {
    const Step& step = saga.step(i);
    const FieldCursor c = at.nested(saga, "step", i);
    for (int j = 0; j < step.after_size(); ++j) {
      const auto it = index.find(step.after(j));
      if (it == index.end()) {
        std::set<std::string> names;
        for (const auto& [name, k] : index) names.insert(name);
        v.error(c, step, "after", j,
                "'" + step.after(j) + "' is not a step of saga '" + saga.name() +
                    "'; expected one of " + list_names(names));
        complete = false;
      } else if (it->second == i) {
        v.error(c, step, "after", j, "names the step itself; a step cannot wait for itself");
        complete = false;
      } else {
        boost::add_edge(it->second, i, g);
      }
    }
  }
  return g;
}

// Reports each cycle once, at the first `after` of its lowest step; returns whether the graph is
// acyclic.
bool acyclic(Validation& v, const FieldCursor& at, const Saga& saga, const Graph& g) {
  const auto cycles = saga::step_cycles(g);
  for (const saga::StepCycle& cycle : cycles) {
    const int i = static_cast<int>(cycle.steps.front());
    std::string text;
    for (const std::size_t s : cycle.walk) {
      text += (text.empty() ? "" : " -> ") + saga.step(static_cast<int>(s)).name();
    }
    v.error(at.nested(saga, "step", i), saga.step(i), "after", 0,
            "the steps form a cycle: " + text +
                "; expected a DAG (each step after steps that can finish before it)");
  }
  return cycles.empty();
}

// before[s][t]: step t must have succeeded before step s runs (t is an ancestor of s).
std::vector<std::vector<bool>> ancestors(const Graph& g, const std::vector<std::size_t>& order) {
  const std::size_t n = boost::num_vertices(g);
  std::vector<std::vector<bool>> before(n, std::vector<bool>(n, false));
  for (const std::size_t s : order) {
    for (auto [e, end] = boost::out_edges(s, g); e != end; ++e) {
      auto& next = before[boost::target(*e, g)];
      next[s] = true;
      for (std::size_t t = 0; t < n; ++t) next[t] = next[t] || before[s][t];
    }
  }
  return before;
}

// The saga engine's stricter order (see the file comment) for a step that broke no path rule.
// A pair of parallel pivots is reported at the later one in the file.
void strict_kind_order(Validation& v, const FieldCursor& c, const Saga& saga, int i,
                       const std::vector<std::vector<bool>>& before,
                       const std::vector<int>& pivots) {
  const Step& step = saga.step(i);
  // The first pivot (among those before `limit` in the file) on neither side of this step.
  const auto parallel_pivot = [&](int limit) {
    for (const int p : pivots) {
      if (p < limit && !before[i][p] && !before[p][i]) return p;
    }
    return -1;
  };
  if (step.kind() == Step::PIVOT) {
    if (const int p = parallel_pivot(i); p >= 0) {
      v.error(c, step, "kind", -1,
              "PIVOT step '" + step.name() + "' runs in parallel with PIVOT step '" +
                  saga.step(p).name() +
                  "'; expected one pivot per saga: if one committed and the other failed, the "
                  "saga could neither finish nor be undone");
    }
    return;
  }
  if (step.kind() == Step::COMPENSATABLE) {
    if (const int p = parallel_pivot(saga.step_size()); p >= 0) {
      v.error(c, step, "kind", -1,
              "COMPENSATABLE step '" + step.name() + "' can run in parallel with PIVOT step '" +
                  saga.step(p).name() +
                  "'; expected it before the pivot (the pivot after it, through `after`): "
                  "failing after the pivot committed, it could not be undone");
    }
    return;
  }
  if (step.kind() != Step::RETRIABLE) return;
  for (int t = 0; t < saga.step_size() && t < kMaxSteps; ++t) {
    const Step& other = saga.step(t);
    // A compensatable step after this one is reported at that step.
    if (other.kind() == Step::RETRIABLE || before[i][t] ||
        (before[t][i] && other.kind() == Step::COMPENSATABLE)) {
      continue;
    }
    v.error(c, step, "kind", -1,
            "RETRIABLE step '" + step.name() + "' can run before " + Step::Kind_Name(other.kind()) +
                " step '" + other.name() +
                "' has succeeded; expected retriable steps last (this step after '" + other.name() +
                "', through `after`)");
    return;
  }
}

// In topological order: the pivot (if any) on the path to each step, and the retriable step
// (if any) before it. `strict`: also the saga engine's order (strict_kind_order).
void kind_order(Validation& v, const FieldCursor& at, const Saga& saga, const Graph& g,
                bool strict) {
  const auto order = saga::depth_first_order(g);
  const int n = static_cast<int>(boost::num_vertices(g));
  const auto before = strict ? ancestors(g, order) : std::vector<std::vector<bool>>{};
  std::vector<int> pivots;
  for (int i = 0; i < n; ++i) {
    if (saga.step(i).kind() == Step::PIVOT) pivots.push_back(i);
  }
  std::vector<int> pivot_before(n, -1);      // a pivot strictly before the step on some path
  std::vector<int> retriable_before(n, -1);  // a retriable step strictly before it
  for (const std::size_t s : order) {
    const int i = static_cast<int>(s);
    const Step& step = saga.step(i);
    const FieldCursor c = at.nested(saga, "step", i);
    if (step.kind() == Step::PIVOT && pivot_before[i] >= 0) {
      v.error(c, step, "kind", -1,
              "PIVOT step '" + step.name() + "' comes after PIVOT step '" +
                  saga.step(pivot_before[i]).name() +
                  "'; expected at most one pivot on any path through the saga");
    } else if (step.kind() == Step::COMPENSATABLE && pivot_before[i] >= 0) {
      v.error(c, step, "kind", -1,
              "COMPENSATABLE step '" + step.name() + "' comes after PIVOT step '" +
                  saga.step(pivot_before[i]).name() +
                  "'; expected RETRIABLE: once the pivot succeeds the saga cannot be undone");
    } else if (step.kind() == Step::COMPENSATABLE && retriable_before[i] >= 0) {
      v.error(c, step, "kind", -1,
              "COMPENSATABLE step '" + step.name() + "' comes after RETRIABLE step '" +
                  saga.step(retriable_before[i]).name() +
                  "', which cannot be undone; expected compensatable steps first");
    } else if (strict) {
      strict_kind_order(v, c, saga, i, before, pivots);
    }
    const int pivot_here = step.kind() == Step::PIVOT ? i : pivot_before[i];
    const int retriable_here = step.kind() == Step::RETRIABLE ? i : retriable_before[i];
    for (auto [e, end] = boost::out_edges(i, g); e != end; ++e) {
      const auto next = boost::target(*e, g);
      if (pivot_before[next] < 0) pivot_before[next] = pivot_here;
      if (retriable_before[next] < 0) retriable_before[next] = retriable_here;
    }
  }
}

}  // namespace

void validate_sagas(Validation& v, const FieldCursor& root, const Scenario& s) {
  v.size_limit(root, s, "saga", s.saga_size(), kMaxSagas);
  std::map<std::string, int> seen;
  for (int i = 0; i < s.saga_size() && i < kMaxSagas; ++i) {
    const Saga& saga = s.saga(i);
    const FieldCursor c = root.nested(s, "saga", i);
    v.unique_name(seen, c, saga, "name", saga.name(), "saga");
    v.sagas.insert(saga.name());
    if (saga.step_size() == 0) {
      v.error(c, saga, "step", -1, "is empty; expected at least one step");
    }
    v.size_limit(c, saga, "step", saga.step_size(), kMaxSteps);
    if (saga.has_deadline_s() && saga.deadline_s() <= 0) {
      v.error(c, saga, "deadline_s", -1,
              "is " + format_number(saga.deadline_s()) + "; expected a duration in seconds > 0");
    } else if (saga.has_deadline_s()) {
      v.seconds(c, saga, "deadline_s", saga.deadline_s());
    }
    const auto index = steps(v, c, saga);
    bool complete = saga.step_size() <= kMaxSteps;
    const Graph g = build_graph(v, c, saga, index, complete);
    // Without the edges the user meant, the strict order would report steps as parallel.
    const bool strict = complete && !s.protocol().has_two_phase_commit();
    if (acyclic(v, c, saga, g)) kind_order(v, c, saga, g, strict);
  }
}

}  // namespace txsim::scenario
