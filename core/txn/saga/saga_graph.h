// A saga definition from a scenario file as a Boost.Graph DAG of its steps.
//
// Vertices are the steps, in the order the scenario lists them (vertex i is saga.step(i)); an
// edge u -> v means v runs after u (v lists u in `after`). Steps with no `after` start with
// the saga; two steps after the same step are parallel branches. Step kinds follow Richardson,
// "Microservices Patterns" (2018), ch. 4: compensatable, pivot, retriable.
//
// Used to draw the saga (reports/saga_diagram.h) and meant for the saga engine (execution
// order, reverse order of compensation). No simulated time is involved.
#pragma once

#include <boost/graph/adjacency_list.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "txsim/scenario.pb.h"

namespace txsim::saga {

/// What a vertex knows about its step.
struct StepVertex {
  std::string name;
  std::string service;
  std::string action;        // the step name when the scenario gives none
  std::string compensation;  // empty for pivot and retriable steps
  scenario::Step::Kind kind = scenario::Step::COMPENSATABLE;
};

/// Bidirectional so that both a step's successors (forward) and its predecessors (compensation
/// order) are cheap to list. vecS keeps vertex and edge order deterministic.
using SagaGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS,
                                        StepVertex>;
using StepId = SagaGraph::vertex_descriptor;

/// A saga whose steps do not form a DAG, or an `after` naming no step. what() names the saga
/// and the step.
class SagaGraphError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Builds the DAG of `saga`. Edges are added in step order, then in `after` order. Throws
/// SagaGraphError for an unknown or duplicate step name, a step after itself, or a cycle.
SagaGraph build_saga_graph(const scenario::Saga& saga);

/// Steps in a topological order, ties broken by step index (deterministic).
/// REQUIRES: g is acyclic (as build_saga_graph guarantees).
std::vector<StepId> topological_order(const SagaGraph& g);

/// The length of the longest path from a start step to each step (start steps: 0). Steps at
/// the same depth can run side by side; diagrams put them in the same rank.
std::vector<int> step_depths(const SagaGraph& g);

}  // namespace txsim::saga
