#include "core/txn/saga/saga_graph.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

namespace txsim::saga {
namespace {

// A saga whose step i runs after the steps in after[i] (indices).
scenario::Saga make_saga(const std::vector<std::vector<int>>& after) {
  scenario::Saga saga;
  saga.set_name("s");
  for (std::size_t i = 0; i < after.size(); ++i) {
    auto* step = saga.add_step();
    step->set_name("step" + std::to_string(i));
    step->set_service("svc" + std::to_string(i % 3));
    for (const int j : after[i]) step->add_after("step" + std::to_string(j));
  }
  return saga;
}

// Random DAG: every step runs after a random subset of the steps listed before it.
rc::Gen<std::vector<std::vector<int>>> random_dag() {
  return rc::gen::mapcat(rc::gen::inRange(1, 12), [](int n) {
    return rc::gen::exec([n] {
      std::vector<std::vector<int>> after(n);
      for (int i = 1; i < n; ++i) {
        for (int j = 0; j < i; ++j) {
          if (*rc::gen::inRange(0, 3) == 0) after[i].push_back(j);
        }
      }
      return after;
    });
  });
}

// Every edge goes forward in the topological order, and the order is a permutation.
RC_GTEST_PROP(SagaGraph, TopologicalOrderRespectsEveryEdge, ()) {
  const auto after = *random_dag();
  const auto g = build_saga_graph(make_saga(after));
  const auto order = topological_order(g);
  RC_ASSERT(order.size() == after.size());
  std::vector<std::size_t> position(after.size());
  for (std::size_t k = 0; k < order.size(); ++k) position[order[k]] = k;
  for (std::size_t i = 0; i < after.size(); ++i) {
    for (const int j : after[i]) RC_ASSERT(position[j] < position[i]);
  }
}

// Depth is the longest path from a start step, computed by plain recursion as the reference.
RC_GTEST_PROP(SagaGraph, DepthIsTheLongestPathFromAStartStep, ()) {
  const auto after = *random_dag();
  const auto depths = step_depths(build_saga_graph(make_saga(after)));
  std::function<int(int)> longest = [&](int i) {
    int best = 0;
    for (const int j : after[i]) best = std::max(best, longest(j) + 1);
    return best;
  };
  for (std::size_t i = 0; i < after.size(); ++i) RC_ASSERT(depths[i] == longest(static_cast<int>(i)));
}

TEST(SagaGraph, VerticesCarryTheStepsInOrder) {
  auto saga = make_saga({{}, {0}});
  saga.mutable_step(1)->set_kind(scenario::Step::PIVOT);
  saga.mutable_step(0)->set_compensation("undo");
  const auto g = build_saga_graph(saga);
  ASSERT_EQ(boost::num_vertices(g), 2u);
  EXPECT_EQ(g[0].name, "step0");
  EXPECT_EQ(g[0].action, "step0");  // defaults to the step name
  EXPECT_EQ(g[0].compensation, "undo");
  EXPECT_EQ(g[1].kind, scenario::Step::PIVOT);
  EXPECT_TRUE(boost::edge(0, 1, g).second);
}

TEST(SagaGraph, TiesInTheOrderGoToTheLowerStepIndex) {
  const auto order = topological_order(build_saga_graph(make_saga({{}, {}, {1}, {0}})));
  EXPECT_EQ(order, (std::vector<StepId>{0, 1, 2, 3}));
}

void expect_error(const scenario::Saga& saga, const std::string& fragment) {
  try {
    build_saga_graph(saga);
    ADD_FAILURE() << "no error; expected one mentioning " << fragment;
  } catch (const SagaGraphError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(SagaGraph, RejectsCyclesUnknownStepsSelfLoopsAndDuplicates) {
  expect_error(make_saga({{2}, {0}, {1}}), "cycle");
  expect_error(make_saga({{}, {0}, {1}, {3}}), "'step3' runs after itself");
  auto unknown = make_saga({{}, {0}});
  unknown.mutable_step(1)->add_after("ghost");
  expect_error(unknown, "'step1' runs after 'ghost', which is not a step");
  auto duplicate = make_saga({{}, {}});
  duplicate.mutable_step(1)->set_name("step0");
  expect_error(duplicate, "two steps are named 'step0'");
}

}  // namespace
}  // namespace txsim::saga
