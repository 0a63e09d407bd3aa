// A streaming log-linear histogram of non-negative integers (typically nanoseconds).
//
// Values below 2^kSubBucketBits are counted exactly; above, each power-of-two range is split
// into 2^kSubBucketBits equal sub-buckets, so a reported quantile is within 1/128 (0.8 %) of
// the true sample quantile. This is the layout of HdrHistogram (Tene, "HdrHistogram: A High
// Dynamic Range Histogram") with 2 significant decimal digits. Memory is fixed (~58 KiB), so a
// run of any length costs the same. Count, sum, min and max are exact.
//
// Thread-safety: none (single-threaded runs).
#pragma once

#include <cstdint>
#include <vector>

namespace txsim::metrics {

class Histogram {
 public:
  static constexpr int kSubBucketBits = 7;

  Histogram();

  /// Records one value. Negative values are clamped to 0 (durations are never negative).
  void record(std::int64_t value);
  /// Adds all of `other`'s counts into this histogram.
  void merge(const Histogram& other);

  std::uint64_t count() const { return count_; }
  std::int64_t min() const { return count_ == 0 ? 0 : min_; }
  std::int64_t max() const { return max_; }
  double mean() const { return count_ == 0 ? 0.0 : static_cast<double>(sum_) / count_; }
  /// The q-quantile (q in [0, 1]) by nearest rank, max(1, ceil(q count)): the sample of that
  /// rank is reported as the midpoint of its bucket, clamped to [min, max]; the first and last
  /// ranks give min and max exactly. q outside [0, 1] is clamped; NaN throws
  /// std::invalid_argument. 0 for an empty histogram.
  std::int64_t quantile(double q) const;

  /// A non-empty bucket: `count` values in [low, low + width).
  struct Bucket {
    std::uint64_t low;
    std::uint64_t width;
    std::uint64_t count;
  };
  /// The non-empty buckets in increasing order of value (for charts and bin conversions).
  std::vector<Bucket> buckets() const;

 private:
  static std::size_t bucket_of(std::uint64_t value);
  static std::uint64_t bucket_low(std::size_t bucket);
  static std::uint64_t bucket_width(std::size_t bucket);

  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  // An int64 sum of nanoseconds overflows only past ~292 years of recorded time; record()
  // throws std::overflow_error rather than wrap.
  std::int64_t sum_ = 0;
  std::int64_t min_ = 0;
  std::int64_t max_ = 0;
};

}  // namespace txsim::metrics
