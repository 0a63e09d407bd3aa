// Read freshness, session guarantees, dirty reads and convergence of CQRS view replicas,
// computed after a run from its ReadHistory (core/check/read_history.h holds the model and the
// definitions; this header adds the few choices those definitions leave open).
//
// Sources: Bailis et al., "Probabilistically Bounded Staleness for Practical Partial Quorums",
// VLDB 2012 (t-visibility, k-staleness); Terry et al., "Session Guarantees for Weakly
// Consistent Replicated Data", PDIS 1994 (read-your-writes, monotonic reads).
//
// Choices made here:
// - A version v of an aggregate is *visible* in a replica from the first time the replica
//   applied v or any higher version of that aggregate (a read returns the highest applied
//   version, so a replica that skips v still shows v's effect overwritten). Time to visibility
//   is that time minus v's commit time.
// - "Before" is strict: a read issued at the commit instant does not have to see the version.
// - Timed-out reads saw nothing: they count in `timeouts`, never as stale reads, never as
//   session-guarantee violations or dirty reads (they cost availability, not consistency).
// - Monotonic reads compare a session's reads of one aggregate in order of issue time (ties in
//   record order).
// - The t-visibility curve takes one sample per answered read: the latest version of its
//   aggregate committed before the read was issued, at t = issue time - its commit time, seen
//   when version_seen >= it. Reads of aggregates with nothing committed yet give no sample.
//   (PBS's t-visibility: the probability that a read issued t after the last write commits
//   returns it.) Buckets are [k w, (k+1) w); the last bucket also holds every larger t.
//
// Check rules (CheckResult names):
// - "freshness": fails only when the run ended quiescent (nothing left to deliver) and some
//   (version, replica) pair never became visible; before quiescence an unapplied version may
//   still be in flight, so it is reported but not a violation. One violation per such pair.
// - "session_guarantees": one violation per read breaking read-your-writes and one per read
//   breaking monotonic reads; each example names both events of its witness pair.
// - "dirty_reads": one violation per answered read that saw a version marked
//   compensated_later, naming the read and the compensated commit.
// - "convergence": one violation per (replica, aggregate) whose last committed version is not
//   visible in the replica at the end of the run.
//
// All times are virtual time in integer nanoseconds (sim::Time, sim::Duration).
// Cost: O((commits + applies + reads) log n) time and O(commits + applies + reads) memory,
// except the time-to-visibility quantiles, which hold one duration per (version, replica) pair.
//
// Errors: a malformed history throws std::invalid_argument naming the offending record:
// versions of an aggregate not 1, 2, 3, ... (in any record order), commit times decreasing with
// version, an apply of a version never committed or before its commit, a replica index without
// a name, a read that saw a version never committed or was answered before it was issued.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/check/check_result.h"
#include "core/check/read_history.h"
#include "core/sim/time.h"

namespace txsim::check {

/// Exact order statistics of a set of durations; quantiles by nearest rank, max(1, ceil(q n)).
struct DurationSummary {
  std::uint64_t count = 0;
  sim::Duration mean;  // rounded toward zero to whole nanoseconds
  sim::Duration p50;
  sim::Duration p99;
  sim::Duration max;
};

/// Summarizes `values` (their order does not matter); all zero when empty.
DurationSummary summarize_durations(std::vector<sim::Duration> values);

struct ReplicaVisibility {
  std::string name;
  DurationSummary time_to_visibility;  // over the versions that became visible in it
  std::uint64_t visible = 0;           // committed versions visible by the end
  std::uint64_t never_visible = 0;     // committed versions not visible by the end
  std::uint64_t reads = 0;             // answered reads through this replica
  std::uint64_t stale_reads = 0;
};

/// Per-read freshness, indexed like ReadHistory::reads.
struct ReadFreshness {
  bool stale = false;
  std::uint64_t staleness_versions = 0;  // committed-before-issue versions above version_seen
  sim::Duration staleness;               // issue time - commit of the oldest of them; 0 if fresh
};

struct TVisibilityBucket {
  sim::Duration t_from;      // the bucket holds samples with t in [t_from, t_from + width)
  std::uint64_t reads = 0;   // samples in the bucket
  std::uint64_t saw = 0;     // of which saw the version (or a newer one)
  double probability() const { return reads == 0 ? 0.0 : static_cast<double>(saw) / reads; }
};

struct ConvergenceResult {
  bool converged = true;
  // Latest time a final version became visible in a replica, minus the latest commit; 0 with no
  // commits; meaningful only when converged.
  sim::Duration lag;
};

struct FreshnessOptions {
  bool quiescent = true;  // the run ended with nothing left in flight (see "freshness" above)
  // Width of the t-visibility buckets; 0 (the default) picks a round width (1, 2 or 5 times a
  // power of ten nanoseconds, at least 1 us) so that the buckets cover about 1.25 times the
  // largest time to visibility. REQUIRES: >= 0.
  sim::Duration t_visibility_bucket;
  std::size_t t_visibility_buckets = 40;  // REQUIRES: >= 1
};

/// Everything the checks and the report need, computed in one pass over the history.
struct FreshnessAnalysis {
  FreshnessOptions options;
  std::uint64_t commits = 0;
  // Over (committed version, replica) pairs.
  DurationSummary time_to_visibility;
  std::uint64_t never_visible = 0;
  std::vector<ReplicaVisibility> replicas;  // indexed like ReadHistory::replica_names

