// `--set path=value`: scalar fields set by path through protobuf reflection, elements chosen by
// index or name, and every mistake reported with the path and what was expected.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/scenario/override.h"
#include "tests/core/scenario/scenario_test_util.h"

namespace txsim::scenario::testing {
namespace {

using ::testing::HasSubstr;

Scenario valid_saga() {
  static const TestCatalog catalog;
  return parse_scenario(kValidSaga, "test.textproto", catalog).scenario;
}

// The message of the one diagnostic apply_override throws for `assignment`.
Diagnostic override_error(const std::string& assignment) {
  Scenario s = valid_saga();
  try {
    apply_override(s, assignment);
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.diagnostics().size(), 1u);
    return e.diagnostics().front();
  }
  ADD_FAILURE() << "expected --set " << assignment << " to fail";
  return {};
}

TEST(ScenarioOverride, SetsNestedScalarAndCreatesMissingMessages) {
  Scenario s = valid_saga();
  EXPECT_FALSE(s.faults().has_random());
  EXPECT_EQ(apply_override(s, "faults.random.message_loss_probability=0.25"),
            "faults.random.message_loss_probability");
  EXPECT_EQ(s.faults().random().message_loss_probability(), 0.25);
}

TEST(ScenarioOverride, RefusesToSwitchTheProtocolTheFileChose) {
  Scenario s = valid_saga();
  apply_override(s, "protocol.two_phase_commit.coordinator_node=n1");  // the file chose none
  ASSERT_TRUE(s.protocol().has_two_phase_commit());
  try {
    apply_override(s, "protocol.saga_orchestration.retention_horizon_s=5");
    ADD_FAILURE() << "a --set on another protocol must be refused";
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].field, "protocol.saga_orchestration");
    EXPECT_THAT(e.diagnostics()[0].message, HasSubstr("sets protocol.two_phase_commit"));
    EXPECT_THAT(e.diagnostics()[0].message,
                HasSubstr("saga_orchestration, saga_choreography, two_phase_commit"));
  }
  EXPECT_TRUE(s.protocol().has_two_phase_commit());  // left as the file (and first --set) chose
  apply_override(s, "protocol.two_phase_commit.coordinator_node=n2");  // same member: fine
  EXPECT_EQ(s.protocol().two_phase_commit().coordinator_node(), "n2");
}

TEST(ScenarioOverride, SetsOptionalIntegerField) {
  Scenario s = valid_saga();
  apply_override(s, "workload.uploads.count=5000");
  EXPECT_TRUE(s.workload().uploads().has_count());
  EXPECT_EQ(s.workload().uploads().count(), 5000u);
}

TEST(ScenarioOverride, SelectsElementByNameAndSetsEnum) {
  Scenario s = valid_saga();
  EXPECT_EQ(apply_override(s, "saga[upload-video].checkpoint=NONE"), "saga[0].checkpoint");
  EXPECT_EQ(s.saga(0).checkpoint(), Saga::NONE);
}

TEST(ScenarioOverride, SelectsNestedElementsByNameAndIndex) {
  Scenario s = valid_saga();
  EXPECT_EQ(apply_override(s, "saga[0].step[b].retry.attempts_max=7"),
            "saga[0].step[1].retry.attempts_max");
  EXPECT_EQ(s.saga(0).step(1).retry().attempts_max(), 7u);
}

TEST(ScenarioOverride, SelectsParamByKey) {
  static const TestCatalog catalog;
  const std::string text = replace(kValidSaga, "node: \"n1\" }",
                                   "node: \"n1\" param { key: \"mode\" value: \"fast\" } }");
  const auto loaded =
      parse_scenario(text, "test.textproto", catalog, {"service[s1].param[mode].value=slow"});
  EXPECT_EQ(loaded.scenario.service(0).param(0).value(), "slow");
  EXPECT_EQ(loaded.overridden.front(), "service[0].param[0].value");
}

TEST(ScenarioOverride, AppendsAndReplacesRepeatedScalars) {
  Scenario s = valid_saga();
  EXPECT_EQ(apply_override(s, "saga[0].step[c].after[+]=a"), "saga[0].step[2].after[1]");
  apply_override(s, "saga[0].step[c].after[0]=a");
  ASSERT_EQ(s.saga(0).step(2).after_size(), 2);
  EXPECT_EQ(s.saga(0).step(2).after(0), "a");
}

