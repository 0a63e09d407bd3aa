#include "core/metrics/time_series.h"

#include <stdexcept>

namespace txsim::metrics {

FixedIntervalSampler::FixedIntervalSampler(std::int64_t interval_ns, std::size_t max_points)
    : interval_ns_(interval_ns), max_points_(max_points) {
  if (interval_ns <= 0) throw std::invalid_argument("sampler: interval must be > 0 ns");
  if (max_points < 2 || max_points % 2 != 0) {
    throw std::invalid_argument("sampler: max_points must be even and >= 2");
  }
}

void FixedIntervalSampler::add_probe(std::string name, Probe probe) {
  if (!times_ns_.empty()) throw std::logic_error("sampler: probe added after sampling began");
  names_.push_back(std::move(name));
  probes_.push_back(std::move(probe));
  values_.emplace_back();
}

void FixedIntervalSampler::finish(std::int64_t end_ns) {
  advance_to(end_ns + 1);
  while (times_ns_.back() < end_ns) advance_to(next_ns_ + 1);
}

void FixedIntervalSampler::record_until(std::int64_t now_ns) {
  // The probes cannot change between two events, so one reading serves every instant skipped.
  std::vector<double> current(probes_.size());
  for (std::size_t p = 0; p < probes_.size(); ++p) current[p] = probes_[p]();
  while (next_ns_ < now_ns) {
    if (times_ns_.size() == max_points_) thin_out();
    if (next_ns_ >= now_ns) break;
    times_ns_.push_back(next_ns_);
    for (std::size_t p = 0; p < probes_.size(); ++p) values_[p].push_back(current[p]);
    next_ns_ += interval_ns_;
  }
}

void FixedIntervalSampler::thin_out() {
  // Samples sit at k * interval; keeping the even k leaves samples at k * (2 * interval).
  std::size_t kept = 0;
  for (std::size_t k = 0; k < times_ns_.size(); k += 2, ++kept) {
    times_ns_[kept] = times_ns_[k];
    for (auto& series : values_) series[kept] = series[k];
  }
  times_ns_.resize(kept);
  for (auto& series : values_) series.resize(kept);
  interval_ns_ *= 2;
  next_ns_ = times_ns_.back() + interval_ns_;
}

}  // namespace txsim::metrics