  std::vector<ReadFreshness> reads;  // indexed like ReadHistory::reads
  std::uint64_t answered_reads = 0;  // reads that did not time out
  std::uint64_t timeouts = 0;
  std::uint64_t stale_reads = 0;
  double stale_read_fraction = 0;             // stale / answered; 0 with no answered read
  DurationSummary staleness;                  // over answered reads (0 for a fresh read)
  std::vector<std::uint64_t> staleness_versions_sorted;  // over answered reads, ascending
  std::vector<TVisibilityBucket> t_visibility;
  sim::Duration t_visibility_bucket;  // the width used

  CheckResult freshness;
  CheckResult read_your_writes;    // name "read_your_writes"
  CheckResult monotonic_reads;     // name "monotonic_reads"
  CheckResult dirty_reads;
  CheckResult convergence;
  ConvergenceResult convergence_result;
  std::uint64_t sessions = 0;  // distinct non-zero sessions with an answered read
};

/// Analyzes a run's read side. Throws std::invalid_argument on a malformed history.
FreshnessAnalysis analyze_freshness(const ReadHistory& history, const FreshnessOptions& options = {});

/// The four checks, in this order: freshness, session_guarantees, dirty_reads, convergence.
std::vector<CheckResult> freshness_checks(const FreshnessAnalysis& analysis);
/// read_your_writes and monotonic_reads merged into one result named "session_guarantees";
/// examples are the earliest of both kinds, in time order.
CheckResult check_session_guarantees(const FreshnessAnalysis& analysis);

/// Per replica over time: position lag (committed versions not yet visible) and the age of the
/// oldest of them (0 when caught up), sampled at t = 0, i, 2i, ... up to the first sample at or
/// after history.end; each sample is the value after every event at or before t. The interval
/// doubles until there are at most max_points samples.
struct ReplicaLagSeries {
  std::string replica;
  std::vector<std::uint64_t> position_lag;
  std::vector<sim::Duration> oldest_unapplied_age;
};
struct LagSeries {
  sim::Duration interval;
  std::vector<sim::Time> times;
  std::vector<ReplicaLagSeries> replicas;  // indexed like ReadHistory::replica_names
};
/// REQUIRES: interval > 0, max_points >= 2 (std::invalid_argument otherwise).
LagSeries lag_over_time(const ReadHistory& history, sim::Duration interval,
                        std::size_t max_points = 2000);

/// Answered reads grouped by issue time into [k i, (k+1) i): per interval the read count, the
/// stale-read count and the largest staleness. Same sampling grid rule as lag_over_time.
struct ReadStalenessSeries {
  sim::Duration interval;
  std::vector<sim::Time> times;  // start of each interval
  std::vector<std::uint64_t> reads;
  std::vector<std::uint64_t> stale_reads;
  std::vector<sim::Duration> max_staleness;
};
ReadStalenessSeries read_staleness_over_time(const ReadHistory& history,
                                             const FreshnessAnalysis& analysis,
                                             sim::Duration interval,
                                             std::size_t max_points = 2000);

}  // namespace txsim::check
