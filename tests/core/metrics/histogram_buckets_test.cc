#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <vector>

#include "core/metrics/histogram.h"

namespace txsim::metrics {
namespace {

// buckets() lists non-empty, increasing, disjoint buckets whose counts add up to count(), and
// every recorded value lies in a listed bucket.
RC_GTEST_PROP(HistogramBuckets, PartitionTheRecordedValues, ()) {
  const auto values = *rc::gen::container<std::vector<std::int64_t>>(
      rc::gen::inRange<std::int64_t>(0, std::int64_t{1} << 40));
  Histogram h;
  for (const auto v : values) h.record(v);
  const auto buckets = h.buckets();
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    RC_ASSERT(buckets[i].count > 0u);
    RC_ASSERT(buckets[i].width > 0u);
    if (i > 0) RC_ASSERT(buckets[i - 1].low + buckets[i - 1].width <= buckets[i].low);
    total += buckets[i].count;
  }
  RC_ASSERT(total == h.count());
  for (const auto v : values) {
    const auto u = static_cast<std::uint64_t>(v);
    const bool found = std::any_of(buckets.begin(), buckets.end(), [u](const auto& b) {
      return b.low <= u && u < b.low + b.width;
    });
    RC_ASSERT(found);
  }
}

}  // namespace
}  // namespace txsim::metrics
