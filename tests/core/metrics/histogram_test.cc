// The streaming histogram against the exact sorted samples (model-based).
#include "core/metrics/histogram.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

namespace txsim::metrics {
namespace {

// The exact nearest-rank q-quantile (the definition the header documents): the sample of
// 1-based rank max(1, ceil(q n)) in sorted order.
std::int64_t exact_quantile(const std::vector<std::int64_t>& sorted, double q) {
  const auto n = static_cast<double>(sorted.size());
  const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(q * n)));
  return sorted[rank - 1];
}

// A reported quantile may differ from the exact one by half a bucket: exact below 128, and at
// most 1/128 of the value above (each power-of-two range has 128 sub-buckets).
void expect_within_bucket(std::int64_t reported, std::int64_t exact) {
  if (exact < 128) {
    RC_ASSERT(reported == exact);
  } else {
    const double error = std::abs(static_cast<double>(reported) - static_cast<double>(exact));
    RC_ASSERT(error <= static_cast<double>(exact) / 128.0);
  }
}

rc::Gen<std::int64_t> gen_value() {
  // Exact range, the first log-linear ranges, typical latencies in ns, and the extremes.
  return rc::gen::oneOf(
      rc::gen::inRange<std::int64_t>(0, 300), rc::gen::inRange<std::int64_t>(0, 100'000),
      rc::gen::inRange<std::int64_t>(0, 10'000'000'000),
      // Large, but 200 of them still sum below 2^63 (record throws on overflow).
      rc::gen::inRange<std::int64_t>(std::numeric_limits<std::int64_t>::max() / 2048,
                                     std::numeric_limits<std::int64_t>::max() / 1024));
}

// Invariant: for any multiset of values, count/min/max/mean are exact and every quantile is
// within the documented bucket error of the exact nearest-rank sample quantile.
RC_GTEST_PROP(HistogramModel, QuantilesWithinDocumentedErrorOfSortedSamples, ()) {
  const auto values =
      *rc::gen::nonEmpty(rc::gen::container<std::vector<std::int64_t>>(gen_value()));
  Histogram h;
  long double sum = 0;
  for (const auto v : values) {
    h.record(v);
    sum += v;
  }
  std::vector<std::int64_t> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  RC_ASSERT(h.count() == sorted.size());
  RC_ASSERT(h.min() == sorted.front());
  RC_ASSERT(h.max() == sorted.back());
  const double exact_mean = static_cast<double>(sum / sorted.size());
  RC_ASSERT(std::abs(h.mean() - exact_mean) <= 1e-12 * std::max(1.0, std::abs(exact_mean)));
  const auto qs = *rc::gen::container<std::vector<double>>(
      rc::gen::map(rc::gen::inRange(0, 1001), [](int permille) { return permille / 1000.0; }));
  for (const double q : {0.0, 0.5, 0.9, 0.99, 0.999, 1.0}) {
    expect_within_bucket(h.quantile(q), exact_quantile(sorted, q));
  }
  for (const double q : qs) expect_within_bucket(h.quantile(q), exact_quantile(sorted, q));
  RC_ASSERT(h.quantile(0.0) == sorted.front());
  RC_ASSERT(h.quantile(1.0) == sorted.back());
}

// Invariant: merging histograms of two parts equals the histogram of the whole, in every
// statistic (the buckets are the same, so quantiles agree exactly, not only within error).
RC_GTEST_PROP(HistogramModel, MergeEqualsRecordingEverything, ()) {
  const auto left = *rc::gen::container<std::vector<std::int64_t>>(gen_value());
  const auto right = *rc::gen::container<std::vector<std::int64_t>>(gen_value());
  Histogram a, b, whole;
  for (const auto v : left) {
    a.record(v);
    whole.record(v);
  }
  for (const auto v : right) {
    b.record(v);
    whole.record(v);
  }
  a.merge(b);
  RC_ASSERT(a.count() == whole.count());
  RC_ASSERT(a.min() == whole.min());
  RC_ASSERT(a.max() == whole.max());
  RC_ASSERT(a.mean() == whole.mean());
  for (int permille = 0; permille <= 1000; permille += 7) {
    RC_ASSERT(a.quantile(permille / 1000.0) == whole.quantile(permille / 1000.0));
  }
}

TEST(Histogram, SmallValuesAreExact) {
  Histogram h;
  for (std::int64_t v = 0; v < 128; ++v) h.record(v);
  EXPECT_EQ(h.count(), 128u);
  EXPECT_EQ(h.quantile(0.5), 63);  // rank ceil(64) = 64th smallest
  EXPECT_EQ(h.quantile(1.0), 127);
  EXPECT_DOUBLE_EQ(h.mean(), 63.5);
}

TEST(Histogram, EmptyHistogramReportsZeros) {
  Histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.mean(), 0.0);
  EXPECT_EQ(h.quantile(0.5), 0);
  Histogram other;
  other.record(5);
  h.merge(other);
  EXPECT_EQ(h.min(), 5);
  EXPECT_EQ(h.max(), 5);
  Histogram empty;
  h.merge(empty);
  EXPECT_EQ(h.count(), 1u);
}

TEST(Histogram, NegativeValuesAreClampedToZero) {
  Histogram h;
  h.record(-5);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.mean(), 0.0);
}

TEST(Histogram, QuantileArgumentIsClampedAndNaNRejected) {
  Histogram h;
  h.record(10);
  h.record(20);
  EXPECT_EQ(h.quantile(-1.0), 10);
  EXPECT_EQ(h.quantile(7.0), 20);
  EXPECT_THROW(h.quantile(std::numeric_limits<double>::quiet_NaN()), std::invalid_argument);
}

TEST(Histogram, SumOverflowThrows) {
  Histogram h;
  h.record(std::numeric_limits<std::int64_t>::max());
  EXPECT_THROW(h.record(1), std::overflow_error);
}

}  // namespace
}  // namespace txsim::metrics
