// Model-based properties of the freshness checkers: over random small histories (few aggregates,
// versions, replicas, sessions and coarse times, so that ties are common), the indexed
// O(n log n) analysis agrees with brute-force references written straight from the definitions
// in core/check/read_history.h.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <optional>

#include "core/check/freshness_checks.h"

namespace txsim::check {
namespace {

sim::Time at_ms(int ms) { return sim::Time::zero() + sim::milliseconds(ms); }

ReadHistory random_history() {
  ReadHistory h;
  const int replicas = *rc::gen::inRange(1, 4);
  for (int r = 0; r < replicas; ++r) h.replica_names.push_back("r" + std::to_string(r));
  const int aggregates = *rc::gen::inRange(1, 4);
  std::vector<int> versions(static_cast<std::size_t>(aggregates));
  for (int a = 0; a < aggregates; ++a) {
    versions[static_cast<std::size_t>(a)] = *rc::gen::inRange(0, 5);
    int t = 0;
    for (int v = 1; v <= versions[static_cast<std::size_t>(a)]; ++v) {
      t += *rc::gen::inRange(0, 4);
      h.commits.push_back({static_cast<std::uint64_t>(a), static_cast<std::uint64_t>(v), at_ms(t),
                           static_cast<SessionId>(*rc::gen::inRange(0, 3)),
                           *rc::gen::inRange(0, 5) == 0});
    }
  }
  // Record commits in a shuffled order: the checker must not rely on record order.
  std::reverse(h.commits.begin(), h.commits.end());
  const auto commit_time = [&](int a, int v) {
    for (const auto& c : h.commits) {
      if (c.aggregate == static_cast<std::uint64_t>(a) && c.version == static_cast<std::uint64_t>(v)) {
        return c.committed_at;
      }
    }
    return sim::Time();
  };
  const int applies = *rc::gen::inRange(0, 20);
  for (int i = 0; i < applies; ++i) {
    const int a = *rc::gen::inRange(0, aggregates);
    if (versions[static_cast<std::size_t>(a)] == 0) continue;
    const int v = *rc::gen::inRange(1, versions[static_cast<std::size_t>(a)] + 1);
    h.applies.push_back({static_cast<std::uint32_t>(*rc::gen::inRange(0, replicas)),
                         static_cast<std::uint64_t>(a), static_cast<std::uint64_t>(v),
                         commit_time(a, v) + sim::milliseconds(*rc::gen::inRange(0, 10))});
  }
  const int reads = *rc::gen::inRange(0, 30);
  for (int i = 0; i < reads; ++i) {
    const int a = *rc::gen::inRange(0, aggregates + 1);  // aggregates itself: nothing committed
    const int max_seen = a < aggregates ? versions[static_cast<std::size_t>(a)] : 0;
    const sim::Time issued = at_ms(*rc::gen::inRange(0, 25));
    h.reads.push_back({static_cast<SessionId>(*rc::gen::inRange(0, 3)),
                       static_cast<std::uint32_t>(*rc::gen::inRange(0, replicas)),
                       static_cast<std::uint64_t>(a), issued, issued + sim::milliseconds(1),
                       static_cast<std::uint64_t>(*rc::gen::inRange(0, max_seen + 1)),
                       *rc::gen::inRange(0, 6) == 0});
  }
  h.end = at_ms(40);
  return h;
}

// For every answered read, staleness in versions is the number of versions of its aggregate
// committed strictly before its issue that are above the version it saw, and staleness in time
// is the issue time minus the oldest such commit (0 when there is none).
RC_GTEST_PROP(FreshnessProperties, StalenessMatchesBruteForce, ()) {
  const ReadHistory h = random_history();
  const auto a = analyze_freshness(h);
  for (std::size_t i = 0; i < h.reads.size(); ++i) {
    const auto& read = h.reads[i];
    std::uint64_t missed = 0;
    std::optional<sim::Time> oldest;
    for (const auto& c : h.commits) {
      if (read.timed_out || c.aggregate != read.aggregate || c.committed_at >= read.issued_at ||
          c.version <= read.version_seen) {
        continue;
      }
      ++missed;
      if (!oldest || c.committed_at < *oldest) oldest = c.committed_at;
    }
    RC_ASSERT(a.reads[i].staleness_versions == missed);
    RC_ASSERT(a.reads[i].stale == (missed > 0));
    RC_ASSERT(a.reads[i].staleness == (oldest ? read.issued_at - *oldest : sim::Duration()));
  }
}

// A read-your-writes violation is an answered read by session s of an aggregate for which s
// committed, strictly before the issue, a version higher than the one seen; a monotonic-read
// violation is an answered read that saw less than an earlier-issued (ties: earlier-recorded)
// answered read of the same session and aggregate.
RC_GTEST_PROP(FreshnessProperties, SessionGuaranteesMatchBruteForce, ()) {
  const ReadHistory h = random_history();
  const auto a = analyze_freshness(h);
  std::uint64_t ryw = 0, monotonic = 0;
  for (std::size_t j = 0; j < h.reads.size(); ++j) {
    const auto& read = h.reads[j];
    if (read.session == 0 || read.timed_out) continue;
    bool own_missed = false;
    for (const auto& c : h.commits) {
      own_missed |= c.writer == read.session && c.aggregate == read.aggregate &&
                    c.committed_at < read.issued_at && c.version > read.version_seen;
    }
    ryw += own_missed ? 1 : 0;
    bool went_back = false;
    for (std::size_t i = 0; i < h.reads.size(); ++i) {
      const auto& earlier = h.reads[i];
      const bool before = earlier.issued_at < read.issued_at ||
                          (earlier.issued_at == read.issued_at && i < j);
      went_back |= before && !earlier.timed_out && earlier.session == read.session &&
                   earlier.aggregate == read.aggregate && earlier.version_seen > read.version_seen;
    }
    monotonic += went_back ? 1 : 0;
  }
  RC_ASSERT(a.read_your_writes.violations == ryw);
  RC_ASSERT(a.monotonic_reads.violations == monotonic);
  RC_ASSERT(check_session_guarantees(a).violations == ryw + monotonic);
}

// Version v is visible in replica r from the earliest apply in r of a version >= v of its
// aggregate; never-visible pairs, the largest time to visibility and convergence follow.
RC_GTEST_PROP(FreshnessProperties, VisibilityAndConvergenceMatchBruteForce, ()) {
  const ReadHistory h = random_history();
  const auto a = analyze_freshness(h);
  std::uint64_t never = 0, visible = 0;
  sim::Duration max_ttv;
  bool converged = true;
  for (std::uint32_t r = 0; r < h.replica_names.size(); ++r) {
    for (const auto& c : h.commits) {
      std::optional<sim::Time> first;
      for (const auto& ap : h.applies) {
        if (ap.replica == r && ap.aggregate == c.aggregate && ap.version >= c.version &&
            (!first || ap.applied_at < *first)) {
          first = ap.applied_at;
        }
      }
      if (!first) {
        ++never;
        bool is_last = true;
        for (const auto& other : h.commits) {
          is_last &= !(other.aggregate == c.aggregate && other.version > c.version);
        }
        converged &= !is_last;
        continue;
      }
      ++visible;
      max_ttv = std::max(max_ttv, *first - c.committed_at);
    }
  }
  RC_ASSERT(a.never_visible == never);
  RC_ASSERT(a.time_to_visibility.count == visible);
  RC_ASSERT(a.time_to_visibility.max == max_ttv);
  RC_ASSERT(a.convergence_result.converged == converged);
  RC_ASSERT(a.freshness.violations == never);  // default options: quiescent
}

// Every answered read of an aggregate with a committed version gives one t-visibility sample.
RC_GTEST_PROP(FreshnessProperties, TVisibilitySamplesEveryEligibleRead, ()) {
  const ReadHistory h = random_history();
  const auto a = analyze_freshness(h);
  std::uint64_t eligible = 0;
  for (const auto& read : h.reads) {
    bool any = false;
    for (const auto& c : h.commits) any |= c.aggregate == read.aggregate && c.committed_at < read.issued_at;
    eligible += (!read.timed_out && any) ? 1 : 0;
  }
  std::uint64_t samples = 0;
  for (const auto& b : a.t_visibility) {
    samples += b.reads;
    RC_ASSERT(b.saw <= b.reads);
  }
  RC_ASSERT(samples == eligible);
}

}  // namespace
}  // namespace txsim::check
