// The upload saga under choreography next to the same workload under orchestration.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>

#include "tests/support/scenario_files.h"

namespace txsim::runner {
namespace {

enum class Protocol { kOrchestration, kChoreography };

struct Outcomes {
  report::Report report;
  std::map<std::uint64_t, saga::SagaOutcome> outcomes;  // every accepted saga
};

// Runs scenarios/upload/saga.textproto with `overrides`; under choreography the broker takes
// the orchestrator's node.
Outcomes run(Protocol protocol, const std::vector<std::string>& overrides) {
  auto loaded = test_support::load_source_scenario("scenarios/upload/saga.textproto", overrides);
  if (protocol == Protocol::kChoreography) {
    loaded.scenario.mutable_protocol()->mutable_saga_choreography()->set_broker_node("orchestrator");
  }
  test_support::SagaScenarioRun run(std::move(loaded));
  Outcomes r;
  run.sagas().fill_report(r.report);
  for (const auto& saga : run.sagas().world().history().history().sagas) r.outcomes[saga.saga_id] = saga.outcome;
  return r;
}

void expect_checks_pass(const report::Report& r) {
  EXPECT_EQ(r.checks_size(), 4);
  for (const auto& c : r.checks()) EXPECT_TRUE(c.passed()) << c.name() << ": " << c.summary();
}

// Why the outcomes must be equal: the arrivals draw each upload's id, kind and length from
// their own streams, whatever the protocol; with moderation off, the business rules left are
// functions of those arguments alone (an ingest service refuses another kind and shorts longer
// than 60 s; publish has no quota; notify never fails), and without faults every saga reaches
// its outcome. So each upload's outcome is decided by its arguments, under either protocol.
// (Probabilistic rules draw from each node's stream in the order its requests come, which the
// two protocols do not share: there only the fractions can agree — see the next test.)
TEST(ChoreographyScenarios, WithoutFaultsOrchestrationAndChoreographyCommitTheSameUploads) {
  const std::vector<std::string> overrides = {
      "stop.arrivals_s=15", "service[description].param[moderation_reject_probability].value=0"};
  const Outcomes orchestrated = run(Protocol::kOrchestration, overrides);
  const Outcomes choreography = run(Protocol::kChoreography, overrides);
  expect_checks_pass(orchestrated.report);
  expect_checks_pass(choreography.report);
  ASSERT_GT(orchestrated.outcomes.size(), 2000u);
  EXPECT_EQ(choreography.outcomes, orchestrated.outcomes);
  // Both outcomes occur: shorts over 60 s are compensated (a quarter of uploads, 15/75 of them).
  EXPECT_GT(choreography.report.sagas().compensated(), 0u);
  EXPECT_GT(choreography.report.sagas().committed(), 0u);
  EXPECT_EQ(choreography.report.sagas().committed(), orchestrated.report.sagas().committed());
}

// With moderation rejecting 2 %, each protocol compensates a fraction of uploads near
// 1 - (1 - 0.25 * 0.2) * (1 - 0.02) = 0.069 (see upload_scenarios_test): both within 4.5 binomial
// standard errors of it.
TEST(ChoreographyScenarios, WithModerationBothProtocolsCompensateTheExpectedFraction) {
  const double expected = 1 - (1 - 0.25 * 0.2) * (1 - 0.02);
  for (const Protocol protocol : {Protocol::kOrchestration, Protocol::kChoreography}) {
    const Outcomes r = run(protocol, {"stop.arrivals_s=15"});
    expect_checks_pass(r.report);
    const auto& s = r.report.sagas();
    const double n = static_cast<double>(s.started());
    EXPECT_EQ(s.committed() + s.compensated(), s.started());
    EXPECT_NEAR(static_cast<double>(s.compensated()) / n, expected,
                4.5 * std::sqrt(expected * (1 - expected) / n));
  }
}

}  // namespace
}  // namespace txsim::runner
