// Retention (scenario protocol.saga_orchestration/saga_choreography.retention_horizon_s) on the
// shipped scenarios
// with faults: forgetting settled sagas and folding their history as they settle changes
// nothing a user reads — same trace hash (retention runs no events), same checks with the same
// examples, same sagas and transactions sections — and a scenario built to fail still fails.
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <string>

#include "core/scenario/loader.h"
#include "plugins/registry.h"
#include "runner/run_scenario.h"

namespace txsim::runner {
namespace {

constexpr const char* kRetention = "protocol.saga_orchestration.retention_horizon_s=3";

report::Report run(const std::string& file, const std::vector<std::string>& overrides = {}) {
  const auto loaded = scenario::load_scenario_file(std::string(TXSIM_SOURCE_DIR) + "/" + file,
                                                   plugins::registry(), overrides);
  return run_scenario(loaded, {});
}

// What differs between two runs of one scenario whatever they do: wall time and how they
// were invoked; and the count of pruned sagas, which is what retention changes.
report::Report conclusions(report::Report r) {
  r.clear_wall_time_s();
  r.clear_overrides();
  r.clear_replay_command();
  r.mutable_sagas()->clear_pruned();
  return r;
}

void expect_same_report_with_and_without_retention(const std::string& file,
                                                    const std::string& retention = kRetention) {
  const report::Report without = run(file);
  const report::Report with = run(file, {retention});
  EXPECT_EQ(without.sagas().pruned(), 0u);
  EXPECT_GT(with.sagas().pruned(), with.sagas().started() / 2)
      << "most sagas settle more than the horizon before the end";
  EXPECT_EQ(with.trace_hash(), without.trace_hash());
  std::string differences;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&differences);
  EXPECT_TRUE(differencer.Compare(conclusions(with), conclusions(without))) << differences;
}

TEST(RetentionScenarios, CrashesPartitionAndDuplicatesConcludeTheSameWithRetention) {
  expect_same_report_with_and_without_retention("scenarios/upload/saga-crash.textproto");
  const report::Report with = run("scenarios/upload/saga-crash.textproto", {kRetention});
  EXPECT_TRUE(with.passed());
  EXPECT_EQ(with.trace_hash(), "eab359940786010b") << "the known hash of saga-crash";
}

TEST(RetentionScenarios, LostWorkWithoutCheckpointsIsStillFoundWithRetention) {
  expect_same_report_with_and_without_retention("scenarios/upload/saga-no-checkpoint.textproto");
  const report::Report with = run("scenarios/upload/saga-no-checkpoint.textproto", {kRetention});
  EXPECT_FALSE(with.passed());
  for (const auto& c : with.checks()) {
    if (c.name() == "no_lost_work" || c.name() == "saga_atomicity") {
      EXPECT_FALSE(c.passed()) << c.name();
      EXPECT_FALSE(c.examples().empty()) << c.name();
    }
  }
}

TEST(RetentionScenarios, DuplicatesWithoutTheBarrierAreStillFoundWithRetention) {
  expect_same_report_with_and_without_retention("scenarios/upload/saga-no-barrier.textproto");
}

// The choreography scenario's `meta` node is down for 2 s, so its saga state must outlive that
// lag: a horizon of 5 s (the refusal's 0.72 s plus the downtime, rounded up generously).
TEST(RetentionScenarios, ChoreographyWithACrashConcludesTheSameWithRetention) {
  expect_same_report_with_and_without_retention(
      "scenarios/upload/choreography.textproto",
      "protocol.saga_choreography.retention_horizon_s=5");
}

// A saga's outcome is durable only once the sync covering its saga-log erasure completes. This
// plan (found by `txsim check` on saga-crash with a 2 s horizon, then shrunk) crashes the
// orchestrator 2 ms after saga 3001 finished, before that sync: the log record comes back and
// the restarted orchestrator re-drives the saga 3.3 s later, past the horizon. Its rows must
// still be there for the re-driven requests; forgetting them when the saga first finished let
// step 2 apply twice (effect_once failed).
TEST(RetentionScenarios, AnOutcomeLostInAnOrchestratorCrashIsNotForgotten) {
  const auto loaded = [](bool retention) {
    std::vector<std::string> overrides = {"stop.arrivals_s=20", "seed=383608494"};
    if (retention) overrides.push_back("protocol.saga_orchestration.retention_horizon_s=2");
    auto out = scenario::load_scenario_file(
        std::string(TXSIM_SOURCE_DIR) + "/scenarios/upload/saga-crash.textproto",
        plugins::registry(), overrides);
    out.scenario.clear_faults();
    auto* crash = out.scenario.mutable_faults()->add_at();
    crash->set_time_s(15.04);
    crash->mutable_crash()->set_node("orchestrator");
    crash->mutable_crash()->set_downtime_s(3.303);
    auto* blip = out.scenario.mutable_faults()->add_at();
    blip->set_time_s(18.343);
    blip->mutable_crash()->set_node("catalog");
    blip->mutable_crash()->set_downtime_s(0.001);
    return out;
  };
  const report::Report without = run_scenario(loaded(false), {});
  const report::Report with = run_scenario(loaded(true), {});
  EXPECT_TRUE(without.passed());
  for (const auto& c : with.checks()) EXPECT_TRUE(c.passed()) << c.name() << ": " << c.summary();
  EXPECT_GT(with.sagas().pruned(), 0u);
  EXPECT_EQ(with.trace_hash(), without.trace_hash());
}

}  // namespace
}  // namespace txsim::runner