TEST(ScenarioOverride, UnknownFieldListsTheFieldsThatExist) {
  const Diagnostic d = override_error("workload.upload.count=5");
  EXPECT_EQ(d.field, "workload.upload");
  EXPECT_THAT(d.message, HasSubstr("'upload' is not a field of workload"));
  EXPECT_THAT(d.message, HasSubstr("uploads"));
  EXPECT_THAT(d.file, HasSubstr("--set workload.upload.count=5"));
}

TEST(ScenarioOverride, MessageFieldNeedsAScalarInside) {
  const Diagnostic d = override_error("workload.uploads=5000");
  EXPECT_THAT(d.message, HasSubstr("is a message; expected a path to a scalar field"));
  EXPECT_THAT(d.message, HasSubstr("count"));
}

TEST(ScenarioOverride, WrongValueTypeSaysWhatWasExpected) {
  EXPECT_THAT(override_error("workload.uploads.count=many").message,
              HasSubstr("'many' is not a non-negative 64-bit integer"));
  EXPECT_THAT(override_error("workload.uploads.count=-1").message,
              HasSubstr("not a non-negative 64-bit integer"));
  EXPECT_THAT(override_error("saga[0].checkpoint=SOMETIMES").message,
              HasSubstr("not one of EVERY_STAGE, NONE"));
  EXPECT_THAT(override_error("report.examples_max=1.5").message, HasSubstr("not a"));
  EXPECT_THAT(override_error("stop.drain_s=inf").message, HasSubstr("not a finite number"));
}

TEST(ScenarioOverride, UnknownElementNameListsTheNames) {
  const Diagnostic d = override_error("saga[upload-live].checkpoint=NONE");
  EXPECT_EQ(d.field, "saga[upload-live]");
  EXPECT_THAT(d.message, HasSubstr("no element with name 'upload-live'; expected one of "
                                   "'upload-video'"));
}

TEST(ScenarioOverride, IndexOutOfRangeSaysTheSize) {
  EXPECT_THAT(override_error("saga[3].checkpoint=NONE").message,
              HasSubstr("out of range; the list has 1 element(s)"));
}

TEST(ScenarioOverride, ListWithoutIndexAndScalarWithIndexAreRejected) {
  EXPECT_THAT(override_error("saga.checkpoint=NONE").message, HasSubstr("is a list"));
  EXPECT_THAT(override_error("stop[0].drain_s=1").message, HasSubstr("is not a list"));
  EXPECT_THAT(override_error("name.x=1").message, HasSubstr("is a scalar"));
}

TEST(ScenarioOverride, MalformedAssignmentsAreRejected) {
  EXPECT_THAT(override_error("workload.uploads.count").message, HasSubstr("expected path=value"));
  EXPECT_THAT(override_error("=5").message, HasSubstr("expected path=value"));
  EXPECT_THAT(override_error("saga[0.checkpoint=NONE").message, HasSubstr("'[' without ']'"));
  EXPECT_THAT(override_error("stop..drain_s=1").message, HasSubstr("expected a field name"));
}

TEST(ScenarioOverride, OverriddenValueIsValidatedAndMarked) {
  const Diagnostic d = only_diagnostic(kValidSaga, {"faults.random.message_loss_probability=2"});
  EXPECT_EQ(d.field, "faults.random.message_loss_probability");
  EXPECT_EQ(d.line, 0);
  EXPECT_THAT(d.message, HasSubstr("(value from --set)"));
}

TEST(ScenarioOverride, OverrideCanRepairAnInvalidFile) {
  const std::string text = replace(kValidSaga, "rate_per_s: 10", "rate_per_s: 0");
  EXPECT_EQ(diagnostics_of(text).size(), 1u);
  EXPECT_TRUE(diagnostics_of(text, {"workload.uploads.rate_per_s=20"}).empty());
}

// Any uint64 written with --set reads back unchanged (model: the decimal text itself).
RC_GTEST_PROP(ScenarioOverrideProperty, Uint64RoundTrips, (std::uint64_t value)) {
  Scenario s = valid_saga();
  apply_override(s, "stop.max_events=" + std::to_string(value));
  RC_ASSERT(s.stop().max_events() == value);
}

}  // namespace
}  // namespace txsim::scenario::testing
