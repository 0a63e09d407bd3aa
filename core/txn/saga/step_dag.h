// Cycles and orders of a saga's step graph: the one implementation behind scenario validation
// (core/scenario/validate_sagas.cc), the diagram graph (saga_graph.h) and the engine's
// definition checks (definition.h). Each caller words its own errors.
//
// Works on any Boost.Graph adjacency_list with vecS vertices, so vertex i is step i; an edge
// u -> v means step v runs after step u. Results depend only on vertex indices and edge
// insertion order, never on addresses, so they are deterministic. No simulated time is involved.
//
// Algorithms: strongly connected components by Tarjan's algorithm (R. Tarjan, "Depth-first
// search and linear graph algorithms", SIAM J. Computing 1(2), 1972) through
// boost::strong_components; topological orders by A. B. Kahn, "Topological sorting of large
// networks" (CACM 5(11), 1962) and by depth-first search (boost::topological_sort).
#pragma once

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/strong_components.hpp>
#include <boost/graph/topological_sort.hpp>
#include <cstddef>
#include <functional>
#include <iterator>
#include <queue>
#include <vector>

namespace txsim::saga {

/// Steps that wait for each other: a strongly connected component of two or more steps, or a
/// single step with an edge to itself.
struct StepCycle {
  std::vector<std::size_t> steps;  // the component's steps, ascending
  /// A cycle inside the component, closed: walk.front() == walk.back(). Found by following, from
  /// steps.front(), each step's first edge (in insertion order) that stays in the component
  /// until a step repeats; the walk starts at that repeated step.
  std::vector<std::size_t> walk;
};

namespace step_dag_detail {

template <class Graph>
std::vector<std::size_t> closed_walk(const Graph& g, const std::vector<int>& component,
                                     std::size_t start) {
  std::vector<std::size_t> path{start};
  std::vector<int> position(boost::num_vertices(g), -1);
  position[start] = 0;
  std::size_t at = start;
  while (true) {
    bool found = false;
    std::size_t next = 0;
    for (auto [e, end] = boost::out_edges(at, g); e != end; ++e) {
      next = boost::target(*e, g);
      if (component[next] == component[start]) {
        found = true;
        break;
      }
    }
    if (!found) return {start};  // cannot happen inside a cyclic component
    if (position[next] >= 0) {
      std::vector<std::size_t> walk(path.begin() + position[next], path.end());
      walk.push_back(next);
      return walk;
    }
    position[next] = static_cast<int>(path.size());
    path.push_back(next);
    at = next;
  }
}

template <class Graph>
bool has_self_edge(const Graph& g, std::size_t v) {
  for (auto [e, end] = boost::out_edges(v, g); e != end; ++e) {
    if (boost::target(*e, g) == v) return true;
  }
  return false;
}

}  // namespace step_dag_detail

/// Every cycle of `g`, one per cyclic component, ordered by the component's lowest step.
/// Empty exactly when `g` is acyclic.
template <class Graph>
std::vector<StepCycle> step_cycles(const Graph& g) {
  const std::size_t n = boost::num_vertices(g);
  std::vector<int> component(n);
  const int count = n == 0 ? 0 : boost::strong_components(g, component.data());
  std::vector<std::vector<std::size_t>> members(count);
  for (std::size_t v = 0; v < n; ++v) members[component[v]].push_back(v);
  std::vector<bool> listed(count, false);
  std::vector<StepCycle> cycles;
  for (std::size_t v = 0; v < n; ++v) {
    auto& steps = members[component[v]];
    if (listed[component[v]]) continue;
    listed[component[v]] = true;
    if (steps.size() < 2 && !step_dag_detail::has_self_edge(g, v)) continue;
    cycles.push_back({std::move(steps), step_dag_detail::closed_walk(g, component, v)});
  }
  return cycles;
}

/// Kahn's algorithm with ties going to the lower step index. On a cyclic graph the order is
/// partial: the steps it leaves out are on a cycle or after one.
template <class Graph>
std::vector<std::size_t> index_order(const Graph& g) {
  const std::size_t n = boost::num_vertices(g);
  std::vector<std::size_t> waiting_for(n, 0);
  for (std::size_t u = 0; u < n; ++u) {
    for (auto [e, end] = boost::out_edges(u, g); e != end; ++e) ++waiting_for[boost::target(*e, g)];
  }
  std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> ready;
  for (std::size_t v = 0; v < n; ++v) {
    if (waiting_for[v] == 0) ready.push(v);
  }
  std::vector<std::size_t> order;
  while (!ready.empty()) {
    const std::size_t u = ready.top();
    ready.pop();
    order.push_back(u);
    for (auto [e, end] = boost::out_edges(u, g); e != end; ++e) {
      const std::size_t v = boost::target(*e, g);
      if (--waiting_for[v] == 0) ready.push(v);
    }
  }
  return order;
}

/// A topological order by depth-first search from the steps in index order (the reverse of
/// their finishing order). It is not index_order: of two independent start steps, the later
/// one comes first. REQUIRES: g is acyclic (boost::not_a_dag is thrown otherwise).
template <class Graph>
std::vector<std::size_t> depth_first_order(const Graph& g) {
  std::vector<std::size_t> finished;
  boost::topological_sort(g, std::back_inserter(finished));
  return {finished.rbegin(), finished.rend()};
}

}  // namespace txsim::saga
