// Converting the run's metrics into the report's chart data (proto/txsim/report.proto):
// latency histograms in equal-width bins and sampled time series.
#pragma once

#include <string>

#include "core/metrics/histogram.h"
#include "core/metrics/time_series.h"
#include "txsim/report.pb.h"

namespace txsim::runner {

/// Re-bins a histogram of nanoseconds into at most `max_bins` equal-width bins in milliseconds,
/// from 0 up to about the 99.9th percentile; the last bin also counts every larger value.
/// The bin width is a round number (1, 2 or 5 times a power of ten). Each source bucket goes
/// to the bin holding its midpoint. REQUIRES: max_bins >= 1.
report::LatencyHistogram to_latency_histogram(const metrics::Histogram& values_ns,
                                              const std::string& name, int max_bins = 40);

/// Count, mean, p50, p99 and max of a histogram of nanoseconds, in milliseconds.
report::LatencySummary to_latency_summary_ms(const metrics::Histogram& values_ns);

enum class SeriesKind {
  kLevel,       // the probe's value as sampled (e.g. customers in the system)
  kRatePerSecond  // the probe is a running count; report its increase per simulated second
};

/// Appends probe `probe` of `sampler` to `report` as a time series.
void add_time_series(const metrics::FixedIntervalSampler& sampler, std::size_t probe,
                     SeriesKind kind, const std::string& unit, const std::string& chart,
                     report::Report& report);

}  // namespace txsim::runner
