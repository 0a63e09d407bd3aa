#include "core/check/saga_check_accumulator.h"

#include <algorithm>
#include <map>
#include <string>

#include "core/check/saga_checks.h"

namespace txsim::check {
namespace {

using saga::OpResult;
using saga::OpType;
using saga::SagaOutcome;

// The wording of the whole-history checks (core/check/saga_checks.cc), kept identical.
std::string subject(std::uint64_t saga_id, const saga::SagaDefinition* definition) {
  return "saga " + std::to_string(saga_id) +
         (definition != nullptr ? " (" + definition->name + ")" : std::string());
}

std::string step_name(const saga::SagaDefinition* definition, std::uint32_t step) {
  return definition != nullptr ? "'" + definition->steps.at(step).name + "'" : std::to_string(step);
}

std::string list(const saga::SagaDefinition* definition, const std::vector<std::uint32_t>& steps) {
  std::string text;
  for (const auto s : steps) text += (text.empty() ? "" : ", ") + step_name(definition, s);
  return text.empty() ? "none" : text;
}

}  // namespace

void SagaCheckAccumulator::fold(const saga::SagaRecord& record,
                                const EffectPresent& effect_present) {
  const saga::SagaInstance& saga = record.instance;
  const saga::SagaDefinition* definition = saga.definition;
  ++sagas_;
  // saga_atomicity
  std::vector<std::uint32_t> present, absent;
  for (std::uint32_t s = 0; s < definition->steps.size(); ++s) {
    (effect_present(s) ? present : absent).push_back(s);
  }
  if (!present.empty() && !absent.empty()) {
    atomicity_.add(record.accepted_seq,
                   {subject(saga.saga_id, definition),
                    "effects present for " + list(definition, present) + " but absent for " +
                        list(definition, absent),
                    saga.outcome == SagaOutcome::kNone ? saga.accepted_at : saga.finished_at});
  }
  // no_lost_work
  if (saga.outcome != SagaOutcome::kCommitted && saga.outcome != SagaOutcome::kCompensated) {
    const bool is_stuck = saga.outcome == SagaOutcome::kStuck;
    (is_stuck ? stuck_ : forgotten_) += 1;
    lost_.add(record.accepted_seq,
              {subject(saga.saga_id, definition),
               is_stuck ? "reported stuck: no definite outcome before the deadline"
                        : "accepted but never reached an outcome (forgotten)",
               is_stuck ? saga.finished_at : saga.accepted_at});
  }
  fold_effect_once(saga.saga_id, definition, record.ops);
  fold_compensation_order(record);
}

void SagaCheckAccumulator::fold_unaccepted(std::uint64_t saga_id,
                                           const std::vector<saga::SequencedOp>& ops) {
  fold_effect_once(saga_id, nullptr, ops);
}

void SagaCheckAccumulator::count(const saga::ParticipantOp& op) {
  switch (op.result) {
    case OpResult::kDuplicate: ++duplicates_; break;
    case OpResult::kNullCompensation: ++null_compensations_; break;
    case OpResult::kRefusedHanging: ++hanging_refused_; break;
    case OpResult::kRejected:
    case OpResult::kApplied: break;
  }
}

void SagaCheckAccumulator::fold_effect_once(std::uint64_t saga_id,
                                            const saga::SagaDefinition* definition,
                                            const std::vector<saga::SequencedOp>& ops) {
  struct Seen {
    std::uint32_t actions_applied = 0;
    std::uint32_t compensations_applied = 0;
    bool compensation_seen = false;  // applied or recorded as a null compensation
  };
  std::map<std::uint32_t, Seen> seen;  // by step
  for (const auto& [seq, op] : ops) {
    count(op);
    Seen& s = seen[op.step];
    if (op.result == OpResult::kNullCompensation) s.compensation_seen = true;
    if (op.result != OpResult::kApplied) continue;
    const std::string step = step_name(definition, op.step);
    if (op.type == OpType::kAction) {
      if (++s.actions_applied == 2) {
        effect_once_.add({seq, 0}, {subject(saga_id, definition),
                                    "action of step " + step + " applied twice", op.at});
      }
      if (s.compensation_seen) {
        effect_once_.add({seq, 1},
                         {subject(saga_id, definition),
                          "action of step " + step + " applied after its compensation (hanging)",
                          op.at});
      }
    } else {
      s.compensation_seen = true;
      if (++s.compensations_applied == 2) {
        effect_once_.add({seq, 0}, {subject(saga_id, definition),
                                    "compensation of step " + step + " applied twice", op.at});
      }
    }
  }
}

void SagaCheckAccumulator::fold_late(const std::vector<saga::SequencedOp>& ops) {
  for (const auto& [seq, op] : ops) {
    count(op);
    ++late_ops_;
    if (op.result != OpResult::kApplied) continue;
    effect_once_.add({seq, 0},
                     {subject(op.saga_id, nullptr),
                      std::string(op.type == OpType::kAction ? "action" : "compensation") +
                          " of step " + std::to_string(op.step) +
                          " applied after the saga was settled and its barrier records forgotten "
                          "(retention horizon shorter than a request stayed in flight)",
                      op.at});
  }
}

void SagaCheckAccumulator::fold_compensation_order(const saga::SagaRecord& record) {
  const saga::SagaDefinition* definition = record.instance.definition;
  // Position of the first applied compensation of each step.
  std::map<std::uint32_t, const saga::SequencedOp*> applied_at;
  for (const auto& sequenced : record.ops) {
    const auto& op = sequenced.op;
    if (op.type == OpType::kCompensation && op.result == OpResult::kApplied) {
      applied_at.emplace(op.step, &sequenced);
    }
  }
  if (definition->compensation_order != saga::CompensationOrder::kReverse) {
    compensations_unordered_ += applied_at.size();
    return;
  }
  const auto& steps = definition->steps;
  for (const auto& [step, first] : applied_at) {
    ++compensations_checked_;
    for (std::uint32_t next = 0; next < steps.size(); ++next) {
      const auto& after = steps[next].after;
      if (std::find(after.begin(), after.end(), step) == after.end()) continue;
      const auto successor = applied_at.find(next);
      if (successor != applied_at.end() && successor->second->seq > first->seq) {
        order_.add({record.instance.saga_id, step, next},
                   {subject(record.instance.saga_id, definition),
                    "step " + step_name(definition, step) + " was compensated before its successor " +
                        step_name(definition, next),
                    first->op.at});
      }
    }
  }
}

std::vector<CheckResult> SagaCheckAccumulator::results() const {
  CheckResult atomicity{"saga_atomicity", 0, {}, ""};
  atomicity_.into(atomicity);
  atomicity.summary = std::to_string(sagas_) + " sagas, " +
                      std::to_string(atomicity.violations) + " with partial effects";
  CheckResult lost{"no_lost_work", 0, {}, ""};
  lost_.into(lost);
  lost.summary = std::to_string(sagas_) + " accepted, " + std::to_string(stuck_) + " stuck, " +
                 std::to_string(forgotten_) + " forgotten";
  CheckResult once{"effect_once", 0, {}, ""};
  effect_once_.into(once);
  once.summary = (once.violations > 0 ? std::to_string(once.violations) +
                                            " effects applied twice or after compensation; "
                                      : std::string()) +
                 std::to_string(duplicates_) + " duplicates absorbed, " +
                 std::to_string(null_compensations_) + " null compensations, " +
                 std::to_string(hanging_refused_) + " hanging actions refused" +
                 (late_ops_ > 0 ? "; " + std::to_string(late_ops_) +
                                      " requests arrived after their saga's records were forgotten"
                                : std::string());
  CheckResult order{"compensation_order", 0, {}, ""};
  order_.into(order);
  order.summary = compensation_order_summary(compensations_checked_, compensations_unordered_);
  return {atomicity, lost, once, order};
}

SplitHistory split_by_saga(const saga::SagaHistory& history) {
  SplitHistory split;
  std::map<std::uint64_t, std::size_t> first;  // saga id -> its first record
  split.sagas.reserve(history.sagas.size());
  for (std::size_t i = 0; i < history.sagas.size(); ++i) {
    const auto& saga = history.sagas[i];
    split.sagas.push_back({saga, i, {}});
    first.emplace(saga.saga_id, i);
  }
  std::map<std::uint64_t, std::vector<saga::SequencedOp>> unaccepted;
  for (std::size_t i = 0; i < history.ops.size(); ++i) {
    const auto& op = history.ops[i];
    const auto found = first.find(op.saga_id);
    auto& ops = found != first.end() ? split.sagas[found->second].ops : unaccepted[op.saga_id];
    ops.push_back({i, op});
  }
  split.unaccepted.assign(std::make_move_iterator(unaccepted.begin()),
                          std::make_move_iterator(unaccepted.end()));
  return split;
}

}  // namespace txsim::check
