// The freshness checkers on hand-made read histories: a clean history passes every check, each
// violation kind is found with its witness pair, and the figures match values derived by hand.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "core/check/freshness_checks.h"

namespace txsim::check {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

sim::Time at_ms(std::int64_t ms) { return sim::Time::zero() + sim::milliseconds(ms); }

class History {
 public:
  explicit History(std::vector<std::string> replicas, std::int64_t end_ms = 100) {
    h.replica_names = std::move(replicas);
    h.end = at_ms(end_ms);
  }
  History& commit(std::uint64_t aggregate, std::uint64_t version, std::int64_t ms,
                  SessionId writer = 0, bool compensated = false) {
    h.commits.push_back({aggregate, version, at_ms(ms), writer, compensated});
    return *this;
  }
  History& apply(std::uint32_t replica, std::uint64_t aggregate, std::uint64_t version,
                 std::int64_t ms) {
    h.applies.push_back({replica, aggregate, version, at_ms(ms)});
    return *this;
  }
  History& read(SessionId session, std::uint32_t replica, std::uint64_t aggregate,
                std::int64_t ms, std::uint64_t seen, bool timed_out = false) {
    h.reads.push_back({session, replica, aggregate, at_ms(ms), at_ms(ms + 1), seen, timed_out});
    return *this;
  }
  ReadHistory h;
};

// Aggregate 1: v1 committed at 10 ms, v2 at 20 ms. Replica A applies them at 12 and 25 ms,
// replica B at 15 and 21 ms. Every read sees what was committed before it.
History clean() {
  History x({"A", "B"}, 40);
  x.commit(1, 1, 10, 1).commit(1, 2, 20, 1);
  x.apply(0, 1, 1, 12).apply(0, 1, 2, 25).apply(1, 1, 1, 15).apply(1, 1, 2, 21);
  x.read(2, 1, 1, 16, 1).read(1, 0, 1, 30, 2).read(1, 0, 1, 31, 2);
  return x;
}

TEST(FreshnessChecks, CleanHistoryPassesEveryCheckWithHandDerivedFigures) {
  const auto a = analyze_freshness(clean().h);
  for (const auto& check : freshness_checks(a)) EXPECT_TRUE(check.passed()) << check.name;
  // Time to visibility (ms): A 2, 5; B 5, 1. Sorted 1 2 5 5: p50 = 2nd = 2, p99 = 4th = 5,
  // mean 13/4 = 3.25.
  EXPECT_EQ(a.time_to_visibility.count, 4u);
  EXPECT_EQ(a.time_to_visibility.p50, sim::milliseconds(2));
  EXPECT_EQ(a.time_to_visibility.p99, sim::milliseconds(5));
  EXPECT_EQ(a.time_to_visibility.max, sim::milliseconds(5));
  EXPECT_EQ(a.time_to_visibility.mean, sim::microseconds(3250));
  EXPECT_EQ(a.replicas[1].time_to_visibility.p50, sim::milliseconds(1));
  // Automatic t-visibility bucket: 1.25 x 5 ms / 40 buckets = 156.25 us, rounded up to 200 us.
  EXPECT_EQ(a.t_visibility_bucket, sim::microseconds(200));
  EXPECT_EQ(a.never_visible, 0u);
  EXPECT_EQ(a.stale_reads, 0u);
  EXPECT_EQ(a.stale_read_fraction, 0.0);
  // Final versions visible at 25 (A) and 21 (B); last commit 20: lag 5 ms.
  EXPECT_TRUE(a.convergence_result.converged);
  EXPECT_EQ(a.convergence_result.lag, sim::milliseconds(5));
  const auto checks = freshness_checks(a);
  ASSERT_EQ(checks.size(), 4u);
  EXPECT_EQ(checks[0].name, "freshness");
  EXPECT_EQ(checks[1].name, "session_guarantees");
  EXPECT_EQ(checks[2].name, "dirty_reads");
  EXPECT_EQ(checks[3].name, "convergence");
}

// Aggregate 7: v1 at 10 ms, v2 at 20, v3 at 30. Replica R applies v1 at 12 and v3 at 45 (v2 is
// visible from 45 on, overwritten). Reads: at 25 sees v1, at 40 sees v1, at 50 sees v3.
History three_reads() {
  History x({"R"}, 60);
  x.commit(7, 1, 10).commit(7, 2, 20).commit(7, 3, 30);
  x.apply(0, 7, 1, 12).apply(0, 7, 3, 45);
  x.read(0, 0, 7, 25, 1).read(0, 0, 7, 40, 1).read(0, 0, 7, 50, 3);
  return x;
}

TEST(FreshnessChecks, StalenessAndTVisibilityOfThreeReads) {
  FreshnessOptions options;
  options.t_visibility_bucket = sim::milliseconds(10);
  options.t_visibility_buckets = 3;
  const auto a = analyze_freshness(three_reads().h, options);
  // Read at 25: v1, v2 committed before it, saw v1: 1 version behind, oldest missed v2 (20 ms)
  // -> 5 ms. Read at 40: v2, v3 missed -> 2 versions, 40 - 20 = 20 ms. Read at 50: fresh.
  ASSERT_EQ(a.reads.size(), 3u);
  EXPECT_TRUE(a.reads[0].stale);
  EXPECT_EQ(a.reads[0].staleness_versions, 1u);
  EXPECT_EQ(a.reads[0].staleness, sim::milliseconds(5));
  EXPECT_EQ(a.reads[1].staleness_versions, 2u);
  EXPECT_EQ(a.reads[1].staleness, sim::milliseconds(20));
  EXPECT_FALSE(a.reads[2].stale);
  EXPECT_EQ(a.reads[2].staleness, sim::Duration());
  EXPECT_EQ(a.stale_reads, 2u);
  EXPECT_DOUBLE_EQ(a.stale_read_fraction, 2.0 / 3.0);
  // Staleness 0, 5, 20 ms: p50 = 2nd = 5, max 20.
  EXPECT_EQ(a.staleness.p50, sim::milliseconds(5));
  EXPECT_EQ(a.staleness.max, sim::milliseconds(20));
  EXPECT_EQ(a.staleness_versions_sorted, (std::vector<std::uint64_t>{0, 1, 2}));
  // t-visibility samples: (25 - 20 = 5 ms, missed v2), (40 - 30 = 10 ms, missed v3),
  // (50 - 30 = 20 ms, saw v3). Buckets [0,10) [10,20) [20,inf): 0/1, 0/1, 1/1.
  ASSERT_EQ(a.t_visibility.size(), 3u);
  EXPECT_EQ(a.t_visibility[0].t_from, sim::Duration());
  EXPECT_EQ(a.t_visibility[1].t_from, sim::milliseconds(10));
  for (std::size_t k = 0; k < 3; ++k) EXPECT_EQ(a.t_visibility[k].reads, 1u) << k;
  EXPECT_EQ(a.t_visibility[0].probability(), 0.0);
  EXPECT_EQ(a.t_visibility[1].probability(), 0.0);
  EXPECT_EQ(a.t_visibility[2].probability(), 1.0);
  // Time to visibility in R: v1 2 ms, v2 45 - 20 = 25 ms, v3 15 ms.
  EXPECT_EQ(a.time_to_visibility.max, sim::milliseconds(25));
  EXPECT_EQ(a.time_to_visibility.p50, sim::milliseconds(15));
  EXPECT_TRUE(a.freshness.passed());
}

TEST(FreshnessChecks, ReadYourWritesViolationNamesTheWriteAndTheRead) {
  History x({"A", "B"}, 50);
  x.commit(3, 1, 10, /*writer=*/5).apply(0, 3, 1, 11).apply(1, 3, 1, 30);
  x.read(5, 1, 3, 10, 0);                     // issued at the commit instant: not required
  x.read(5, 1, 3, 12, 0);                     // the violation
  x.read(5, 1, 3, 13, 0, /*timed_out=*/true);  // no answer: not a violation
  x.read(6, 1, 3, 14, 0);                     // another session: stale, not RYW
  x.read(5, 0, 3, 15, 1);                     // sees its write
  const auto a = analyze_freshness(x.h);
  EXPECT_EQ(a.read_your_writes.violations, 1u);
  EXPECT_EQ(a.monotonic_reads.violations, 0u);  // session 5 saw 0, 0, then 1
  const auto session = check_session_guarantees(a);
  EXPECT_FALSE(session.passed());
  ASSERT_FALSE(a.read_your_writes.examples.empty());
  const auto& v = a.read_your_writes.examples[0];
  EXPECT_EQ(v.subject, "session 5");
  EXPECT_THAT(v.detail, AllOf(HasSubstr("wrote version 1 of aggregate 3 (committed at 0.010000 s)"),
                              HasSubstr("read at 0.012000 s through replica B saw version 0")));
  EXPECT_EQ(v.at, at_ms(12));
  EXPECT_EQ(a.timeouts, 1u);
  EXPECT_EQ(a.answered_reads, 4u);
}

TEST(FreshnessChecks, MonotonicReadViolationNamesBothReads) {
  History x({"A", "B"}, 50);
  x.commit(1, 1, 10).commit(1, 2, 20).commit(9, 1, 5);
  x.apply(0, 1, 1, 11).apply(0, 1, 2, 21).apply(1, 1, 1, 12).apply(0, 9, 1, 6).apply(1, 9, 1, 6);
  // Recorded out of issue order: the checker orders a session's reads by issue time.
  x.read(2, 1, 1, 35, 1);  // later read through B: back to v1
  x.read(2, 0, 1, 30, 2);  // earlier read through A: v2
  x.read(2, 1, 9, 31, 1);  // another aggregate in between does not matter
  x.read(3, 1, 1, 36, 1);  // another session never saw v2: stale but monotonic
  const auto a = analyze_freshness(x.h);
  EXPECT_EQ(a.read_your_writes.violations, 0u);
  ASSERT_EQ(a.monotonic_reads.violations, 1u);
  const auto& v = a.monotonic_reads.examples[0];
  EXPECT_EQ(v.subject, "session 2");
  EXPECT_THAT(v.detail, AllOf(HasSubstr("earlier read at 0.030000 s through replica A saw version 2"),
                              HasSubstr("later read at 0.035000 s through replica B saw version 1")));
  EXPECT_EQ(v.at, at_ms(35));
  EXPECT_EQ(a.sessions, 2u);
  const auto session = check_session_guarantees(a);
  EXPECT_EQ(session.violations, 1u);
  EXPECT_THAT(session.summary, HasSubstr("1 monotonic-read violations in 1 sessions"));
}

TEST(FreshnessChecks, DirtyReadNamesTheCompensatedVersionAndTheRead) {
  History x({"A"}, 50);
  x.commit(4, 1, 10).commit(4, 2, 20, 0, /*compensated=*/true).commit(4, 3, 30);
  x.apply(0, 4, 1, 11).apply(0, 4, 2, 21).apply(0, 4, 3, 31);
  x.read(8, 0, 4, 15, 1).read(8, 0, 4, 25, 2).read(8, 0, 4, 26, 0, true).read(8, 0, 4, 35, 3);
  const auto a = analyze_freshness(x.h);
  ASSERT_EQ(a.dirty_reads.violations, 1u);
  const auto& v = a.dirty_reads.examples[0];
  EXPECT_EQ(v.subject, "version 2 of aggregate 4");
  EXPECT_THAT(v.detail, AllOf(HasSubstr("session 8 read at 0.025000 s through replica A"),
                              HasSubstr("committed at 0.020000 s, was compensated later")));
  EXPECT_EQ(v.at, at_ms(26));  // answered 1 ms after issue
  EXPECT_TRUE(a.freshness.passed());
  EXPECT_TRUE(a.convergence.passed());
}

// Replica B stops after v1: v2 and v3 never become visible there.
History diverged() {
  History x({"A", "B"}, 90);
  x.commit(2, 1, 10).commit(2, 2, 20).commit(2, 3, 30);
  x.apply(0, 2, 1, 11).apply(0, 2, 2, 21).apply(0, 2, 3, 31).apply(1, 2, 1, 12);
  return x;
}

TEST(FreshnessChecks, NotConvergedNamesReplicaAndAggregate) {
  const auto a = analyze_freshness(diverged().h);
  EXPECT_FALSE(a.convergence_result.converged);
  ASSERT_EQ(a.convergence.violations, 1u);
  EXPECT_EQ(a.convergence.examples[0].subject, "replica B");
  EXPECT_THAT(a.convergence.examples[0].detail,
              AllOf(HasSubstr("not converged by end of run"), HasSubstr("holds version 1 of aggregate 2"),
                    HasSubstr("last committed 3")));
  EXPECT_EQ(a.never_visible, 2u);
  EXPECT_EQ(a.replicas[1].never_visible, 2u);
  EXPECT_EQ(a.replicas[1].visible, 1u);
  // At quiescence each never-visible pair is a freshness violation.
  EXPECT_EQ(a.freshness.violations, 2u);
  EXPECT_THAT(a.freshness.examples[0].detail,
              HasSubstr("version 2 of aggregate 2 committed at 0.020000 s never became visible"));
}

TEST(FreshnessChecks, NeverVisibleIsNoFreshnessViolationBeforeQuiescence) {
  FreshnessOptions options;
  options.quiescent = false;
  const auto a = analyze_freshness(diverged().h, options);
  EXPECT_TRUE(a.freshness.passed());
  EXPECT_EQ(a.never_visible, 2u);
  EXPECT_THAT(a.freshness.summary, HasSubstr("2 never visible"));
  EXPECT_FALSE(a.convergence.passed());
}

TEST(FreshnessChecks, MalformedHistoriesThrow) {
  const auto throws = [](History x) {
    EXPECT_THROW(analyze_freshness(x.h), std::invalid_argument);
  };
  throws(History({"A"}).commit(1, 2, 10));                          // no version 1
  throws(History({"A"}).commit(1, 1, 10).commit(1, 1, 11));         // version twice
  throws(History({"A"}).commit(1, 1, 10).commit(1, 2, 5));          // commit times go back
  throws(History({"A"}).commit(1, 1, 10).apply(0, 1, 2, 20));       // uncommitted version
  throws(History({"A"}).commit(1, 1, 10).apply(0, 1, 1, 9));        // applied before commit
  throws(History({"A"}).commit(1, 1, 10).apply(1, 1, 1, 20));       // no replica 1
  throws(History({"A"}).commit(1, 1, 10).read(0, 0, 1, 20, 2));     // saw uncommitted version
  throws(History({"A"}).read(0, 3, 1, 20, 0));                      // no replica 3
}

TEST(FreshnessChecks, EmptyHistoryPasses) {
  const auto a = analyze_freshness(History({"A"}).h);
  for (const auto& check : freshness_checks(a)) EXPECT_TRUE(check.passed()) << check.name;
  EXPECT_EQ(a.convergence_result.lag, sim::Duration());
}

TEST(FreshnessChecks, LagOverTimeCountsPendingVersionsAndTheirAge) {
  History x({"A"}, 40);
  x.commit(1, 1, 10).commit(1, 2, 20).apply(0, 1, 2, 30);  // v2 makes v1 visible too
  const auto s = lag_over_time(x.h, sim::milliseconds(10));
  ASSERT_EQ(s.times.size(), 5u);  // 0, 10, 20, 30, 40 ms
  ASSERT_EQ(s.replicas.size(), 1u);
  // At 10 v1 is committed (the value after events at t): lag 1, age 0; at 20: 2 pending, the
  // oldest committed at 10 -> 10 ms; at 30 both visible.
  EXPECT_EQ(s.replicas[0].position_lag, (std::vector<std::uint64_t>{0, 1, 2, 0, 0}));
  EXPECT_EQ(s.replicas[0].oldest_unapplied_age[1], sim::Duration());
  EXPECT_EQ(s.replicas[0].oldest_unapplied_age[2], sim::milliseconds(10));
  EXPECT_EQ(s.replicas[0].oldest_unapplied_age[3], sim::Duration());
  // 1 ms over 40 ms is 41 points; doubling to 8 ms gives ceil(40 / 8) + 1 = 6 <= 10.
  const auto thin = lag_over_time(x.h, sim::milliseconds(1), 10);
  EXPECT_EQ(thin.interval, sim::milliseconds(8));
  EXPECT_EQ(thin.times.size(), 6u);
  EXPECT_THROW(lag_over_time(x.h, sim::Duration()), std::invalid_argument);
}

TEST(FreshnessChecks, ReadStalenessOverTimeBucketsByIssueTime) {
  const auto x = three_reads();
  const auto a = analyze_freshness(x.h);
  const auto s = read_staleness_over_time(x.h, a, sim::milliseconds(20));
  // [0,20) [20,40) [40,60): reads at 25 (stale 5 ms), 40 (stale 20 ms), 50 (fresh).
  EXPECT_EQ(s.reads, (std::vector<std::uint64_t>{0, 1, 2}));
  EXPECT_EQ(s.stale_reads, (std::vector<std::uint64_t>{0, 1, 1}));
  EXPECT_EQ(s.max_staleness[1], sim::milliseconds(5));
  EXPECT_EQ(s.max_staleness[2], sim::milliseconds(20));
}

TEST(FreshnessChecks, ExamplesAreCappedButEveryViolationCounts) {
  History x({"A"}, 1000);
  x.commit(1, 1, 1, /*writer=*/1);
  for (int i = 0; i < 25; ++i) x.read(1, 0, 1, 10 + i, 0);  // never applied: 25 RYW violations
  const auto a = analyze_freshness(x.h);
  EXPECT_EQ(a.read_your_writes.violations, 25u);
  EXPECT_EQ(a.read_your_writes.examples.size(), CheckResult::kMaxExamples);
  EXPECT_EQ(a.read_your_writes.examples[0].at, at_ms(10));  // earliest first
}

}  // namespace
}  // namespace txsim::check
