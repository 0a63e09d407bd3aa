// Retention of settled sagas (runner/saga_retention.h): forgetting participant rows after a
// horizon bounds the stores, and changes neither the run nor what the checkers conclude.
#include "runner/saga_retention.h"

#include <gtest/gtest.h>

#include "runner/saga_world.h"
#include "tests/support/chain_world.h"

namespace txsim::runner {
namespace {

SagaWorldConfig chain_world(std::optional<sim::Duration> horizon, double loss, double duplication) {
  test_support::ChainWorldOptions options;
  options.failure_probability.assign(3, 0.1);
  options.loss_probability = loss;
  options.duplication_probability = duplication;
  options.retention_horizon = horizon;
  return test_support::chain_world(test_support::with_quick_retries(options));
}

struct RunResult {
  std::vector<check::CheckResult> checks;
  std::uint64_t committed = 0;
  std::uint64_t compensated = 0;
  std::string trace_hash;
  std::size_t largest_store = 0;  // rows in the fullest participant store at the end
  std::uint64_t forgotten = 0;
  storage::StoreStats storage;
};

RunResult run(std::optional<sim::Duration> horizon, double loss = 0.0, double duplication = 0.0) {
  sim::Simulator simulator(5);
  SagaWorld world(simulator, chain_world(horizon, loss, duplication));
  test_support::submit_one_per_millisecond(simulator, world, 3000);
  simulator.run(sim::Time::zero() + sim::seconds(30));
  RunResult result{world.run_checks(), world.orchestrator().stats().committed,
             world.orchestrator().stats().compensated, simulator.trace_hash().hex(), 0, 0,
             world.network().storage_stats()};
  for (const char* node : {"n1", "n2", "n3"}) {
    result.largest_store = std::max(result.largest_store, world.node(node).store().contents().size());
  }
  if (world.retention() != nullptr) result.forgotten = world.retention()->forgotten();
  return result;
}

void expect_same_conclusions(const RunResult& with, const RunResult& without) {
  EXPECT_EQ(with.trace_hash, without.trace_hash);
  EXPECT_EQ(with.committed, without.committed);
  EXPECT_EQ(with.compensated, without.compensated);
  EXPECT_EQ(with.storage.writes, without.storage.writes) << "forgetting is not a modelled write";
  EXPECT_EQ(with.storage.syncs, without.storage.syncs);
  ASSERT_EQ(with.checks.size(), without.checks.size());
  for (std::size_t i = 0; i < with.checks.size(); ++i) {
    EXPECT_EQ(with.checks[i].name, without.checks[i].name);
    EXPECT_EQ(with.checks[i].violations, without.checks[i].violations) << with.checks[i].name;
    EXPECT_EQ(with.checks[i].summary, without.checks[i].summary) << with.checks[i].name;
  }
}

TEST(SagaRetention, ForgetsSettledRowsWithoutChangingTheRunOrTheChecks) {
  const RunResult without = run(std::nullopt);
  const RunResult with = run(sim::milliseconds(200));
  expect_same_conclusions(with, without);
  // 3000 sagas, one per ms: without retention each participant keeps a barrier record for
  // (nearly) every saga; with a 200 ms horizon only the sagas of the last ~200 ms remain.
  EXPECT_GT(without.largest_store, 2000u);
  EXPECT_LT(with.largest_store, 1000u);
  EXPECT_GT(with.forgotten, 2500u);
}

TEST(SagaRetention, AHorizonBeyondEveryRetryKeepsConclusionsUnderLossAndDuplication) {
  // Timeouts 50 ms, backoff at most 100 ms, 4 attempts: nothing for a finished saga is still in
  // flight a second later.
  const RunResult without = run(std::nullopt, 0.02, 0.02);
  const RunResult with = run(sim::seconds(1), 0.02, 0.02);
  expect_same_conclusions(with, without);
  EXPECT_GT(with.forgotten, 0u);
}

TEST(SagaRetention, CarriesTheEffectVerdictOfAForgottenSaga) {
  // Without faults a committed saga leaves every step's effect and a compensated one none; the
  // verdict read just before forgetting must say exactly that, though the rows are gone.
  sim::Simulator simulator(3);
  SagaWorld world(simulator, chain_world(sim::Duration{}, 0.0, 0.0));
  for (std::uint64_t id = 1; id <= 300; ++id) {
    simulator.schedule_at(sim::Time::zero() + sim::milliseconds(static_cast<std::int64_t>(id)),
                          simulator.register_kind("test.submit"),
                          [](void* w, std::uint64_t saga) {
                            static_cast<SagaWorld*>(w)->orchestrator().submit(0, saga, {});
                          },
                          &world, id);
  }
  simulator.run(sim::Time::zero() + sim::seconds(5));
  std::uint64_t checked = 0;
  for (const auto& saga : world.history().history().sagas) {
    if (!world.retention()->carried_effect(saga.saga_id, 0)) continue;  // the last, not forgotten
    ++checked;
    const bool committed = saga.outcome == saga::SagaOutcome::kCommitted;
    ASSERT_TRUE(committed || saga.outcome == saga::SagaOutcome::kCompensated);
    for (std::uint32_t step = 0; step < 3; ++step) {
      EXPECT_EQ(world.retention()->carried_effect(saga.saga_id, step), committed)
          << "saga " << saga.saga_id << " step " << step;
    }
    EXPECT_FALSE(world.node("n1").store().get("b/" + std::to_string(saga.saga_id) + "/0/a"))
        << "the barrier record of a forgotten saga is gone";
  }
  EXPECT_EQ(checked, world.retention()->forgotten());
  EXPECT_GT(checked, 290u);
  for (const auto& c : world.run_checks()) EXPECT_TRUE(c.passed()) << c.name << ": " << c.summary;
}

TEST(SagaRetention, NegativeHorizonIsRejected) {
  EXPECT_THROW(SagaRetention(sim::nanoseconds(-1), {}, nullptr, false), std::invalid_argument);
}

}  // namespace
}  // namespace txsim::runner
