// The report's freshness section from a hand-made read history: the figures the checkers derive
// reach FreshnessReport, and the time series reach the report with their chart names.
#include <gtest/gtest.h>

#include <map>

#include "runner/freshness_report.h"

namespace txsim::runner {
namespace {

sim::Time at_ms(std::int64_t ms) { return sim::Time::zero() + sim::milliseconds(ms); }

// Aggregate 7: v1 at 10 ms (written by session 1), v2 at 20, v3 at 30 (compensated later).
// Replica R applies v1 at 12 and v3 at 45; replica S applies v1 at 11 only.
check::ReadHistory history() {
  check::ReadHistory h;
  h.replica_names = {"R", "S"};
  h.commits = {{7, 1, at_ms(10), 1, false}, {7, 2, at_ms(20), 0, false}, {7, 3, at_ms(30), 0, true}};
  h.applies = {{0, 7, 1, at_ms(12)}, {0, 7, 3, at_ms(45)}, {1, 7, 1, at_ms(11)}};
  h.reads = {{1, 0, 7, at_ms(25), at_ms(26), 1, false},
             {1, 1, 7, at_ms(40), at_ms(41), 1, false},
             {2, 0, 7, at_ms(50), at_ms(51), 3, false},
             {2, 1, 7, at_ms(55), at_ms(55), 0, true}};
  h.end = at_ms(60);
  return h;
}

TEST(FreshnessReport, SectionHoldsTheCheckersFigures) {
  report::Report r;
  const auto checks = add_freshness_report(history(), /*quiescent=*/true, sim::milliseconds(20), r);
  ASSERT_TRUE(r.has_freshness());
  const auto& f = r.freshness();
  // (version, replica) pairs: R sees v1 after 2 ms, v2 after 25, v3 after 15; S sees v1 after
  // 1 ms and never v2, v3.
  EXPECT_EQ(f.time_to_visibility_ms().count(), 4u);
  EXPECT_DOUBLE_EQ(f.time_to_visibility_ms().max(), 25.0);
  EXPECT_EQ(f.never_visible(), 2u);
  // Answered reads: at 25 saw v1 (v2 missed: stale), at 40 saw v1 (stale), at 50 saw v3.
  EXPECT_EQ(f.reads(), 4u);
  EXPECT_EQ(f.read_timeouts(), 1u);
  EXPECT_DOUBLE_EQ(f.stale_read_fraction(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(f.staleness_ms().max(), 20.0);
  EXPECT_DOUBLE_EQ(f.staleness_versions().max(), 2.0);
  EXPECT_EQ(f.dirty_reads(), 1u);  // the read at 50 saw v3
  EXPECT_EQ(f.ryw_violations(), 0u);
  EXPECT_EQ(f.monotonic_read_violations(), 0u);
  EXPECT_FALSE(f.converged());
  EXPECT_DOUBLE_EQ(f.convergence_lag_ms(), -1.0);
  ASSERT_EQ(f.replicas_size(), 2);
  EXPECT_EQ(f.replicas(1).name(), "S");
  EXPECT_EQ(f.replicas(1).applied(), 1u);
  EXPECT_DOUBLE_EQ(f.replicas(1).stale_read_fraction(), 1.0);  // its one answered read
  EXPECT_EQ(f.sessions(), 2u);
  // Three t-visibility samples, one per answered read; empty buckets are left out.
  std::uint64_t samples = 0;
  for (const auto& p : f.t_visibility()) samples += p.reads();
  EXPECT_EQ(samples, 3u);

  ASSERT_EQ(checks.size(), 4u);
  EXPECT_FALSE(checks[0].passed());  // freshness: 2 never visible at quiescence
  EXPECT_TRUE(checks[1].passed());
  EXPECT_FALSE(checks[2].passed());
  EXPECT_FALSE(checks[3].passed());
}

TEST(FreshnessReport, TimeSeriesPerReplicaAndForReads) {
  report::Report r;
  add_freshness_report(history(), true, sim::milliseconds(20), r);
  std::map<std::string, const report::TimeSeries*> by_name;
  for (const auto& s : r.time_series()) by_name[s.name()] = &s;
  ASSERT_TRUE(by_name.count("oldest unapplied age S"));
  ASSERT_TRUE(by_name.count("position lag R"));
  ASSERT_TRUE(by_name.count("stale-read fraction"));
  const auto& age = *by_name["oldest unapplied age S"];
  EXPECT_EQ(age.chart(), "freshness_age");
  // Samples at 0, 20, 40, 60 ms; in S, v2 (20 ms) is the oldest unapplied from 20 ms on.
  ASSERT_EQ(age.points_size(), 4);
  EXPECT_DOUBLE_EQ(age.points(2).value(), 20.0);
  EXPECT_DOUBLE_EQ(age.points(3).value(), 40.0);
  // Reads by issue time: [20,40) one stale of one, [40,60) one stale of two; [0,20) has none.
  const auto& fraction = *by_name["stale-read fraction"];
  ASSERT_EQ(fraction.points_size(), 2);
  EXPECT_DOUBLE_EQ(fraction.points(0).value(), 1.0);
  EXPECT_DOUBLE_EQ(fraction.points(1).value(), 0.5);
}

}  // namespace
}  // namespace txsim::runner

namespace txsim::runner {
namespace {

// A history where every replica holds the last version: the version-based convergence check
// passes, so a failing row check must be what the report shows at quiescence, and only then.
check::ReadHistory converged_history() {
  check::ReadHistory h;
  h.replica_names = {"R"};
  h.commits = {{7, 1, at_ms(10), 0, false}};
  h.applies = {{0, 7, 1, at_ms(12)}};
  h.end = at_ms(20);
  return h;
}

TEST(FreshnessReport, RowConvergenceReplacesTheVersionCheckAtQuiescence) {
  check::CheckResult rows{"convergence", 0, {}, "rows"};
  rows.add({"replica R, view feed", "missing row of aggregate 8", at_ms(20)});
  report::Report quiet;
  const auto at_rest = add_freshness_report(converged_history(), true, sim::milliseconds(5), quiet, &rows);
  const auto& c = at_rest.back();
  ASSERT_EQ(c.name, "convergence");
  EXPECT_EQ(c.violations, 1u);
  EXPECT_EQ(c.summary, "rows");
  EXPECT_FALSE(quiet.freshness().converged());
  EXPECT_DOUBLE_EQ(quiet.freshness().convergence_lag_ms(), -1.0);
  // Before quiescence the row comparison is not used: events may still be in flight.
  report::Report busy;
  const auto in_flight = add_freshness_report(converged_history(), false, sim::milliseconds(5), busy, &rows);
  EXPECT_TRUE(in_flight.back().passed());
  EXPECT_TRUE(busy.freshness().converged());
}

}  // namespace
}  // namespace txsim::runner
