#include "runner/report_series.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <vector>

namespace txsim::runner {
namespace {

bool is_round(double width) {
  const double mantissa = width / std::pow(10.0, std::floor(std::log10(width)));
  for (const double m : {1.0, 2.0, 5.0, 10.0}) {
    if (std::abs(mantissa - m) < 1e-9) return true;
  }
  return false;
}

// Re-binning loses no value: bin counts add up to the histogram's count; bins are contiguous,
// of one round width, start at 0 and number at most max_bins.
RC_GTEST_PROP(LatencyHistogram, BinsPartitionEveryValue, ()) {
  const auto values = *rc::gen::nonEmpty(rc::gen::container<std::vector<std::int64_t>>(
      rc::gen::inRange<std::int64_t>(0, 10'000'000'000)));
  const int max_bins = *rc::gen::inRange(1, 60);
  metrics::Histogram h;
  for (const auto v : values) h.record(v);
  const auto result = to_latency_histogram(h, "x", max_bins);
  RC_ASSERT(result.unit() == "ms");
  RC_ASSERT(result.count() == values.size());
  RC_ASSERT(result.bins_size() >= 1);
  RC_ASSERT(result.bins_size() <= max_bins);
  const double width = result.bins(0).upper() - result.bins(0).lower();
  RC_ASSERT(is_round(width));
  std::uint64_t total = 0;
  for (int b = 0; b < result.bins_size(); ++b) {
    RC_ASSERT(std::abs(result.bins(b).lower() - b * width) <= 1e-9 * (b + 1) * width);
    RC_ASSERT(std::abs(result.bins(b).upper() - result.bins(b).lower() - width) <= 1e-9 * width * (b + 1));
    total += result.bins(b).count();
  }
  RC_ASSERT(total == values.size());
}

TEST(LatencyHistogram, EmptyHistogramHasNoBins) {
  const auto result = to_latency_histogram(metrics::Histogram(), "empty");
  EXPECT_EQ(result.count(), 0u);
  EXPECT_EQ(result.bins_size(), 0);
}

TEST(LatencyHistogram, ExactSmallValuesLandInTheirMillisecondBins) {
  // 0.5 ms and 1.5 ms with a 99.9th percentile near 1.5 ms: max_bins 2 gives width 1 ms.
  metrics::Histogram h;
  h.record(500'000);
  h.record(1'500'000);
  const auto result = to_latency_histogram(h, "x", 2);
  ASSERT_EQ(result.bins_size(), 2);
  EXPECT_DOUBLE_EQ(result.bins(0).upper(), 1.0);
  EXPECT_EQ(result.bins(0).count(), 1u);
  EXPECT_EQ(result.bins(1).count(), 1u);
}

TEST(TimeSeries, RateIsTheIncreasePerSecondBetweenSamples) {
  double completed = 0;
  metrics::FixedIntervalSampler sampler(500'000'000, 100);  // every 0.5 s
  sampler.add_probe("done", [&completed] { return completed; });
  // 3 completions in [0, 0.5 s], 1 in (0.5 s, 1 s].
  for (const std::int64_t t : {100'000'000, 200'000'000, 300'000'000, 700'000'000}) {
    sampler.advance_to(t);
    completed += 1;
  }
  sampler.finish(1'000'000'000);
  report::Report r;
  add_time_series(sampler, 0, SeriesKind::kRatePerSecond, "per s", "outcomes", r);
  add_time_series(sampler, 0, SeriesKind::kLevel, "count", "other", r);
  const auto& rate = r.time_series(0);
  EXPECT_EQ(rate.chart(), "outcomes");
  EXPECT_DOUBLE_EQ(rate.interval_s(), 0.5);
  ASSERT_EQ(rate.points_size(), 2);
  EXPECT_DOUBLE_EQ(rate.points(0).t_s(), 0.5);
  EXPECT_DOUBLE_EQ(rate.points(0).value(), 3 / 0.5);
  EXPECT_DOUBLE_EQ(rate.points(1).value(), 1 / 0.5);
  const auto& level = r.time_series(1);
  ASSERT_EQ(level.points_size(), 3);
  EXPECT_DOUBLE_EQ(level.points(2).value(), 4);
}

}  // namespace
}  // namespace txsim::runner
