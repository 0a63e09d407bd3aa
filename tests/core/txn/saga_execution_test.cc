#include <gtest/gtest.h>

#include "core/txn/saga/execution.h"
#include "tests/core/txn/saga_test_support.h"

namespace txsim::saga {
namespace {

using testing::step;
using testing::upload_saga;
using Type = Command::Type;

class SagaExecutionTest : public ::testing::Test {
 protected:
  Commands reply(SagaExecution& e, const Command& c, Outcome o) {
    Commands out;
    now_ += sim::milliseconds(1);
    e.on_outcome(c, o, now_, rng_, out);
    return out;
  }
  sim::Time now_ = sim::Time::zero();
  sim::Rng rng_{7};
};

TEST_F(SagaExecutionTest, AllStepsSucceedInOrderAndCommit) {
  const auto d = upload_saga();
  SagaExecution e(d);
  Commands out;
  e.start(now_, out);
  for (std::uint32_t s = 0; s < 4; ++s) {
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].type, Type::kInvoke);
    EXPECT_EQ(out[0].step, s);
    EXPECT_EQ(out[0].attempt, 1u);
    out = reply(e, out[0], Outcome::kSuccess);
  }
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(e.status(), SagaStatus::kCommitted);
}

TEST_F(SagaExecutionTest, BusinessFailureCompensatesCompletedStepsInReverse) {
  const auto d = upload_saga();
  SagaExecution e(d);
  Commands out;
  e.start(now_, out);
  out = reply(e, out[0], Outcome::kSuccess);  // ingest
  out = reply(e, out[0], Outcome::kSuccess);  // describe
  out = reply(e, out[0], Outcome::kFailure);  // publish refuses: backward recovery
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, Type::kCompensate);
  EXPECT_EQ(out[0].step, 1u);  // describe first: it came last
  out = reply(e, out[0], Outcome::kSuccess);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].step, 0u);
  out = reply(e, out[0], Outcome::kSuccess);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(e.status(), SagaStatus::kCompensated);
  EXPECT_EQ(e.step_status(2), StepStatus::kFailed);
}

TEST_F(SagaExecutionTest, UnknownOutcomeRetriesThenCompensatesAsPossiblyDone) {
  const auto d = upload_saga();  // attempts_max 3
  SagaExecution e(d);
  Commands out;
  e.start(now_, out);
  for (std::uint32_t attempt = 1; attempt <= 2; ++attempt) {
    out = reply(e, out[0], Outcome::kUnknown);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].type, Type::kInvoke);
    EXPECT_EQ(out[0].attempt, attempt + 1);
    // Full jitter: the delay is within [0, min(cap, initial * 2^(attempt-1))].
    EXPECT_LE(out[0].delay, std::min(sim::milliseconds(80), sim::milliseconds(10) * (1 << (attempt - 1))));
  }
  out = reply(e, out[0], Outcome::kUnknown);  // third unknown: give up forward
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, Type::kCompensate);
  EXPECT_EQ(out[0].step, 0u);
  EXPECT_EQ(e.status(), SagaStatus::kCompensating);
  out = reply(e, out[0], Outcome::kSuccess);
  EXPECT_EQ(e.status(), SagaStatus::kCompensated);
}

TEST_F(SagaExecutionTest, PivotWithUnknownOutcomeIsRetriedUntilTheDeadlineThenStuck) {
  const auto d = upload_saga();  // deadline 5 s
  SagaExecution e(d);
  Commands out;
  e.start(now_, out);
  out = reply(e, out[0], Outcome::kSuccess);
  out = reply(e, out[0], Outcome::kSuccess);
  std::uint32_t attempts = 1;
  while (!out.empty()) {
    ASSERT_EQ(out[0].step, 2u);
    ASSERT_EQ(out[0].type, Type::kInvoke) << "the pivot must never be compensated";
    now_ += sim::milliseconds(500);
    out = reply(e, out[0], Outcome::kUnknown);
    if (!out.empty()) ++attempts;
  }
  EXPECT_GT(attempts, 3u) << "pivot retries are bounded by the deadline, not attempts_max";
  EXPECT_EQ(e.status(), SagaStatus::kStuck);
  EXPECT_NE(e.stuck_reason().find("'publish'"), std::string::npos);
}

