// One instance's path, derived from hand-made histories: each step's fate follows from the
// orchestrator's attempts and the participant's operations.
#include "core/txn/saga/instance_timeline.h"

#include <gtest/gtest.h>

namespace txsim::saga {
namespace {

sim::Time at_ms(std::int64_t ms) { return sim::Time::zero() + sim::milliseconds(ms); }

SagaDefinition three_steps() {
  SagaDefinition d;
  d.name = "upload";
  d.steps = {{"ingest", "media", "ingest", "delete", StepKind::kCompensatable, {}, {}, {}},
             {"describe", "meta", "describe", "undescribe", StepKind::kCompensatable, {0}, {}, {}},
             {"publish", "catalog", "publish", "", StepKind::kPivot, {1}, {}, {}}};
  return d;
}

StepAttempt attempt(std::uint64_t saga, std::uint32_t step, OpType type, std::uint32_t n,
                    std::int64_t sent, std::int64_t done, AttemptOutcome outcome) {
  return {saga, step, type, n, at_ms(sent), at_ms(done), outcome};
}

TEST(InstanceTimeline, FailedStepAfterRetryCompensatesTheStepBefore) {
  const SagaDefinition d = three_steps();
  SagaHistory h;
  h.sagas.push_back({7, &d, at_ms(1), SagaOutcome::kCompensated, at_ms(40)});
  h.sagas.push_back({8, &d, at_ms(2), SagaOutcome::kCommitted, at_ms(9)});
  h.attempts = {attempt(7, 0, OpType::kAction, 1, 1, 5, AttemptOutcome::kSuccess),
                attempt(8, 0, OpType::kAction, 1, 2, 4, AttemptOutcome::kSuccess),
                attempt(7, 1, OpType::kAction, 1, 6, 16, AttemptOutcome::kUnknown),
                attempt(7, 1, OpType::kAction, 2, 20, 25, AttemptOutcome::kFailure),
                attempt(7, 0, OpType::kCompensation, 1, 26, 40, AttemptOutcome::kSuccess)};
  h.ops = {{7, 0, OpType::kAction, OpResult::kApplied, at_ms(3)},
           {7, 1, OpType::kAction, OpResult::kRejected, at_ms(24)},
           {7, 0, OpType::kCompensation, OpResult::kApplied, at_ms(35)}};

  const auto t = instance_timeline(h, 7);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->outcome, SagaOutcome::kCompensated);
  ASSERT_EQ(t->steps.size(), 3u);
  EXPECT_EQ(t->steps[0].fate, StepFate::kCompensated);
  EXPECT_EQ(t->steps[1].fate, StepFate::kFailed);  // the last attempt's reply was a refusal
  EXPECT_EQ(t->steps[2].fate, StepFate::kNotRun);
  // Saga 8's attempt is not mixed in.
  EXPECT_EQ(t->steps[0].actions.size(), 1u);
  EXPECT_EQ(t->steps[1].actions.size(), 2u);
  EXPECT_EQ(t->steps[0].ops.size(), 2u);

  const std::string text = to_text(*t);
  EXPECT_NE(text.find("saga 7 (upload): compensated"), std::string::npos) << text;
  EXPECT_NE(text.find("action attempt 2: sent 20.000 ms, failure at 25.000 ms"), std::string::npos)
      << text;
  EXPECT_NE(text.find("step publish (catalog, pivot): not run"), std::string::npos) << text;
}

TEST(InstanceTimeline, UnknownOutcomeIsUncertainAndSuccessIsDone) {
  const SagaDefinition d = three_steps();
  SagaHistory h;
  h.sagas.push_back({1, &d, at_ms(0), SagaOutcome::kNone, sim::Time{}});
  h.attempts = {attempt(1, 0, OpType::kAction, 1, 0, 2, AttemptOutcome::kSuccess),
                attempt(1, 1, OpType::kAction, 1, 3, 1003, AttemptOutcome::kUnknown)};
  // The participant applied step 2 although no request of this orchestrator incarnation came
  // back (e.g. it crashed): known only from the participant's side.
  h.ops = {{1, 2, OpType::kAction, OpResult::kApplied, at_ms(5)}};
  const auto t = instance_timeline(h, 1);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->steps[0].fate, StepFate::kDone);
  EXPECT_EQ(t->steps[1].fate, StepFate::kUncertain);
  EXPECT_EQ(t->steps[2].fate, StepFate::kUncertain);
  EXPECT_NE(to_text(*t).find("unfinished"), std::string::npos);
}

TEST(InstanceTimeline, UnknownSagaHasNoTimeline) {
  SagaHistory h;
  EXPECT_FALSE(instance_timeline(h, 3).has_value());
}

}  // namespace
}  // namespace txsim::saga
