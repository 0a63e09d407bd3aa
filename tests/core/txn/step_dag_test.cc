// Cycles and orders of step graphs (core/txn/saga/step_dag.h) against brute-force references on
// random graphs: reachability by Floyd-Warshall, and "the lowest ready step next" for Kahn.
#include "core/txn/saga/step_dag.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

namespace txsim::saga {
namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

struct RandomGraph {
  Graph g;
  std::vector<std::vector<bool>> reach;  // reach[u][v]: a path of one edge or more from u to v
};

RandomGraph random_graph() {
  const std::size_t n = *rc::gen::inRange<std::size_t>(0, 8);
  RandomGraph r{Graph(n), std::vector<std::vector<bool>>(n, std::vector<bool>(n, false))};
  if (n == 0) return r;
  const auto edges = *rc::gen::container<std::vector<std::pair<std::size_t, std::size_t>>>(
      rc::gen::pair(rc::gen::inRange<std::size_t>(0, n), rc::gen::inRange<std::size_t>(0, n)));
  for (const auto& [from, to] : edges) {
    boost::add_edge(from, to, r.g);
    r.reach[from][to] = true;
  }
  for (std::size_t k = 0; k < n; ++k)
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j)
        if (r.reach[i][k] && r.reach[k][j]) r.reach[i][j] = true;
  return r;
}

bool has_edge(const Graph& g, std::size_t u, std::size_t v) { return boost::edge(u, v, g).second; }

// step_cycles lists exactly the steps that reach themselves, grouped by mutual reachability,
// lowest step first, each with a closed walk along edges inside its group.
RC_GTEST_PROP(StepDag, CyclesAreTheStepsThatReachThemselves, ()) {
  const RandomGraph r = random_graph();
  const std::size_t n = boost::num_vertices(r.g);
  std::set<std::size_t> listed;
  std::size_t previous_lowest = 0;
  bool first = true;
  for (const StepCycle& c : step_cycles(r.g)) {
    RC_ASSERT(!c.steps.empty());
    RC_ASSERT(std::is_sorted(c.steps.begin(), c.steps.end()));
    RC_ASSERT(first || c.steps.front() > previous_lowest);
    first = false;
    previous_lowest = c.steps.front();
    for (const std::size_t u : c.steps) {
      RC_ASSERT(r.reach[u][u]);
      RC_ASSERT(r.reach[c.steps.front()][u] && r.reach[u][c.steps.front()]);
      listed.insert(u);
    }
    RC_ASSERT(c.walk.size() >= 2u);
    RC_ASSERT(c.walk.front() == c.walk.back());
    for (std::size_t k = 0; k + 1 < c.walk.size(); ++k) {
      RC_ASSERT(has_edge(r.g, c.walk[k], c.walk[k + 1]));
      RC_ASSERT(std::binary_search(c.steps.begin(), c.steps.end(), c.walk[k]));
    }
  }
  for (std::size_t u = 0; u < n; ++u) RC_ASSERT(listed.count(u) == (r.reach[u][u] ? 1u : 0u));
}

// index_order equals the reference that repeatedly takes the lowest step whose predecessors are
// all taken; on a cyclic graph it leaves out exactly the steps on or after a cycle.
RC_GTEST_PROP(StepDag, IndexOrderIsLowestReadyFirst, ()) {
  const RandomGraph r = random_graph();
  const std::size_t n = boost::num_vertices(r.g);
  std::vector<bool> taken(n, false);
  std::vector<std::size_t> expected;
  for (bool progress = true; progress;) {
    progress = false;
    for (std::size_t v = 0; v < n && !progress; ++v) {
      if (taken[v]) continue;
      bool ready = true;
      for (std::size_t u = 0; u < n; ++u) ready = ready && (taken[u] || !has_edge(r.g, u, v));
      if (ready) {
        taken[v] = progress = true;
        expected.push_back(v);
      }
    }
  }
  RC_ASSERT(index_order(r.g) == expected);
  for (std::size_t v = 0; v < n; ++v) {
    bool blocked = false;  // on a cycle or after one
    for (std::size_t u = 0; u < n; ++u)
      blocked = blocked || (r.reach[u][u] && (u == v || r.reach[u][v]));
    RC_ASSERT(taken[v] == !blocked);
  }
}

// On an acyclic graph depth_first_order is a permutation in which every edge goes forward.
RC_GTEST_PROP(StepDag, DepthFirstOrderIsTopological, ()) {
  const RandomGraph r = random_graph();
  RC_PRE(step_cycles(r.g).empty());
  const auto order = depth_first_order(r.g);
  const std::size_t n = boost::num_vertices(r.g);
  RC_ASSERT(order.size() == n);
  std::vector<std::size_t> position(n, n);
  for (std::size_t k = 0; k < order.size(); ++k) position[order[k]] = k;
  for (std::size_t u = 0; u < n; ++u) {
    RC_ASSERT(position[u] < n);
    for (std::size_t v = 0; v < n; ++v) {
      if (has_edge(r.g, u, v)) RC_ASSERT(position[u] < position[v]);
    }
  }
}

// Of two independent start steps the later comes first: the documented difference from
// index_order that definition.h's topological_order inherits.
TEST(StepDag, DepthFirstOrderPutsTheLaterStartStepFirst) {
  Graph g(3);
  boost::add_edge(0, 2, g);
  EXPECT_EQ(depth_first_order(g), (std::vector<std::size_t>{1, 0, 2}));
  EXPECT_EQ(index_order(g), (std::vector<std::size_t>{0, 1, 2}));
}

TEST(StepDag, SelfEdgeIsACycleOfOneStep) {
  Graph g(2);
  boost::add_edge(1, 1, g);
  const auto cycles = step_cycles(g);
  ASSERT_EQ(cycles.size(), 1u);
  EXPECT_EQ(cycles[0].steps, (std::vector<std::size_t>{1}));
  EXPECT_EQ(cycles[0].walk, (std::vector<std::size_t>{1, 1}));
}

}  // namespace
}  // namespace txsim::saga
