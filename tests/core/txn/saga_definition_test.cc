#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/txn/saga/definition.h"
#include "tests/core/txn/saga_test_support.h"

namespace txsim::saga {
namespace {

using testing::step;
using testing::upload_saga;
using ::testing::HasSubstr;

std::string rejection(const SagaDefinition& d) {
  try {
    validate_definition(d);
  } catch (const InvalidSagaDefinition& e) {
    return e.what();
  }
  return "";
}

TEST(SagaDefinition, UploadSagaIsValidAndOrdered) {
  const auto d = upload_saga();
  EXPECT_NO_THROW(validate_definition(d));
  EXPECT_EQ(topological_order(d), (std::vector<std::uint32_t>{0, 1, 2, 3}));
}

// A diamond a -> {b, c} -> d: each step's successors are the steps listing it in `after`.
TEST(SagaDefinition, SuccessorsInvertAfter) {
  SagaDefinition d;
  d.steps = {step("a", StepKind::kCompensatable), step("b", StepKind::kCompensatable, {0}),
             step("c", StepKind::kCompensatable, {0}), step("d", StepKind::kPivot, {2, 1})};
  EXPECT_EQ(successors(d), (std::vector<std::vector<std::uint32_t>>{{1, 2}, {3}, {3}, {}}));
}

TEST(SagaDefinition, CycleNamesItsSteps) {
  SagaDefinition d;
  d.name = "loop";
  d.steps = {step("a", StepKind::kCompensatable, {2}), step("b", StepKind::kCompensatable, {0}),
             step("c", StepKind::kCompensatable, {1}), step("d", StepKind::kCompensatable)};
  const auto message = rejection(d);
  EXPECT_THAT(message, HasSubstr("'a', 'b', 'c' form a cycle"));
  EXPECT_THAT(message, ::testing::Not(HasSubstr("'d'")));
}

TEST(SagaDefinition, SelfLoopIsRejected) {
  SagaDefinition d;
  d.name = "self";
  d.steps = {step("a", StepKind::kCompensatable, {0})};
  EXPECT_THAT(rejection(d), HasSubstr("'a' comes after itself"));
}

TEST(SagaDefinition, CompensatableStepAfterPivotIsRejected) {
  auto d = upload_saga();
  d.steps[3] = step("notify", StepKind::kCompensatable, {2});
  EXPECT_THAT(rejection(d), HasSubstr("compensatable step 'notify' can run after the pivot"));
}

TEST(SagaDefinition, CompensatableStepInParallelWithPivotIsRejected) {
  SagaDefinition d;
  d.name = "parallel";
  d.steps = {step("a", StepKind::kCompensatable), step("p", StepKind::kPivot, {0}),
             step("b", StepKind::kCompensatable, {0})};
  EXPECT_THAT(rejection(d), HasSubstr("compensatable step 'b' can run after the pivot 'p'"));
}

TEST(SagaDefinition, CompensatableStepWithoutCompensationIsRejected) {
  auto d = upload_saga();
  d.steps[1].compensation.clear();
  EXPECT_THAT(rejection(d), HasSubstr("compensatable step 'describe' has no compensation"));
}

TEST(SagaDefinition, TwoPivotsAreRejected) {
  auto d = upload_saga();
  d.steps[3].kind = StepKind::kPivot;
  EXPECT_THAT(rejection(d), HasSubstr("'publish' and 'notify' are both pivots"));
}

TEST(SagaDefinition, RetriableStepBeforePivotIsRejected) {
  SagaDefinition d;
  d.name = "early-retry";
  d.steps = {step("r", StepKind::kRetriable), step("p", StepKind::kPivot, {0})};
  EXPECT_THAT(rejection(d), HasSubstr("retriable step 'r' can run before pivot step 'p'"));
}

TEST(SagaDefinition, BadReferencesAndLimitsAreRejected) {
  auto d = upload_saga();
  d.steps[1].after = {7};
  EXPECT_THAT(rejection(d), HasSubstr("step index 7, which does not exist"));
  d = upload_saga();
  d.steps[0].retry.attempts_max = 0;
  EXPECT_THAT(rejection(d), HasSubstr("'ingest' allows 0 attempts"));
  d = upload_saga();
  d.steps[0].timeout = sim::Duration{};
  EXPECT_THAT(rejection(d), HasSubstr("'ingest' has a timeout <= 0"));
  d = upload_saga();
  d.steps.clear();
  EXPECT_THAT(rejection(d), HasSubstr("has no steps"));
}

}  // namespace
}  // namespace txsim::saga
