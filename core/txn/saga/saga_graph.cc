#include "core/txn/saga/saga_graph.h"

#include <algorithm>
#include <map>

#include "core/txn/saga/step_dag.h"

namespace txsim::saga {
namespace {

[[noreturn]] void fail(const scenario::Saga& saga, const std::string& message) {
  throw SagaGraphError("saga '" + saga.name() + "': " + message);
}

}  // namespace

SagaGraph build_saga_graph(const scenario::Saga& saga) {
  SagaGraph g;
  std::map<std::string, StepId> by_name;
  for (const auto& step : saga.step()) {
    StepVertex vertex{step.name(), step.service(),
                      step.action().empty() ? step.name() : step.action(), step.compensation(),
                      step.kind()};
    // add_vertex(property, g) trips a GCC 12 false -Wmaybe-uninitialized inside Boost's
    // named-graph support; adding a bare vertex and then setting its bundle does not.
    const StepId id = boost::add_vertex(g);
    g[id] = std::move(vertex);
    if (!by_name.emplace(step.name(), id).second) {
      fail(saga, "two steps are named '" + step.name() + "'");
    }
  }
  for (int i = 0; i < saga.step_size(); ++i) {
    const auto& step = saga.step(i);
    for (const auto& before : step.after()) {
      const auto found = by_name.find(before);
      if (found == by_name.end()) {
        fail(saga, "step '" + step.name() + "' runs after '" + before + "', which is not a step");
      }
      if (found->second == static_cast<StepId>(i)) {
        fail(saga, "step '" + step.name() + "' runs after itself");
      }
      boost::add_edge(found->second, static_cast<StepId>(i), g);
    }
  }
  const auto order = index_order(g);
  if (order.size() != boost::num_vertices(g)) {
    // The steps Kahn's algorithm never reached are on a cycle or after one; name the first.
    std::vector<bool> reached(boost::num_vertices(g), false);
    for (const StepId v : order) reached[v] = true;
    const auto stuck = std::find(reached.begin(), reached.end(), false) - reached.begin();
    fail(saga, "the steps form a cycle through or before step '" + g[stuck].name + "'");
  }
  return g;
}

std::vector<StepId> topological_order(const SagaGraph& g) {
  auto order = index_order(g);
  if (order.size() != boost::num_vertices(g)) {
    throw std::logic_error("topological_order: the saga graph has a cycle");
  }
  return order;
}

std::vector<int> step_depths(const SagaGraph& g) {
  std::vector<int> depth(boost::num_vertices(g), 0);
  for (const StepId u : topological_order(g)) {
    for (const auto e : boost::make_iterator_range(boost::out_edges(u, g))) {
      const StepId v = boost::target(e, g);
      depth[v] = std::max(depth[v], depth[u] + 1);
    }
  }
  return depth;
}

}  // namespace txsim::saga
