// Each saga checker on hand-made histories: a clean history passes, each violation kind is found
// and named.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "core/check/saga_checks.h"
#include "tests/core/txn/saga_test_support.h"

namespace txsim::check {
namespace {

using ::testing::HasSubstr;
using saga::testing::upload_saga;

class SagaChecksTest : public ::testing::Test {
 protected:
  SagaChecksTest() {
    history_.effect_present = [this](std::uint64_t saga, std::uint32_t step) {
      return effects_.count({saga, step}) > 0;
    };
  }
  void accept(std::uint64_t id, SagaOutcome outcome) {
    history_.sagas.push_back({id, &definition_, sim::Time::from_ns(1), outcome, sim::Time::from_ns(9)});
  }
  void op(std::uint64_t id, std::uint32_t step, OpType type, OpResult result) {
    history_.ops.push_back({id, step, type, result, sim::Time::from_ns(static_cast<std::int64_t>(history_.ops.size()))});
  }
  void present(std::uint64_t id, std::initializer_list<std::uint32_t> steps) {
    for (const auto s : steps) effects_.insert({id, s});
  }

  saga::SagaDefinition definition_ = upload_saga();  // ingest, describe, publish, notify
  std::set<std::pair<std::uint64_t, std::uint32_t>> effects_;
  SagaHistory history_;
};

TEST_F(SagaChecksTest, CleanHistoryPassesEveryCheck) {
  accept(1, SagaOutcome::kCommitted);
  present(1, {0, 1, 2, 3});
  for (std::uint32_t s = 0; s < 4; ++s) op(1, s, OpType::kAction, OpResult::kApplied);
  accept(2, SagaOutcome::kCompensated);
  op(2, 0, OpType::kAction, OpResult::kApplied);
  op(2, 1, OpType::kAction, OpResult::kApplied);
  op(2, 2, OpType::kAction, OpResult::kRejected);
  op(2, 1, OpType::kCompensation, OpResult::kApplied);
  op(2, 0, OpType::kCompensation, OpResult::kApplied);
  for (const auto& result : {check_saga_atomicity(history_), check_no_lost_work(history_),
                             check_effect_once(history_), check_compensation_order(history_)}) {
    EXPECT_TRUE(result.passed()) << result.name << ": " << result.summary;
  }
}

TEST_F(SagaChecksTest, AtomicityFindsPartialEffectsAndNamesTheSteps) {
  accept(1, SagaOutcome::kCompensated);
  present(1, {0});  // ingest's media record survived compensation
  accept(2, SagaOutcome::kCommitted);
  present(2, {0, 1, 2, 3});
  const auto result = check_saga_atomicity(history_);
  EXPECT_EQ(result.violations, 1u);
  ASSERT_EQ(result.examples.size(), 1u);
  EXPECT_EQ(result.examples[0].subject, "saga 1 (upload)");
  EXPECT_THAT(result.examples[0].detail, HasSubstr("present for 'ingest'"));
  EXPECT_THAT(result.examples[0].detail, HasSubstr("absent for 'describe', 'publish', 'notify'"));
}

TEST_F(SagaChecksTest, PartialEffectsOfAnUnfinishedSagaAreTimedAtItsAcceptance) {
  // A forgotten saga has no outcome, so no finished_at (the recorder leaves it at zero): the
  // example is timed when the saga was accepted, as no_lost_work times it, never at 0 s.
  history_.sagas.push_back(
      {1, &definition_, sim::Time::from_ns(5), SagaOutcome::kNone, sim::Time{}});
  present(1, {0});
  const auto result = check_saga_atomicity(history_);
  ASSERT_EQ(result.examples.size(), 1u);
  EXPECT_EQ(result.examples[0].at, sim::Time::from_ns(5));
  EXPECT_EQ(check_no_lost_work(history_).examples.at(0).at, sim::Time::from_ns(5));
}

TEST_F(SagaChecksTest, NoLostWorkFindsForgottenAndStuckSagas) {
  accept(1, SagaOutcome::kNone);
  accept(2, SagaOutcome::kStuck);
  accept(3, SagaOutcome::kCommitted);
  const auto result = check_no_lost_work(history_);
  EXPECT_EQ(result.violations, 2u);
  EXPECT_THAT(result.examples[0].detail, HasSubstr("forgotten"));
  EXPECT_THAT(result.examples[1].detail, HasSubstr("stuck"));
  EXPECT_THAT(result.summary, HasSubstr("1 stuck, 1 forgotten"));
}

TEST_F(SagaChecksTest, EffectOnceFindsDoubleApplyAndAppliedHangingAction) {
  accept(1, SagaOutcome::kCommitted);
  op(1, 0, OpType::kAction, OpResult::kApplied);
  op(1, 0, OpType::kAction, OpResult::kApplied);  // duplicate without a barrier
  accept(2, SagaOutcome::kCompensated);
  op(2, 1, OpType::kCompensation, OpResult::kApplied);
  op(2, 1, OpType::kAction, OpResult::kApplied);  // hanging: action after compensation
  const auto result = check_effect_once(history_);
  EXPECT_EQ(result.violations, 2u);
  EXPECT_THAT(result.examples[0].detail, HasSubstr("'ingest' applied twice"));
  EXPECT_THAT(result.examples[1].detail, HasSubstr("'describe' applied after its compensation"));
}

TEST_F(SagaChecksTest, EffectOnceCountsWhatTheBarrierAbsorbed) {
  accept(1, SagaOutcome::kCompensated);
  op(1, 0, OpType::kAction, OpResult::kApplied);
  op(1, 0, OpType::kAction, OpResult::kDuplicate);
  op(1, 1, OpType::kCompensation, OpResult::kNullCompensation);
  op(1, 1, OpType::kAction, OpResult::kRefusedHanging);
  op(1, 0, OpType::kCompensation, OpResult::kApplied);
  const auto result = check_effect_once(history_);
  EXPECT_TRUE(result.passed());
  EXPECT_EQ(result.summary, "1 duplicates absorbed, 1 null compensations, 1 hanging actions refused");
}

TEST_F(SagaChecksTest, CompensationOrderFindsAPredecessorUndoneFirst) {
  accept(1, SagaOutcome::kCompensated);
  op(1, 0, OpType::kAction, OpResult::kApplied);
  op(1, 1, OpType::kAction, OpResult::kApplied);
  op(1, 0, OpType::kCompensation, OpResult::kApplied);  // ingest undone before describe
  op(1, 1, OpType::kCompensation, OpResult::kApplied);
  const auto result = check_compensation_order(history_);
  EXPECT_EQ(result.violations, 1u);
  EXPECT_THAT(result.examples[0].detail,
              HasSubstr("'ingest' was compensated before its successor 'describe'"));
  EXPECT_EQ(result.summary, "2 compensations checked against reverse order");
  definition_.compensation_order = saga::CompensationOrder::kParallel;
  const auto parallel = check_compensation_order(history_);
  EXPECT_TRUE(parallel.passed()) << "parallel order allows any order";
  // Both compensations were applied, and neither was held to an order: the summary says so
  // rather than "0 compensations checked".
  EXPECT_EQ(parallel.summary,
            "0 compensations checked against reverse order; 2 in sagas compensated in parallel "
            "(no order required)");
}

TEST_F(SagaChecksTest, ExamplesAreCappedButViolationsAreCounted) {
  for (std::uint64_t id = 0; id < 25; ++id) accept(id, SagaOutcome::kNone);
  const auto result = check_no_lost_work(history_);
  EXPECT_EQ(result.violations, 25u);
  EXPECT_EQ(result.examples.size(), CheckResult::kMaxExamples);
}

}  // namespace
}  // namespace txsim::check
