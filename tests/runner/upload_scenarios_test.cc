// The shipped saga scenarios, run as a user runs them, with their key figures checked against
// what each scenario's header says it shows.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "core/scenario/loader.h"
#include "plugins/registry.h"
#include "runner/run_scenario.h"
#include "tests/support/scenario_files.h"

namespace txsim::runner {
namespace {

using test_support::run_source_scenario;

const report::CheckResult& check(const report::Report& r, const std::string& name) {
  for (const auto& c : r.checks()) {
    if (c.name() == name) return c;
  }
  throw std::logic_error("report has no check " + name);
}

// Binomial standard error of a fraction p estimated from n trials.
double standard_error(double p, double n) { return std::sqrt(p * (1 - p) / n); }

TEST(UploadScenarios, SagaWithoutFaultsCompensatesOnlyBusinessRejections) {
  const auto r = run_source_scenario("scenarios/upload/saga.textproto");
  EXPECT_TRUE(r.passed());
  const auto& s = r.sagas();
  EXPECT_EQ(s.committed() + s.compensated(), s.started());
  EXPECT_EQ(s.stuck(), 0u);
  // A saga compensates when ingest rejects a shorts upload longer than 60 s (shorts are 25 % of
  // uploads and their length is uniform in 1..75 s, so 15/75 of them) or moderation rejects the
  // description (2 %): 1 - (1 - 0.25 * 0.2) * (1 - 0.02) = 0.069.
  const double expected = 1 - (1 - 0.25 * 0.2) * (1 - 0.02);
  const double n = static_cast<double>(s.started());
  EXPECT_NEAR(static_cast<double>(s.compensated()) / n, expected, 4 * standard_error(expected, n));
}

TEST(UploadScenarios, CrashesAndPartitionLoseNothingWithCheckpoints) {
  const auto r = run_source_scenario("scenarios/upload/saga-crash.textproto");
  for (const auto& c : r.checks()) EXPECT_TRUE(c.passed()) << c.name() << ": " << c.summary();
  EXPECT_EQ(r.fault_counts().crashes(), 2u);
  EXPECT_EQ(r.fault_counts().partitions(), 1u);
  EXPECT_GT(r.sagas().recovered(), 0u) << "the crashes must catch sagas in flight";
  EXPECT_GT(r.sagas().rejected(), 0u) << "uploads during the downtime are refused";
  EXPECT_GT(r.network().messages_duplicated(), 0u);
  EXPECT_EQ(r.sagas().unfinished(), 0u);
}

TEST(UploadScenarios, WithoutCheckpointsCrashesLoseWork) {
  const auto r = run_source_scenario("scenarios/upload/saga-no-checkpoint.textproto");
  EXPECT_FALSE(r.passed());
  EXPECT_FALSE(check(r, "no_lost_work").passed());
  EXPECT_FALSE(check(r, "saga_atomicity").passed());
  EXPECT_EQ(r.sagas().recovered(), 0u);
  EXPECT_GT(r.sagas().unfinished(), 0u);
}

TEST(UploadScenarios, WithoutTheBarrierDuplicatesApplyTwice) {
  const auto off = run_source_scenario("scenarios/upload/saga-no-barrier.textproto");
  EXPECT_FALSE(check(off, "effect_once").passed());
  const auto on = run_source_scenario("scenarios/upload/saga-no-barrier.textproto",
                      {"service[ingest-video].param[barrier].value=true",
                       "service[description].param[barrier].value=true",
                       "service[publish].param[barrier].value=true"});
  EXPECT_TRUE(check(on, "effect_once").passed()) << check(on, "effect_once").summary();
  EXPECT_TRUE(check(on, "saga_atomicity").passed()) << check(on, "saga_atomicity").summary();
}

TEST(UploadScenarios, SameSeedSameTraceHash) {
  const std::string file = "scenarios/upload/saga-crash.textproto";
  const auto a = run_source_scenario(file, {"stop.arrivals_s=30"});
  const auto b = run_source_scenario(file, {"stop.arrivals_s=30"});
  const auto c = run_source_scenario(file, {"stop.arrivals_s=30", "seed=43"});
  EXPECT_EQ(a.trace_hash(), b.trace_hash());
  EXPECT_EQ(a.events_processed(), b.events_processed());
  EXPECT_NE(a.trace_hash(), c.trace_hash());
}

// The header of choreography.textproto: the meta node crashes for 2 s at 20 s and the network
// duplicates 1 % of messages (and loses 0.1 %); every accepted upload still ends published or
// compensated, no effect applies twice, compensations run in reverse order.
TEST(UploadScenarios, ChoreographyPassesEveryCheckThroughACrashAndDuplicates) {
  const auto r = run_source_scenario("scenarios/upload/choreography.textproto", {"workload.uploads.count=6000"});
  EXPECT_TRUE(r.passed());
  ASSERT_EQ(r.checks_size(), 4);
  for (const auto& c : r.checks()) EXPECT_TRUE(c.passed()) << c.name() << ": " << c.summary();
  EXPECT_EQ(r.fault_counts().crashes(), 1u);
  EXPECT_GT(r.network().messages_duplicated(), 0u);
  const auto& s = r.sagas();
  EXPECT_EQ(s.started(), 6000u);
  EXPECT_EQ(s.committed() + s.compensated(), s.started());
  EXPECT_EQ(s.stuck(), 0u);
  // Only moderation rejects (2 %): video uploads pass ingest, publish has no quota.
  const double n = static_cast<double>(s.started());
  EXPECT_NEAR(static_cast<double>(s.compensated()) / n, 0.02, 4.5 * standard_error(0.02, n));
  EXPECT_GT(s.latency_ms().p50(), 0.0);
}

// W1a with 20,000 sagas (the shipped file has 200,000; the benchmark runs those).
TEST(W1Scenario, CommittedFractionAndLatencyMatchTheWorkloadDefinition) {
  const auto r = run_source_scenario("scenarios/bench/w1a.textproto", {"workload.saga_arrivals[0].count=20000"});
  const auto& s = r.sagas();
  ASSERT_EQ(s.started(), 20000u);
  EXPECT_EQ(s.committed() + s.compensated(), s.started());
  // Five independent steps that each fail with p = 0.05: 0.95^5 commit.
  const double expected = std::pow(0.95, 5);
  EXPECT_NEAR(static_cast<double>(s.committed()) / 20000.0, expected,
              3 * standard_error(expected, 20000));
  // 5 x (1 ms + exponential service with mean 2 ms + 1 ms) = 20 ms; the latency's standard
  // deviation is sqrt(5) * 2 ms = 4.5 ms, so the mean of ~15,500 sagas has a standard error of
  // 0.036 ms: 1 % (0.2 ms) is more than 5 standard errors.
  EXPECT_NEAR(s.latency_ms().mean(), 20.0, 0.2);
  // Each committed saga: 5 requests and 5 replies.
  EXPECT_GE(r.network().messages_sent(), 10 * s.committed());
}

}  // namespace
}  // namespace txsim::runner

