// Properties of the whole saga runtime over random saga graphs and random fault plans.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "core/fault/fault_injector.h"
#include "plugins/generic/step_service.h"
#include "runner/saga_world.h"
#include "tests/core/txn/saga_test_support.h"

namespace txsim::runner {
namespace {

constexpr int kSagas = 150;

struct Plan {
  std::uint64_t seed;
  bool checkpoint;
};

SagaWorldConfig random_world(sim::Rng& rng, bool checkpoint) {
  SagaWorldConfig config;
  config.network.default_latency = net::LatencyModel::exponential(1.0);
  config.network.loss_probability = 0.03 * rng.next_double();
  config.network.duplication_probability = 0.1 * rng.next_double();
  config.network.reorder_probability = 0.2 * rng.next_double();
  config.orchestrator_node = "orchestrator";
  config.nodes.push_back({"orchestrator", "z", "r", {}});
  saga::SagaDefinition definition = saga::testing::random_saga(rng);
  definition.checkpoint = checkpoint;
  for (std::size_t i = 0; i < definition.steps.size(); ++i) {
    auto& step = definition.steps[i];
    const std::string node = "node-" + std::to_string(i);
    config.nodes.push_back({node, "z", "r", {}});
    // Retriable steps must eventually succeed: their services never refuse by a business rule.
    const double refusal = step.kind == saga::StepKind::kRetriable ? 0.0 : 0.1;
    config.services.push_back(
        {step.service, node, std::make_unique<plugins::generic::StepService>(refusal), {true, 1.0}});
    step.timeout = sim::milliseconds(30);
  }
  config.sagas.push_back(std::move(definition));
  return config;
}

struct Outcome {
  std::vector<check::CheckResult> checks;
  std::uint64_t crashes;
};

// Runs kSagas sagas over one simulated second under a random fault plan: crashes of the
// orchestrator and of participants (each restarting after a random downtime), partitions, loss.
Outcome run(std::uint64_t seed, bool checkpoint) {
  sim::Rng plan(seed);
  sim::Simulator simulator(seed);
  SagaWorld world(simulator, random_world(plan, checkpoint));
  fault::FaultInjector faults(simulator, world.network());
  const auto nodes = static_cast<std::uint32_t>(world.network().size());
  const auto faults_count = plan.below(6);
  for (std::uint64_t i = 0; i < faults_count; ++i) {
    const sim::Time at = sim::Time::zero() + sim::milliseconds(static_cast<std::int64_t>(plan.below(1200)));
    const sim::Duration length = sim::milliseconds(1 + static_cast<std::int64_t>(plan.below(800)));
    const auto node = static_cast<net::NodeId>(plan.below(nodes));
    if (plan.below(3) == 0) {
      faults.schedule({at, fault::PartitionFault{{node}, faults.all_except({node}), net::PartitionMode::kSymmetric}, length});
    } else {
      faults.schedule({at, fault::CrashFault{node}, length});
    }
  }
  struct Submitter {
    SagaWorld* world;
    static void fire(void* self, std::uint64_t id) {
      static_cast<Submitter*>(self)->world->orchestrator().submit(0, id, {});
    }
  } submitter{&world};
  const std::uint32_t kind = simulator.register_kind("test.submit");
  for (int i = 0; i < kSagas; ++i) {
    simulator.schedule_at(sim::Time::zero() + sim::microseconds(i * 1000000 / kSagas), kind,
                          &Submitter::fire, &submitter, static_cast<std::uint64_t>(i + 1));
  }
  // Every fault heals by 2 s; the saga deadline is 5 s, so by 60 s every saga has settled.
  simulator.run(sim::Time::zero() + sim::seconds(60));
  return {world.run_checks(), faults.stats().crashes};
}

// With checkpoints and the barrier on, every saga ends all-done or all-undone, none is lost, no
// effect is applied twice and compensations run in reverse order, under any fault plan that
// heals.
RC_GTEST_PROP(SagaWorldProperty, ChecksHoldUnderRandomFaultPlans, (std::uint64_t seed)) {
  const Outcome outcome = run(seed, true);
  for (const auto& check : outcome.checks) {
    if (check.passed()) continue;
    const auto& e = check.examples.front();
    RC_FAIL(check.name + ": " + check.summary + "; e.g. " + e.subject + " at " +
            std::to_string(e.at.ns()) + " ns: " + e.detail);
  }
}

// Without checkpoints, random fault plans find lost work: the search below is what
// `txsim check` automates.
TEST(SagaWorldSearch, WithoutCheckpointsAFaultPlanThatLosesWorkIsFound) {
  std::uint64_t tried = 0;
  bool found = false;
  for (std::uint64_t seed = 1; seed <= 200 && !found; ++seed, ++tried) {
    const Outcome outcome = run(seed, false);
    for (const auto& check : outcome.checks) {
      if (check.name == "no_lost_work" && !check.passed()) found = true;
    }
  }
  EXPECT_TRUE(found) << "no lost work in " << tried << " random fault plans";
  RecordProperty("plans_tried", static_cast<int>(tried));
}

}  // namespace
}  // namespace txsim::runner
