// The upload saga (scenarios/upload/saga.textproto) under random fault plans: with checkpoints
// and the sub-transaction barrier on, its invariants hold whatever the plan, as long as every
// fault heals (every generated fault has a finite duration). Written with the public API only.
//
// Two-phase commit and CQRS properties: protocol_properties_test.cc.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>

#include "txsim/testing.h"

namespace {

// One second of uploads (about 200 sagas) and a short drain keep each run in milliseconds.
const txsim::Scenario& upload_saga() {
  static const txsim::Scenario scenario = txsim::Scenario::load(
      std::string(TXSIM_SOURCE_DIR) + "/scenarios/upload/saga.textproto",
      {"stop.arrivals_s=1", "stop.drain_s=20"});
  return scenario;
}

// Runs the scenario under a generated plan and seed, and fails the property with the check's
// witness when `check` fails.
void assert_holds(const std::string& check) {
  const txsim::FaultPlan plan = *txsim::gen::fault_plan(upload_saga().budget(3));
  const auto seed = *rc::gen::inRange<std::uint64_t>(1, 1'000'000);
  const txsim::RunResult result = txsim::run(upload_saga(), plan, seed);
  RC_ASSERT(result.has_check(check));
  const txsim::CheckOutcome outcome = result.check(check);
  if (!outcome.passed) {
    RC_FAIL(check + " failed with seed " + std::to_string(seed) + ": " + outcome.summary +
            "; witness " + outcome.witness);
  }
}

// Every upload saga ends with all of its effects present or all of them undone.
RC_GTEST_PROP(UploadSagaProperty, AtomicUnderRandomFaultPlans, ()) { assert_holds("saga_atomicity"); }

// Every accepted upload reaches a terminal state: no orchestrator crash forgets one.
RC_GTEST_PROP(UploadSagaProperty, NoLostWorkUnderRandomFaultPlans, ()) {
  assert_holds("no_lost_work");
}

// No action or compensation takes effect twice, even when messages are duplicated.
RC_GTEST_PROP(UploadSagaProperty, EffectOnceUnderRandomFaultPlans, ()) {
  assert_holds("effect_once");
}

// A random valid saga DAG over generic participants, with checkpoints and barriers, keeps all
// four saga checks under a random fault plan.
RC_GTEST_PROP(GeneratedSagaProperty, ChecksHoldForRandomSagasUnderRandomFaultPlans, ()) {
  const txsim::SagaSpec saga = *txsim::gen::saga();
  const txsim::Workload workload = *txsim::gen::workload(100, 50);
  const txsim::Scenario scenario = txsim::Scenario::parse(txsim::scenario_text(saga, workload));
  const txsim::FaultPlan plan = *txsim::gen::fault_plan(scenario.budget(2));
  const txsim::RunResult result = txsim::run(scenario, plan);
  RC_ASSERT(result.checks.size() == 4u);
  if (const auto failure = result.first_failure()) {
    RC_FAIL(failure->name + ": " + failure->summary + "; witness " + failure->witness);
  }
}

// Every generated plan stays within its budget: count, start window, durations and nodes.
RC_GTEST_PROP(FaultPlanGenerator, StaysWithinBudget, ()) {
  txsim::FaultBudget budget;
  budget.max_faults = *rc::gen::inRange(0, 6);
  budget.nodes = {"a", "b", "c"};
  budget.horizon_s = 2.5;
  budget.max_duration_s = 0.75;
  const txsim::FaultPlan plan = *txsim::gen::fault_plan(budget);
  RC_ASSERT(plan.faults.size() <= static_cast<std::size_t>(budget.max_faults));
  for (const auto& f : plan.faults) {
    RC_ASSERT(f.start_s >= 0.0);
    RC_ASSERT(f.start_s < budget.horizon_s);
    RC_ASSERT(f.duration_s > 0.0);
    RC_ASSERT(f.duration_s <= budget.max_duration_s);
    for (const auto& name : f.side_a) RC_ASSERT(name == "a" || name == "b" || name == "c");
    if (f.kind == txsim::FaultKind::kLoss || f.kind == txsim::FaultKind::kDuplication) {
      RC_ASSERT(f.probability > 0.0);
      RC_ASSERT(f.probability <= 1.0);
    }
  }
}

// Every generated saga follows Richardson's kind order, so the scenario validator accepts it.
RC_GTEST_PROP(SagaGenerator, GeneratesValidSagas, ()) {
  const txsim::SagaSpec saga = *txsim::gen::saga(6, 3);
  RC_ASSERT(!saga.steps.empty());
  for (std::size_t i = 0; i < saga.steps.size(); ++i) {
    for (const int j : saga.steps[i].after) RC_ASSERT(j >= 0 && static_cast<std::size_t>(j) < i);
  }
  // Throws ScenarioError (failing the property) on an invalid saga.
  txsim::Scenario::parse(txsim::scenario_text(saga, txsim::Workload{10, 5}));
}

// A plan's shrinks make it simpler: RapidCheck's counterexample for "no plan contains a crash"
// is a single crash at 0 s lasting 1 ms.
TEST(FaultPlanGenerator, ShrinksToASingleEarlyShortFault) {
  txsim::FaultBudget budget;
  budget.max_faults = 5;
  budget.nodes = {"a", "b"};
  budget.kinds = {txsim::FaultKind::kCrash, txsim::FaultKind::kLoss};
  txsim::FaultPlan smallest;
  rc::detail::TestParams params;
  params.seed = 20261129;
  const auto result = rc::detail::checkTestable([&] {
    const txsim::FaultPlan plan = *txsim::gen::fault_plan(budget);
    for (const auto& f : plan.faults) {
      if (f.kind == txsim::FaultKind::kCrash) {
        smallest = plan;
        RC_FAIL("has a crash");
      }
    }
  }, rc::detail::TestMetadata{}, params);
  rc::detail::FailureResult failure;
  ASSERT_TRUE(result.match(failure));
  // The last failing value RapidCheck evaluated is the shrunk counterexample.
  ASSERT_EQ(smallest.faults.size(), 1u);
  EXPECT_EQ(smallest.faults[0].kind, txsim::FaultKind::kCrash);
  EXPECT_EQ(smallest.faults[0].start_s, 0.0);
  EXPECT_EQ(smallest.faults[0].duration_s, 0.001);
  EXPECT_EQ(smallest.faults[0].node, "a");
}

}  // namespace
