// The saga checks folded one saga at a time (core/check/saga_check_accumulator.h) against the
// whole-history checks (core/check/saga_checks.h), the reference: over random histories,
// folding settled sagas as the run goes and the rest at the end concludes exactly what checking
// the whole history at the end concludes.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <optional>
#include <set>
#include <vector>

#include "core/check/saga_check_accumulator.h"
#include "core/check/saga_checks.h"
#include "core/txn/saga/history_recorder.h"
#include "tests/core/txn/saga_test_support.h"

namespace txsim::check {
namespace {

using saga::OpResult;
using saga::OpType;
using saga::SagaOutcome;

struct RandomSaga {
  std::uint64_t id;
  int definition;                 // 0 reverse order, 1 parallel
  std::optional<int> accepted;    // position in the op stream; none: never accepted
  SagaOutcome outcome;
  std::optional<int> taken;       // position at which it is folded during the run
};

struct RandomRun {
  std::vector<RandomSaga> sagas;
  std::vector<saga::ParticipantOp> ops;
  std::set<std::pair<std::uint64_t, std::uint32_t>> effects;
};

// Few sagas and steps, many operations: repeats, hanging actions and misordered compensations
// are common, and most checks have more than kMaxExamples violations.
RandomRun random_run() {
  RandomRun run;
  const int sagas = *rc::gen::inRange(0, 25);
  const int ops = *rc::gen::inRange(0, 160);
  for (int i = 0; i < ops; ++i) {
    run.ops.push_back({static_cast<std::uint64_t>(*rc::gen::inRange(1, sagas + 2)),
                       static_cast<std::uint32_t>(*rc::gen::inRange(0, 4)),
                       *rc::gen::element(OpType::kAction, OpType::kCompensation),
                       *rc::gen::element(OpResult::kApplied, OpResult::kApplied, OpResult::kRejected,
                                         OpResult::kDuplicate, OpResult::kNullCompensation,
                                         OpResult::kRefusedHanging),
                       sim::Time::from_ns(*rc::gen::inRange(0, 1000))});
  }
  for (int i = 1; i <= sagas; ++i) {
    RandomSaga s{static_cast<std::uint64_t>(i), *rc::gen::inRange(0, 2), std::nullopt,
                 *rc::gen::element(SagaOutcome::kNone, SagaOutcome::kCommitted,
                                   SagaOutcome::kCompensated, SagaOutcome::kStuck),
                 std::nullopt};
    if (*rc::gen::inRange(0, 10) > 0) s.accepted = *rc::gen::inRange(0, ops + 1);
    int last_op = -1;
    for (int k = 0; k < ops; ++k) {
      if (run.ops[static_cast<std::size_t>(k)].saga_id == s.id) last_op = k;
    }
    // Settled: folded once accepted and after its last operation (or never, held to the end).
    if (s.accepted && *rc::gen::arbitrary<bool>()) {
      s.taken = *rc::gen::inRange(std::max(*s.accepted, last_op + 1), ops + 1);
    }
    for (std::uint32_t step = 0; step < 4; ++step) {
      if (*rc::gen::arbitrary<bool>()) run.effects.insert({s.id, step});
    }
    run.sagas.push_back(s);
  }
  return run;
}

void expect_same(const std::vector<CheckResult>& folded, const std::vector<CheckResult>& whole) {
  RC_ASSERT(folded.size() == whole.size());
  for (std::size_t i = 0; i < whole.size(); ++i) {
    RC_ASSERT(folded[i].name == whole[i].name);
    RC_ASSERT(folded[i].violations == whole[i].violations);
    RC_ASSERT(folded[i].summary == whole[i].summary);
    RC_ASSERT(folded[i].examples.size() == whole[i].examples.size());
    for (std::size_t e = 0; e < whole[i].examples.size(); ++e) {
      RC_ASSERT(folded[i].examples[e].subject == whole[i].examples[e].subject);
      RC_ASSERT(folded[i].examples[e].detail == whole[i].examples[e].detail);
      RC_ASSERT(folded[i].examples[e].at == whole[i].examples[e].at);
    }
  }
}

// Fold-as-you-go equals check-at-the-end: a per-saga recorder whose settled sagas are taken and
// folded mid-run, the rest folded at the end, gives the whole-history checks' results.
RC_GTEST_PROP(SagaCheckAccumulator, FoldingSettledSagasMatchesTheWholeHistoryChecks, ()) {
  saga::SagaDefinition reverse = saga::testing::upload_saga();
  saga::SagaDefinition parallel = reverse;
  parallel.compensation_order = saga::CompensationOrder::kParallel;
  const saga::SagaDefinition* definitions[] = {&reverse, &parallel};
  const RandomRun run = random_run();
  auto effect = [&](std::uint64_t saga, std::uint32_t step) {
    return run.effects.count({saga, step}) > 0;
  };

  saga::HistoryRecorder whole, per_saga;
  per_saga.hold_per_saga();
  SagaCheckAccumulator accumulator;
  auto fold = [&](const saga::SagaRecord& record) {
    accumulator.fold(record, [&](std::uint32_t step) { return effect(record.instance.saga_id, step); });
  };
  const int positions = static_cast<int>(run.ops.size());
  for (int k = 0; k <= positions; ++k) {
    for (const auto& s : run.sagas) {
      if (s.accepted != k) continue;
      const sim::Time at = sim::Time::from_ns(s.id * 7);
      for (auto* recorder : {&whole, &per_saga}) {
        recorder->accepted(s.id, *definitions[s.definition], at);
        if (s.outcome != SagaOutcome::kNone) recorder->finished(s.id, s.outcome, at + sim::nanoseconds(3));
      }
    }
    for (const auto& s : run.sagas) {
      if (s.taken != k) continue;
      const auto record = per_saga.take(s.id);
      RC_ASSERT(record.has_value());
      fold(*record);
    }
    if (k < positions) {
      whole.op(run.ops[static_cast<std::size_t>(k)]);
      per_saga.op(run.ops[static_cast<std::size_t>(k)]);
    }
  }
  for (const auto& [id, record] : per_saga.held()) fold(record);
  for (const auto& [id, ops] : per_saga.unaccepted()) accumulator.fold_unaccepted(id, ops);
  RC_ASSERT(per_saga.late().empty());
  accumulator.fold_late(per_saga.late());

  saga::SagaHistory& history = whole.history();
  history.effect_present = effect;
  const std::vector<CheckResult> reference{check_saga_atomicity(history), check_no_lost_work(history),
                                           check_effect_once(history),
                                           check_compensation_order(history)};
  expect_same(accumulator.results(), reference);

  // The whole history split by saga and folded in any order concludes the same.
  SplitHistory split = split_by_saga(history);
  const auto priority = *rc::gen::container<std::vector<int>>(split.sagas.size(), rc::gen::arbitrary<int>());
  std::vector<std::size_t> order(split.sagas.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return priority[a] < priority[b]; });
  SagaCheckAccumulator at_end;
  for (const std::size_t i : order) {
    const saga::SagaRecord& record = split.sagas[i];
    at_end.fold(record, [&](std::uint32_t step) { return effect(record.instance.saga_id, step); });
  }
  for (const auto& [id, ops] : split.unaccepted) at_end.fold_unaccepted(id, ops);
  expect_same(at_end.results(), reference);
}

TEST(SagaCheckAccumulator, AnOperationAppliedAfterItsSagaWasFoldedIsAnEffectOnceViolation) {
  // A request that outlived the retention horizon finds no barrier record and is applied again.
  const saga::SagaDefinition definition = saga::testing::upload_saga();
  saga::HistoryRecorder recorder;
  recorder.hold_per_saga();
  recorder.accepted(1, definition, sim::Time::from_ns(1));
  recorder.op({1, 0, OpType::kAction, OpResult::kApplied, sim::Time::from_ns(2)});
  recorder.finished(1, SagaOutcome::kCompensated, sim::Time::from_ns(3));
  SagaCheckAccumulator accumulator;
  accumulator.fold(*recorder.take(1), [](std::uint32_t) { return false; });
  EXPECT_FALSE(recorder.take(1).has_value()) << "a saga is taken once";
  recorder.op({1, 0, OpType::kAction, OpResult::kDuplicate, sim::Time::from_ns(4)});
  recorder.op({1, 0, OpType::kAction, OpResult::kApplied, sim::Time::from_ns(5)});
  ASSERT_EQ(recorder.late().size(), 2u);
  accumulator.fold_late(recorder.late());
  const CheckResult once = accumulator.results()[2];
  EXPECT_EQ(once.violations, 1u);
  ASSERT_EQ(once.examples.size(), 1u);
  EXPECT_EQ(once.examples[0].at, sim::Time::from_ns(5));
  EXPECT_NE(once.examples[0].detail.find("forgotten"), std::string::npos) << once.examples[0].detail;
  EXPECT_NE(once.summary.find("2 requests arrived after"), std::string::npos) << once.summary;
}

TEST(SagaCheckAccumulator, PartialEffectsOfAnUnfinishedSagaAreTimedAtItsAcceptance) {
  // Never finished: the recorder leaves finished_at at zero; the example takes accepted_at.
  const saga::SagaDefinition definition = saga::testing::upload_saga();
  saga::HistoryRecorder recorder;
  recorder.hold_per_saga();
  recorder.accepted(1, definition, sim::Time::from_ns(7));
  recorder.op({1, 0, OpType::kAction, OpResult::kApplied, sim::Time::from_ns(8)});
  SagaCheckAccumulator accumulator;
  accumulator.fold(*recorder.take(1), [](std::uint32_t step) { return step == 0; });
  const CheckResult atomicity = accumulator.results()[0];
  ASSERT_EQ(atomicity.examples.size(), 1u);
  EXPECT_EQ(atomicity.examples[0].at, sim::Time::from_ns(7));
}

TEST(SagaCheckAccumulator, KeepsTheFirstExamplesByKeyWhateverTheFoldingOrder) {
  FirstExamples<int> examples;
  for (int key = 30; key >= 1; --key) examples.add(key, {std::to_string(key), "", sim::Time::from_ns(key)});
  CheckResult result;
  examples.into(result);
  EXPECT_EQ(result.violations, 30u);
  ASSERT_EQ(result.examples.size(), CheckResult::kMaxExamples);
  for (std::size_t i = 0; i < result.examples.size(); ++i) {
    EXPECT_EQ(result.examples[i].subject, std::to_string(i + 1));
  }
}

}  // namespace
}  // namespace txsim::check
