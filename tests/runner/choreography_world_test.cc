// Saga choreography end to end (SagaWorld with a broker and no orchestrator): services react to
// each other's events; the checkers judge the participants' actual stores.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "runner/saga_world.h"
#include "tests/support/chain_world.h"

namespace txsim::runner {
namespace {

using test_support::crash_at;

using Options = test_support::ChainWorldOptions;  // failure probabilities first

SagaWorldConfig world_config(Options options) {
  options.choreography = true;
  return test_support::chain_world(options);
}

struct Outcome {
  std::vector<check::CheckResult> checks;
  saga::OrchestratorStats stats;
  saga::SagaHistory history;
};

// Submits `sagas` sagas, one per millisecond, after `faults` are scheduled; runs 60 s.
template <typename Faults>
Outcome run(const Options& options, int sagas, Faults faults) {
  sim::Simulator simulator(7);
  SagaWorld world(simulator, world_config(options));
  world.start();
  test_support::submit_one_per_millisecond(simulator, world, sagas);
  faults(simulator, world);
  simulator.run(sim::Time::zero() + sim::seconds(60));
  EXPECT_EQ(world.in_flight(), 0u);
  auto checks = world.run_checks();
  return {std::move(checks), world.saga_stats(), world.history().history()};
}

void expect_all_pass(const Outcome& o) {
  for (const auto& c : o.checks) EXPECT_TRUE(c.passed()) << c.name << ": " << c.summary;
}

// Position in the history of each applied compensation, by (saga, step).
std::map<std::pair<std::uint64_t, std::uint32_t>, std::size_t> compensations(const saga::SagaHistory& h) {
  std::map<std::pair<std::uint64_t, std::uint32_t>, std::size_t> at;
  for (std::size_t i = 0; i < h.ops.size(); ++i) {
    const auto& op = h.ops[i];
    if (op.type == saga::OpType::kCompensation && op.result == saga::OpResult::kApplied) {
      at.emplace(std::pair{op.saga_id, op.step}, i);
    }
  }
  return at;
}

TEST(ChoreographyWorld, EverySagaCommitsWithoutFailures) {
  const auto o = run({{0, 0, 0}}, 50, [](auto&, auto&) {});
  expect_all_pass(o);
  EXPECT_EQ(o.stats.started, 50u);
  EXPECT_EQ(o.stats.committed, 50u);
  EXPECT_EQ(o.stats.committed_latency_ns.count(), 50u);
  for (const auto& steps : o.stats.steps) {
    for (const auto& step : steps) EXPECT_EQ(step.attempts, 50u);
  }
}

TEST(ChoreographyWorld, AFailureAtTheLastStepCompensatesTheOthersInReverseOrder) {
  const auto o = run({{0, 0, 1}}, 20, [](auto&, auto&) {});
  expect_all_pass(o);
  EXPECT_EQ(o.stats.compensated, 20u);
  const auto at = compensations(o.history);
  for (std::uint64_t saga = 1; saga <= 20; ++saga) {
    ASSERT_TRUE(at.count({saga, 0}) && at.count({saga, 1})) << "saga " << saga;
    EXPECT_LT(at.at({saga, 1}), at.at({saga, 0})) << "saga " << saga;
    EXPECT_FALSE(at.count({saga, 2})) << "the refused pivot has nothing to undo";
  }
}

TEST(ChoreographyWorld, AFailedJoinStepUndoesBothParallelBranches) {
  Options options{{0, 0, 1}};
  options.join = true;
  const auto o = run(options, 20, [](auto&, auto&) {});
  expect_all_pass(o);
  EXPECT_EQ(o.stats.compensated, 20u);
  EXPECT_EQ(compensations(o.history).size(), 40u);
  // The join started only after both branches: every saga ran the pivot once.
  EXPECT_EQ(o.stats.steps[0][2].attempts, 20u);
}

TEST(ChoreographyWorld, ServiceAndBrokerCrashesWithDuplicatesAndLossLoseNothing) {
  Options options{{0.05, 0.05, 0.05}};
  options.duplication_probability = 0.05;
  options.loss_probability = 0.01;
  const auto o = run(options, 3000, [](sim::Simulator& s, SagaWorld& w) {
    crash_at(s, w.node("n2"), sim::Time::zero() + sim::milliseconds(1000), sim::milliseconds(700));
    crash_at(s, w.node("broker"), sim::Time::zero() + sim::milliseconds(2000), sim::milliseconds(300));
  });
  expect_all_pass(o);
  EXPECT_EQ(o.stats.committed + o.stats.compensated, o.stats.started);
  EXPECT_GT(o.stats.compensated, 0u);
  // The entry service's node n1 never crashes, so no submission is refused.
  EXPECT_EQ(o.stats.rejected, 0u);
}

}  // namespace
}  // namespace txsim::runner
