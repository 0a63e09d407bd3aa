#include "runner/report_series.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace txsim::runner {
namespace {

// The smallest of 1, 2, 5 times a power of ten that is >= x (x > 0).
double round_up_nicely(double x) {
  const double power = std::pow(10.0, std::floor(std::log10(x)));
  for (const double step : {1.0, 2.0, 5.0, 10.0}) {
    if (step * power >= x) return step * power;
  }
  return 10.0 * power;
}

}  // namespace

report::LatencySummary to_latency_summary_ms(const metrics::Histogram& values_ns) {
  report::LatencySummary out;
  out.set_count(values_ns.count());
  out.set_mean(values_ns.mean() / 1e6);
  out.set_p50(static_cast<double>(values_ns.quantile(0.5)) / 1e6);
  out.set_p99(static_cast<double>(values_ns.quantile(0.99)) / 1e6);
  out.set_max(static_cast<double>(values_ns.max()) / 1e6);
  return out;
}

report::LatencyHistogram to_latency_histogram(const metrics::Histogram& values_ns,
                                              const std::string& name, int max_bins) {
  if (max_bins < 1) throw std::invalid_argument("to_latency_histogram: max_bins must be >= 1");
  report::LatencyHistogram result;
  result.set_name(name);
  result.set_unit("ms");
  result.set_count(values_ns.count());
  if (values_ns.count() == 0) return result;
  const double top_ms = std::max(static_cast<double>(values_ns.quantile(0.999)) / 1e6, 1e-6);
  const double width = round_up_nicely(top_ms / max_bins);
  const int bins = std::clamp(static_cast<int>(std::ceil(top_ms / width)), 1, max_bins);
  std::vector<std::uint64_t> counts(bins, 0);
  for (const auto& bucket : values_ns.buckets()) {
    const double mid_ms = (static_cast<double>(bucket.low) + bucket.width / 2.0) / 1e6;
    const int bin = std::min(static_cast<int>(mid_ms / width), bins - 1);
    counts[bin] += bucket.count;
  }
  for (int b = 0; b < bins; ++b) {
    auto* bin = result.add_bins();
    bin->set_lower(b * width);
    bin->set_upper((b + 1) * width);
    bin->set_count(counts[b]);
  }
  return result;
}

void add_time_series(const metrics::FixedIntervalSampler& sampler, std::size_t probe,
                     SeriesKind kind, const std::string& unit, const std::string& chart,
                     report::Report& report) {
  auto* series = report.add_time_series();
  series->set_name(sampler.name(probe));
  series->set_unit(unit);
  series->set_chart(chart);
  const double interval_s = static_cast<double>(sampler.interval_ns()) / 1e9;
  series->set_interval_s(interval_s);
  const auto& times = sampler.times_ns();
  const auto& values = sampler.values(probe);
  for (std::size_t k = 0; k < times.size(); ++k) {
    if (kind == SeriesKind::kRatePerSecond && k == 0) continue;  // a rate needs two samples
    auto* point = series->add_points();
    point->set_t_s(static_cast<double>(times[k]) / 1e9);
    point->set_value(kind == SeriesKind::kLevel ? values[k]
                                                : (values[k] - values[k - 1]) / interval_s);
  }
}

}  // namespace txsim::runner