TEST_F(SagaExecutionTest, LateReplyForAnOldAttemptIsIgnored) {
  const auto d = upload_saga();
  SagaExecution e(d);
  Commands out;
  e.start(now_, out);
  const Command first = out[0];
  out = reply(e, first, Outcome::kUnknown);  // attempt 2 goes out
  EXPECT_TRUE(reply(e, first, Outcome::kSuccess).empty());
  EXPECT_EQ(e.step_status(0), StepStatus::kRunning);
  out = reply(e, out[0], Outcome::kSuccess);
  EXPECT_EQ(e.step_status(0), StepStatus::kSucceeded);
}

TEST_F(SagaExecutionTest, ParallelBranchInFlightFinishesBeforeItIsCompensated) {
  SagaDefinition d;
  d.name = "fan-out";
  d.steps = {step("root", StepKind::kCompensatable), step("left", StepKind::kCompensatable, {0}),
             step("right", StepKind::kCompensatable, {0}),
             step("pivot", StepKind::kPivot, {1, 2})};
  SagaExecution e(d);
  Commands out;
  e.start(now_, out);
  out = reply(e, out[0], Outcome::kSuccess);
  ASSERT_EQ(out.size(), 2u);  // both branches start together
  const Command left = out[0], right = out[1];
  EXPECT_TRUE(reply(e, left, Outcome::kFailure).empty()) << "root waits for right to settle";
  out = reply(e, right, Outcome::kSuccess);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].step, 2u);  // undo right, then root
  out = reply(e, out[0], Outcome::kSuccess);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].step, 0u);
  reply(e, out[0], Outcome::kSuccess);
  EXPECT_EQ(e.status(), SagaStatus::kCompensated);
}

TEST_F(SagaExecutionTest, ParallelCompensationOrderUndoesAllAtOnce) {
  auto d = upload_saga();
  d.compensation_order = CompensationOrder::kParallel;
  SagaExecution e(d);
  Commands out;
  e.start(now_, out);
  out = reply(e, out[0], Outcome::kSuccess);
  out = reply(e, out[0], Outcome::kSuccess);
  out = reply(e, out[0], Outcome::kFailure);
  EXPECT_EQ(out.size(), 2u);
}

TEST_F(SagaExecutionTest, CheckpointRoundTripAndResumeRedrivesInFlightWork) {
  const auto d = upload_saga();
  SagaExecution e(d);
  Commands out;
  e.start(now_, out);
  out = reply(e, out[0], Outcome::kSuccess);  // describe now in flight, attempt 1
  const std::string record = e.encode();
  SagaExecution restored = SagaExecution::decode(d, record);
  EXPECT_EQ(restored.encode(), record);
  EXPECT_EQ(restored.step_status(0), StepStatus::kSucceeded);
  EXPECT_EQ(restored.step_status(1), StepStatus::kRunning);
  Commands resumed;
  restored.resume(now_, resumed);
  ASSERT_EQ(resumed.size(), 1u);
  EXPECT_EQ(resumed[0].step, 1u);
  EXPECT_EQ(resumed[0].attempt, 2u);
  EXPECT_THROW(SagaExecution::decode(d, record.substr(0, 10)), std::invalid_argument);
  EXPECT_THROW(SagaExecution::decode(d, "XX"), std::invalid_argument);
}

TEST(BackoffDelay, StaysWithinTheCappedExponentialCeiling) {
  RetryPolicy policy{10, sim::milliseconds(10), sim::milliseconds(100)};
  sim::Rng rng(3);
  for (std::uint32_t retry = 1; retry <= 8; ++retry) {
    const auto ceiling = std::min(sim::milliseconds(100), sim::milliseconds(10) * (1 << (retry - 1)));
    sim::Duration largest{};
    for (int i = 0; i < 2000; ++i) {
      const auto d = backoff_delay(policy, retry, rng);
      ASSERT_GE(d, sim::Duration{});
      ASSERT_LE(d, ceiling);
      largest = std::max(largest, d);
    }
    // With 2000 uniform draws the largest is within 1 % of the ceiling except with prob 0.99^2000.
    EXPECT_GE(largest.ns(), ceiling.ns() * 99 / 100);
  }
}

}  // namespace
}  // namespace txsim::saga
