// The saga checks (core/check/saga_checks.h) computed one saga at a time: each settled saga's
// records are folded into compact per-check accumulators — counts and at most
// CheckResult::kMaxExamples examples — and can then be dropped, so that a long run keeps memory
// for the sagas in flight, not for every saga it ran.
//
// Folding every saga of a history, in any order, gives exactly what the whole-history checks
// give (same violations, summaries, and examples in the same order): every check decides a
// saga's violations from that saga's own records, and the examples kept are the first ones in
// the whole-history checks' order of discovery, recovered from an ordering key —
//  - saga_atomicity, no_lost_work: the saga's position among accepted sagas;
//  - effect_once: the position of the offending operation among all operations;
//  - compensation_order: (saga id, compensated step, successor step).
// An example is kept only while it is among the first kMaxExamples by that key.
//
// Operations that arrive for a saga after it was folded (possible only when a retention
// horizon is shorter than a request can stay in flight, runner/saga_retention.h) are folded
// with fold_late(): an applied one is an effect_once violation — the barrier record that would
// have absorbed it was already forgotten.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <tuple>
#include <utility>
#include <vector>

#include "core/check/check_result.h"
#include "core/txn/saga/history.h"

namespace txsim::check {

/// A check's violation count and its first examples by an ordering key.
template <typename Key>
class FirstExamples {
 public:
  void add(Key key, Violation violation) {
    ++violations_;
    const auto at = std::upper_bound(
        examples_.begin(), examples_.end(), key,
        [](const Key& k, const std::pair<Key, Violation>& e) { return k < e.first; });
    if (at == examples_.end() && examples_.size() >= CheckResult::kMaxExamples) return;
    examples_.insert(at, {std::move(key), std::move(violation)});
    if (examples_.size() > CheckResult::kMaxExamples) examples_.pop_back();
  }
  /// Fills `result`'s violations and examples.
  void into(CheckResult& result) const {
    result.violations = violations_;
    result.examples.clear();
    for (const auto& [key, violation] : examples_) result.examples.push_back(violation);
  }

 private:
  std::uint64_t violations_ = 0;
  std::vector<std::pair<Key, Violation>> examples_;  // sorted by key, at most kMaxExamples
};

class SagaCheckAccumulator {
 public:
  /// Whether step `step`'s effect of the saga being folded is present in its service's store.
  using EffectPresent = std::function<bool(std::uint32_t step)>;

  /// Folds one accepted saga: its outcome, its operations, the actual state of its effects.
  /// REQUIRES: record.instance.definition is set.
  void fold(const saga::SagaRecord& record, const EffectPresent& effect_present);
  /// Folds the operations of a saga the history never accepted (no definition to name).
  void fold_unaccepted(std::uint64_t saga_id, const std::vector<saga::SequencedOp>& ops);
  /// Folds operations that arrived after their saga had been folded.
  void fold_late(const std::vector<saga::SequencedOp>& ops);

  std::uint64_t sagas() const { return sagas_; }
  /// saga_atomicity, no_lost_work, effect_once, compensation_order — in that order.
  std::vector<CheckResult> results() const;

 private:
  void fold_effect_once(std::uint64_t saga_id, const saga::SagaDefinition* definition,
                        const std::vector<saga::SequencedOp>& ops);
  void fold_compensation_order(const saga::SagaRecord& record);
  void count(const saga::ParticipantOp& op);

  std::uint64_t sagas_ = 0;
  FirstExamples<std::uint64_t> atomicity_;
  FirstExamples<std::uint64_t> lost_;
  std::uint64_t stuck_ = 0, forgotten_ = 0;
  FirstExamples<std::pair<std::uint64_t, int>> effect_once_;  // (op seq, 0 twice / 1 hanging)
  std::uint64_t duplicates_ = 0, null_compensations_ = 0, hanging_refused_ = 0;
  std::uint64_t late_ops_ = 0;
  FirstExamples<std::tuple<std::uint64_t, std::uint32_t, std::uint32_t>> order_;
  std::uint64_t compensations_checked_ = 0;
  std::uint64_t compensations_unordered_ = 0;  // in sagas compensated in parallel
};

/// Splits a whole history into one record per accepted saga (in acceptance order) and the
/// operations of sagas it never accepted (by saga id), with their positions as seq.
struct SplitHistory {
  std::vector<saga::SagaRecord> sagas;
  std::vector<std::pair<std::uint64_t, std::vector<saga::SequencedOp>>> unaccepted;
};
SplitHistory split_by_saga(const saga::SagaHistory& history);

}  // namespace txsim::check
