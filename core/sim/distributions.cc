#include "core/sim/distributions.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace txsim::sim {

double uniform(Rng& rng, double low, double high) { return low + (high - low) * rng.next_double(); }

bool bernoulli(Rng& rng, double p) { return rng.next_double() < p; }

double exponential(Rng& rng, double mean) { return -mean * std::log(rng.next_double_open_zero()); }

double normal(Rng& rng, double mean, double stddev) {
  const double u1 = rng.next_double_open_zero();
  const double u2 = rng.next_double();
  const double radius = std::sqrt(-2.0 * std::log(u1));
  return mean + stddev * radius * std::cos(2.0 * std::numbers::pi * u2);
}

double lognormal(Rng& rng, double mu, double sigma) { return std::exp(normal(rng, mu, sigma)); }

double pareto(Rng& rng, double scale, double shape) {
  return scale / std::pow(rng.next_double_open_zero(), 1.0 / shape);
}

Zipf::Zipf(std::uint64_t n, double s) {
  if (n < 1 || n > kMaxRanks) {
    throw std::invalid_argument("zipf: number of ranks must be in [1, " +
                                std::to_string(kMaxRanks) + "], got " + std::to_string(n));
  }
  if (!(s >= 0.0) || !std::isfinite(s)) {
    throw std::invalid_argument("zipf: exponent must be a finite number >= 0");
  }
  cdf_.resize(n);
  double total = 0.0;
  for (std::uint64_t k = 1; k <= n; ++k) {
    total += 1.0 / std::pow(static_cast<double>(k), s);
    cdf_[k - 1] = total;
  }
  for (double& c : cdf_) c /= total;
  cdf_.back() = 1.0;
}

std::uint64_t Zipf::sample(Rng& rng) const {
  const double u = rng.next_double();
  const auto it = std::upper_bound(cdf_.begin(), cdf_.end(), u);
  return static_cast<std::uint64_t>(it - cdf_.begin()) + 1;
}

Empirical Empirical::from_samples(std::vector<double> samples) {
  if (samples.empty()) throw std::invalid_argument("empirical: no samples given");
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (!std::isfinite(samples[i])) {
      throw std::invalid_argument("empirical: sample " + std::to_string(i) + " is not finite");
    }
  }
  Empirical e;
  e.samples_ = std::move(samples);
  return e;
}

Empirical Empirical::from_cdf(std::vector<std::pair<double, double>> points) {
  if (points.empty()) throw std::invalid_argument("empirical: CDF table is empty");
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto [value, p] = points[i];
    const std::string where = "empirical: CDF point " + std::to_string(i) + " ";
    if (!std::isfinite(value)) throw std::invalid_argument(where + "has a non-finite value");
    if (!(p >= 0.0 && p <= 1.0)) {
      throw std::invalid_argument(where + "has probability " + std::to_string(p) +
                                  ", expected a value in [0, 1]");
    }
    if (i > 0 && (value < points[i - 1].first || p < points[i - 1].second)) {
      throw std::invalid_argument(where + "decreases; values and probabilities must not");
    }
  }
  if (points.back().second != 1.0) {
    throw std::invalid_argument("empirical: the last CDF point must have probability 1");
  }
  Empirical e;
  e.cdf_ = std::move(points);
  return e;
}

double Empirical::sample(Rng& rng) const {
  if (!samples_.empty()) return samples_[rng.below(samples_.size())];
  const double u = rng.next_double();
  // First point whose cumulative probability exceeds u; interpolate from its predecessor.
  const auto it = std::upper_bound(cdf_.begin(), cdf_.end(), u,
                                   [](double x, const auto& point) { return x < point.second; });
  if (it == cdf_.begin()) return it->first;
  if (it == cdf_.end()) return cdf_.back().first;
  const auto& [v1, p1] = *it;
  const auto& [v0, p0] = *(it - 1);
  return v0 + (v1 - v0) * (u - p0) / (p1 - p0);
}

}  // namespace txsim::sim