namespace txsim::runner {
namespace {

constexpr const char* kPermanentCrash = R"(
name: "orchestrator-never-returns"
stop { drain_s: 5 }
topology { node { name: "orchestrator" } node { name: "media" } }
service { name: "ingest-video"  type: "upload.ingest"  node: "media" }
saga {
  name: "upload-video"
  step { name: "ingest"  service: "ingest-video"  kind: PIVOT }
}
workload { uploads { rate_per_s: 100  count: 200  kind_mix { video: 1 } } }
faults { at { time_s: 0.5  crash { node: "orchestrator" } } }
)";

// A crash without a restart leaves sagas unfinished: the run still ends, the drain limit after
// the last arrival, and the lost work is reported.
TEST(SagaRunStop, OrchestratorThatNeverRestartsEndsAtTheDrainLimit) {
  const auto loaded = scenario::parse_scenario(kPermanentCrash, "inline.textproto", plugins::registry());
  const auto r = run_scenario(loaded, {});
  // 200 arrivals at 100/s end near 2 s; the drain adds 5 s.
  EXPECT_LT(r.sim_time_ns(), sim::seconds(10).ns());
  EXPECT_GT(r.sagas().rejected(), 0u);
  EXPECT_FALSE(r.passed());
}

TEST(SagaRunStop, ArrivalsWithoutAnEndAreRefusedAtLoad) {
  std::string text = kPermanentCrash;
  text.erase(text.find("count: 200"), std::string("count: 200").size());  // no count, no end
  try {
    scenario::parse_scenario(text, "inline.textproto", plugins::registry());
    FAIL() << "an endless workload must be refused";
  } catch (const scenario::ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("workload.uploads.count: is unset and stop.arrivals_s is 0"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace txsim::runner
