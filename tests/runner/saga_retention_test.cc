// Retention of settled sagas (runner/saga_retention.h): forgetting participant rows after a
// horizon bounds the stores, and changes neither the run nor what the checkers conclude.
#include "runner/saga_retention.h"

#include <gtest/gtest.h>

#include "plugins/generic/step_service.h"
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

TEST(SagaRetention, FoldsEachForgottenSagaAndDropsItsRecords) {
  // Each saga is folded into the check summaries just before its rows are forgotten, and its
  // history records go with them: what stays held is the sagas not yet forgotten.
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
  ASSERT_TRUE(world.history().holding_per_saga());
  EXPECT_TRUE(world.history().history().sagas.empty());
  EXPECT_TRUE(world.history().history().ops.empty());
  EXPECT_EQ(world.folded(), world.retention()->forgotten());
  EXPECT_GT(world.folded(), 290u);
  EXPECT_EQ(world.history().held().size(), 300 - world.folded());
  std::size_t held_with_record = 0;
  for (std::uint64_t id = 1; id <= 300; ++id) {
    const bool has_record = world.node("n1").store().get("b/" + std::to_string(id) + "/0").has_value();
    if (world.history().held().count(id) != 0) {
      held_with_record += has_record ? 1 : 0;
      continue;
    }
    EXPECT_FALSE(has_record) << "the barrier record of forgotten saga " << id << " is gone";
  }
  // The key is the participant's: sagas still held (settled within the horizon) keep theirs.
  ASSERT_FALSE(world.history().held().empty());
  EXPECT_GT(held_with_record, 0u);
  for (const auto& c : world.run_checks()) EXPECT_TRUE(c.passed()) << c.name << ": " << c.summary;
  const SagaTally& tally = world.tally();
  EXPECT_EQ(tally.accepted, 300u);
  EXPECT_EQ(tally.committed, world.orchestrator().stats().committed);
  EXPECT_EQ(tally.compensated, world.orchestrator().stats().compensated);
}

// A compensation that forgets to undo its action: every compensated saga keeps step 1's effect
// without step 2's, a partial saga that saga_atomicity must report.
class LeakyCompensation : public plugins::generic::StepService {
 public:
  LeakyCompensation() : StepService(0.0) {}
  void apply_compensation(storage::DurableStore&, const saga::StepRequest&) override {}
};

std::uint64_t atomicity_violations(bool fold_settled_history) {
  test_support::ChainWorldOptions options;
  options.failure_probability = {0.0, 1.0, 0.0};  // step 2 always refuses: step 1 is compensated
  options.retention_horizon = sim::milliseconds(100);
  SagaWorldConfig config = test_support::chain_world(test_support::with_quick_retries(options));
  config.services.at(0).service = std::make_unique<LeakyCompensation>();
  config.fold_settled_history = fold_settled_history;
  sim::Simulator simulator(11);
  SagaWorld world(simulator, std::move(config));
  test_support::submit_one_per_millisecond(simulator, world, 400);
  simulator.run(sim::Time::zero() + sim::seconds(5));
  EXPECT_GT(world.retention()->forgotten(), 250u) << "sagas settled 100 ms before the last";
  for (const auto& c : world.run_checks()) {
    if (c.name == "saga_atomicity") return c.violations;
  }
  ADD_FAILURE() << "no saga_atomicity check";
  return 0;
}

// Keeping the whole history for a view (fold_settled_history = false) folds it at the end, after
// the forgotten sagas' rows are pruned: their effects must be the ones read before pruning, so a
// partial saga is reported whether or not a view was asked for.
TEST(SagaRetention, PartialSagasAreReportedWhetherOrNotTheWholeHistoryIsKept) {
  const std::uint64_t folded = atomicity_violations(true);
  EXPECT_EQ(folded, 400u) << "every saga is left with step 1's effect alone";
  EXPECT_EQ(atomicity_violations(false), folded);
}

TEST(SagaRetention, NegativeHorizonIsRejected) {
  EXPECT_THROW(SagaRetention(sim::nanoseconds(-1), {}, nullptr), std::invalid_argument);
}

}  // namespace
}  // namespace txsim::runner
