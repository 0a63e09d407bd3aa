#include "core/check/saga_checks.h"

#include <algorithm>
#include <map>
#include <utility>

namespace txsim::check {
namespace {

std::string subject(const SagaInstance& saga) {
  return "saga " + std::to_string(saga.saga_id) + " (" + saga.definition->name + ")";
}

std::string step_name(const SagaInstance& saga, std::uint32_t step) {
  return "'" + saga.definition->steps.at(step).name + "'";
}

std::map<std::uint64_t, const SagaInstance*> index_sagas(const SagaHistory& history) {
  std::map<std::uint64_t, const SagaInstance*> by_id;
  for (const auto& saga : history.sagas) by_id.emplace(saga.saga_id, &saga);
  return by_id;
}

std::string list(const SagaInstance& saga, const std::vector<std::uint32_t>& steps) {
  std::string text;
  for (const auto s : steps) text += (text.empty() ? "" : ", ") + step_name(saga, s);
  return text.empty() ? "none" : text;
}

}  // namespace

CheckResult check_saga_atomicity(const SagaHistory& history) {
  CheckResult result{"saga_atomicity", 0, {}, ""};
  for (const auto& saga : history.sagas) {
    std::vector<std::uint32_t> present, absent;
    for (std::uint32_t s = 0; s < saga.definition->steps.size(); ++s) {
      (history.effect_present(saga.saga_id, s) ? present : absent).push_back(s);
    }
    if (!present.empty() && !absent.empty()) {
      result.add({subject(saga),
                  "effects present for " + list(saga, present) + " but absent for " +
                      list(saga, absent),
                  // A saga without an outcome has no finished_at: timed at its acceptance.
                  saga.outcome == SagaOutcome::kNone ? saga.accepted_at : saga.finished_at});
    }
  }
  result.summary = std::to_string(history.sagas.size()) + " sagas, " +
                   std::to_string(result.violations) + " with partial effects";
  return result;
}

CheckResult check_no_lost_work(const SagaHistory& history) {
  CheckResult result{"no_lost_work", 0, {}, ""};
  std::uint64_t stuck = 0, forgotten = 0;
  for (const auto& saga : history.sagas) {
    if (saga.outcome == SagaOutcome::kCommitted || saga.outcome == SagaOutcome::kCompensated) {
      continue;
    }
    const bool is_stuck = saga.outcome == SagaOutcome::kStuck;
    (is_stuck ? stuck : forgotten) += 1;
    result.add({subject(saga),
                is_stuck ? "reported stuck: no definite outcome before the deadline"
                         : "accepted but never reached an outcome (forgotten)",
                is_stuck ? saga.finished_at : saga.accepted_at});
  }
  result.summary = std::to_string(history.sagas.size()) + " accepted, " +
                   std::to_string(stuck) + " stuck, " + std::to_string(forgotten) + " forgotten";
  return result;
}

CheckResult check_effect_once(const SagaHistory& history) {
  CheckResult result{"effect_once", 0, {}, ""};
  const auto sagas = index_sagas(history);
  struct Seen {
    std::uint32_t actions_applied = 0;
    std::uint32_t compensations_applied = 0;
    bool compensation_seen = false;  // applied or recorded as a null compensation
  };
  std::map<std::pair<std::uint64_t, std::uint32_t>, Seen> seen;
  std::uint64_t null_compensations = 0, hanging_refused = 0, duplicates = 0;
  for (const auto& op : history.ops) {
    Seen& s = seen[{op.saga_id, op.step}];
    const auto found = sagas.find(op.saga_id);
    const std::string who = found != sagas.end() ? subject(*found->second)
                                                 : "saga " + std::to_string(op.saga_id);
    const std::string step = found != sagas.end() ? step_name(*found->second, op.step)
                                                  : std::to_string(op.step);
    switch (op.result) {
      case OpResult::kDuplicate: ++duplicates; break;
      case OpResult::kNullCompensation:
        ++null_compensations;
        s.compensation_seen = true;
        break;
      case OpResult::kRefusedHanging: ++hanging_refused; break;
      case OpResult::kRejected: break;
      case OpResult::kApplied:
        if (op.type == OpType::kAction) {
          if (++s.actions_applied == 2) {
            result.add({who, "action of step " + step + " applied twice", op.at});
          }
          if (s.compensation_seen) {
            result.add({who, "action of step " + step + " applied after its compensation (hanging)",
                        op.at});
          }
        } else {
          s.compensation_seen = true;
          if (++s.compensations_applied == 2) {
            result.add({who, "compensation of step " + step + " applied twice", op.at});
          }
        }
        break;
    }
  }
  result.summary = (result.violations > 0 ? std::to_string(result.violations) +
                                                  " effects applied twice or after compensation; "
                                            : std::string()) +
                   std::to_string(duplicates) + " duplicates absorbed, " +
                   std::to_string(null_compensations) + " null compensations, " +
                   std::to_string(hanging_refused) + " hanging actions refused";
  return result;
}

std::string compensation_order_summary(std::uint64_t checked, std::uint64_t unordered) {
  return std::to_string(checked) + " compensations checked against reverse order" +
         (unordered > 0 ? "; " + std::to_string(unordered) +
                              " in sagas compensated in parallel (no order required)"
                        : std::string());
}

CheckResult check_compensation_order(const SagaHistory& history) {
  CheckResult result{"compensation_order", 0, {}, ""};
  const auto sagas = index_sagas(history);
  // Position in the history of each applied compensation, per saga and step.
  std::map<std::pair<std::uint64_t, std::uint32_t>, std::size_t> applied_at;
  for (std::size_t i = 0; i < history.ops.size(); ++i) {
    const auto& op = history.ops[i];
    if (op.type == OpType::kCompensation && op.result == OpResult::kApplied) {
      applied_at.emplace(std::pair{op.saga_id, op.step}, i);
    }
  }
  std::uint64_t checked = 0;
  std::uint64_t unordered = 0;
  for (const auto& [key, position] : applied_at) {
    const auto found = sagas.find(key.first);
    if (found == sagas.end()) continue;
    const SagaInstance& saga = *found->second;
    if (saga.definition->compensation_order != saga::CompensationOrder::kReverse) {
      ++unordered;
      continue;
    }
    ++checked;
    const auto& steps = saga.definition->steps;
    for (std::uint32_t next = 0; next < steps.size(); ++next) {
      const auto& after = steps[next].after;
      if (std::find(after.begin(), after.end(), key.second) == after.end()) continue;
      const auto successor = applied_at.find({key.first, next});
      if (successor != applied_at.end() && successor->second > position) {
        result.add({subject(saga),
                    "step " + step_name(saga, key.second) + " was compensated before its successor " +
                        step_name(saga, next),
                    history.ops[position].at});
      }
    }
  }
  result.summary = compensation_order_summary(checked, unordered);
  return result;
}

}  // namespace txsim::check
