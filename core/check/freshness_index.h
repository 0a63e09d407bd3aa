// Internal to the freshness checkers: a validated, sorted index over a ReadHistory that answers
// "commit time of version v of aggregate a" and "when did version v become visible in replica
// r" in O(log n). Not part of the public API (core/check/freshness_checks.h).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/check/read_history.h"

namespace txsim::check::detail {

class FreshnessIndex {
 public:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

  /// Validates and indexes `history`; throws std::invalid_argument on a malformed one.
  explicit FreshnessIndex(const ReadHistory& history);

  std::size_t replicas() const { return replicas_; }
  std::size_t aggregates() const { return ids_.size(); }
  std::uint64_t aggregate_id(std::size_t a) const { return ids_[a]; }
  /// Index of an aggregate id, or kNone when nothing of it was committed.
  std::size_t find(std::uint64_t aggregate) const;
  /// Committed versions of aggregate index a (its last version).
  std::uint64_t versions(std::size_t a) const { return first_[a + 1] - first_[a]; }
  /// REQUIRES: 1 <= v <= versions(a).
  const CommittedVersion& commit(std::size_t a, std::uint64_t v) const {
    return *commits_[first_[a] + v - 1];
  }
  /// Number of versions of aggregate a committed strictly before t.
  std::uint64_t committed_before(std::size_t a, sim::Time t) const;

  /// A step of a replica's staircase for one aggregate: from `at` on it shows `version`.
  struct Step {
    sim::Time at;
    std::uint64_t version;
  };
  /// The staircase of replica r for aggregate a (strictly increasing versions, non-decreasing
  /// times); empty when the replica never applied anything of it.
  const Step* steps_begin(std::size_t r, std::size_t a) const;
  const Step* steps_end(std::size_t r, std::size_t a) const;
  /// When version v of aggregate a became visible in replica r (first apply of a version >= v).
  std::optional<sim::Time> visible_at(std::size_t r, std::size_t a, std::uint64_t v) const;
  /// The version replica r shows for aggregate a at the end of the run.
  std::uint64_t final_version(std::size_t r, std::size_t a) const;

 private:
  std::size_t group(std::size_t r, std::size_t a) const;

  std::size_t replicas_ = 0;
  std::vector<std::uint64_t> ids_;                // sorted aggregate ids
  std::vector<std::size_t> first_;                // commits_[first_[a] .. first_[a+1])
  std::vector<const CommittedVersion*> commits_;  // by (aggregate, version)
  std::vector<sim::Time> commit_times_;           // the same order, contiguous for searching
  std::vector<std::uint64_t> group_keys_;         // sorted r * aggregates + a, one per staircase
  std::vector<std::size_t> group_first_;          // steps_[group_first_[g] .. group_first_[g+1])
  std::vector<Step> steps_;
};

}  // namespace txsim::check::detail
