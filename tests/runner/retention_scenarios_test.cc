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

}  // namespace
}  // namespace txsim::runner
