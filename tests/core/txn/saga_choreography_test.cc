// The choreography fold (core/txn/saga/choreography.h) on hand-made sagas: which steps the log
// makes due, in which order compensations become due, and that folding is idempotent.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <vector>

#include "core/txn/saga/choreography.h"

namespace txsim::saga {
namespace {

using E = ChoreographyEvent;

StepDefinition step(const std::string& name, StepKind kind, std::vector<std::uint32_t> after) {
  StepDefinition s;
  s.name = name;
  s.service = name;
  s.action = "do";
  s.compensation = kind == StepKind::kCompensatable ? "undo" : "";
  s.kind = kind;
  s.after = std::move(after);
  return s;
}

// a -> b -> c (pivot).
SagaDefinition chain() {
  SagaDefinition d;
  d.name = "chain";
  d.steps = {step("a", StepKind::kCompensatable, {}), step("b", StepKind::kCompensatable, {0}),
             step("c", StepKind::kPivot, {1})};
  validate_definition(d);
  return d;
}

// a and b in parallel, then c (pivot) after both.
SagaDefinition join() {
  SagaDefinition d;
  d.name = "join";
  d.steps = {step("a", StepKind::kCompensatable, {}), step("b", StepKind::kCompensatable, {}),
             step("c", StepKind::kPivot, {0, 1})};
  validate_definition(d);
  return d;
}

std::vector<std::uint32_t> due_actions(const ChoreographyState& s, std::size_t steps) {
  std::vector<std::uint32_t> out;
  for (std::uint32_t i = 0; i < steps; ++i) {
    if (s.action_due(i)) out.push_back(i);
  }
  return out;
}

std::vector<std::uint32_t> due_compensations(const ChoreographyState& s, std::size_t steps) {
  std::vector<std::uint32_t> out;
  for (std::uint32_t i = 0; i < steps; ++i) {
    if (s.compensation_due(i)) out.push_back(i);
  }
  return out;
}

TEST(ChoreographyState, EachDoneEventStartsTheNextStepUntilCommitted) {
  const auto d = chain();
  ChoreographyState s(d);
  EXPECT_TRUE(due_actions(s, 3).empty());
  ASSERT_TRUE(s.apply(E::kSagaStarted, 0));
  EXPECT_EQ(due_actions(s, 3), std::vector<std::uint32_t>{0});
  ASSERT_TRUE(s.apply(E::kStepDone, 0));
  EXPECT_EQ(due_actions(s, 3), std::vector<std::uint32_t>{1});
  ASSERT_TRUE(s.apply(E::kStepDone, 1));
  EXPECT_EQ(due_actions(s, 3), std::vector<std::uint32_t>{2});
  EXPECT_EQ(s.status(), SagaStatus::kRunning);
  ASSERT_TRUE(s.apply(E::kStepDone, 2));
  EXPECT_EQ(s.status(), SagaStatus::kCommitted);
  EXPECT_TRUE(due_actions(s, 3).empty());
}

TEST(ChoreographyState, FailureAtTheLastStepCompensatesInReverseOrder) {
  const auto d = chain();
  ChoreographyState s(d);
  s.apply(E::kSagaStarted, 0);
  s.apply(E::kStepDone, 0);
  s.apply(E::kStepDone, 1);
  ASSERT_TRUE(s.apply(E::kStepFailed, 2));
  EXPECT_EQ(s.status(), SagaStatus::kCompensating);
  // b is compensated first: a waits until its successor b has nothing left to undo.
  EXPECT_EQ(due_compensations(s, 3), std::vector<std::uint32_t>{1});
  ASSERT_TRUE(s.apply(E::kStepCompensated, 1));
  EXPECT_EQ(due_compensations(s, 3), std::vector<std::uint32_t>{0});
  ASSERT_TRUE(s.apply(E::kStepCompensated, 0));
  EXPECT_EQ(s.status(), SagaStatus::kCompensated);
  EXPECT_TRUE(due_compensations(s, 3).empty());
}

TEST(ChoreographyState, ParallelOrderMakesEveryDoneStepDueAtOnce) {
  auto d = chain();
  d.compensation_order = CompensationOrder::kParallel;
  ChoreographyState s(d);
  s.apply(E::kSagaStarted, 0);
  s.apply(E::kStepDone, 0);
  s.apply(E::kStepDone, 1);
  s.apply(E::kStepFailed, 2);
  EXPECT_EQ(due_compensations(s, 3), (std::vector<std::uint32_t>{0, 1}));
}

TEST(ChoreographyState, AJoinStartsOnlyWhenEveryPredecessorIsDone) {
  const auto d = join();
  ChoreographyState s(d);
  s.apply(E::kSagaStarted, 0);
  EXPECT_EQ(due_actions(s, 3), (std::vector<std::uint32_t>{0, 1}));
  s.apply(E::kStepDone, 1);
  EXPECT_EQ(due_actions(s, 3), std::vector<std::uint32_t>{0});
  s.apply(E::kStepDone, 0);
  EXPECT_EQ(due_actions(s, 3), std::vector<std::uint32_t>{2});
}

TEST(ChoreographyState, ABranchInFlightIsAwaitedBeforeItsPredecessorsFinishCompensating) {
  const auto d = join();
  ChoreographyState s(d);
  s.apply(E::kSagaStarted, 0);
  s.apply(E::kStepFailed, 0);  // a refused while b still runs
  EXPECT_EQ(s.status(), SagaStatus::kCompensating);
  EXPECT_TRUE(due_compensations(s, 3).empty());
  EXPECT_EQ(due_actions(s, 3), std::vector<std::uint32_t>{1});  // b was started: it finishes
  s.apply(E::kStepDone, 1);
  EXPECT_TRUE(due_actions(s, 3).empty());  // c never starts after a failure
  EXPECT_EQ(due_compensations(s, 3), std::vector<std::uint32_t>{1});
  s.apply(E::kStepCompensated, 1);
  EXPECT_EQ(s.status(), SagaStatus::kCompensated);
}

TEST(ChoreographyState, DuplicatesAndOutOfProtocolEventsChangeNothing) {
  const auto d = chain();
  ChoreographyState s(d);
  EXPECT_FALSE(s.apply(E::kStepDone, 1));  // b never started
  s.apply(E::kSagaStarted, 0);
  EXPECT_FALSE(s.apply(E::kSagaStarted, 0));
  s.apply(E::kStepDone, 0);
  EXPECT_FALSE(s.apply(E::kStepDone, 0));
  EXPECT_FALSE(s.apply(E::kStepCompensated, 0));  // nothing is being compensated
  EXPECT_FALSE(s.apply(E::kStepDone, 7));          // no such step
}

TEST(ChoreographyState, AStuckRetriableStepEndsTheSagaStuck) {
  SagaDefinition d;
  d.name = "forward";
  d.steps = {step("p", StepKind::kPivot, {}), step("n", StepKind::kRetriable, {0})};
  validate_definition(d);
  ChoreographyState s(d);
  s.apply(E::kSagaStarted, 0);
  s.apply(E::kStepDone, 0);
  ASSERT_TRUE(s.action_due(1));
  ASSERT_TRUE(s.apply(E::kStepStuck, 1));
  EXPECT_EQ(s.status(), SagaStatus::kStuck);
  EXPECT_TRUE(s.finished());
  // The service that gave up must not read its own kStepStuck as a reason to start over.
  EXPECT_FALSE(s.action_due(1));
}

TEST(ChoreographyState, EncodeDecodeRoundTrips) {
  const auto d = join();
  ChoreographyState s(d);
  s.apply(E::kSagaStarted, 0);
  s.apply(E::kStepDone, 0);
  s.apply(E::kStepFailed, 1);
  const auto back = ChoreographyState::decode(d, s.encode());
  EXPECT_EQ(back.encode(), s.encode());
  EXPECT_EQ(back.status(), SagaStatus::kCompensating);
  EXPECT_EQ(back.step(0), LoggedStep::kDone);
  EXPECT_TRUE(back.compensation_due(0));
  EXPECT_THROW(ChoreographyState::decode(chain(), "C1"), std::invalid_argument);
}

// Folding a log in which any events are repeated (the broker's at-least-once duplicates) gives
// the same state as folding the log without the repeats.
RC_GTEST_PROP(ChoreographyStateProperty, DuplicatedEventsFoldToTheSameState, ()) {
  const auto d = join();
  const auto events = *rc::gen::container<std::vector<std::pair<int, std::uint32_t>>>(
      rc::gen::pair(rc::gen::inRange(0, 5), rc::gen::inRange<std::uint32_t>(0, 3)));
  const auto repeats = *rc::gen::container<std::vector<bool>>(events.size(), rc::gen::arbitrary<bool>());
  ChoreographyState once(d), twice(d);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto e = static_cast<E>(events[i].first);
    once.apply(e, events[i].second);
    twice.apply(e, events[i].second);
    if (repeats[i]) RC_ASSERT(!twice.apply(e, events[i].second));
  }
  RC_ASSERT(once.encode() == twice.encode());
}

}  // namespace
}  // namespace txsim::saga
