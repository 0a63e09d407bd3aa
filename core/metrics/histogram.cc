#include "core/metrics/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>

namespace txsim::metrics {
namespace {
constexpr std::uint64_t kSubBuckets = std::uint64_t{1} << Histogram::kSubBucketBits;
// Values up to 2^63: one exact range plus one range of kSubBuckets per further power of two.
constexpr std::size_t kBuckets = (64 - Histogram::kSubBucketBits + 1) * kSubBuckets;
}  // namespace

Histogram::Histogram() : counts_(kBuckets, 0) {}

std::size_t Histogram::bucket_of(std::uint64_t value) {
  if (value < kSubBuckets) return static_cast<std::size_t>(value);
  const int exponent = 63 - std::countl_zero(value);  // >= kSubBucketBits
  const int shift = exponent - kSubBucketBits;
  const std::uint64_t sub = (value >> shift) & (kSubBuckets - 1);
  return static_cast<std::size_t>((shift + 1) * kSubBuckets + sub);
}

std::uint64_t Histogram::bucket_low(std::size_t bucket) {
  if (bucket < kSubBuckets) return bucket;
  const std::size_t shift = bucket / kSubBuckets - 1;
  const std::uint64_t sub = bucket % kSubBuckets;
  return (kSubBuckets + sub) << shift;
}

std::uint64_t Histogram::bucket_width(std::size_t bucket) {
  if (bucket < kSubBuckets) return 1;
  return std::uint64_t{1} << (bucket / kSubBuckets - 1);
}

void Histogram::record(std::int64_t value) {
  value = std::max<std::int64_t>(value, 0);
  if (__builtin_add_overflow(sum_, value, &sum_)) {
    throw std::overflow_error("histogram: sum of recorded values overflows 64 bits");
  }
  ++counts_[bucket_of(static_cast<std::uint64_t>(value))];
  if (count_ == 0 || value < min_) min_ = value;
  if (count_ == 0 || value > max_) max_ = value;
  ++count_;
}

void Histogram::merge(const Histogram& other) {
  if (other.count_ == 0) return;
  for (std::size_t i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  if (__builtin_add_overflow(sum_, other.sum_, &sum_)) {
    throw std::overflow_error("histogram: sum of recorded values overflows 64 bits");
  }
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = count_ == 0 ? other.max_ : std::max(max_, other.max_);
  count_ += other.count_;
}

std::int64_t Histogram::quantile(double q) const {
  // NaN would survive the clamp and make the rank conversion below undefined behaviour.
  if (std::isnan(q)) throw std::invalid_argument("histogram: quantile of NaN");
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  // Rank of the wanted sample, 1-based: the smallest r with r >= q * count.
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_))));
  // The extremes are known exactly; a bucket midpoint would blur them.
  if (rank == 1) return min_;
  if (rank >= count_) return max_;
  std::uint64_t seen = 0;
  for (std::size_t bucket = 0; bucket < kBuckets; ++bucket) {
    seen += counts_[bucket];
    if (seen >= rank) {
      const std::uint64_t mid = bucket_low(bucket) + bucket_width(bucket) / 2;
      return std::clamp(static_cast<std::int64_t>(mid), min_, max_);
    }
  }
  return max_;
}

std::vector<Histogram::Bucket> Histogram::buckets() const {
  std::vector<Bucket> result;
  for (std::size_t bucket = 0; bucket < kBuckets; ++bucket) {
    if (counts_[bucket] != 0) {
      result.push_back({bucket_low(bucket), bucket_width(bucket), counts_[bucket]});
    }
  }
  return result;
}

}  // namespace txsim::metrics
