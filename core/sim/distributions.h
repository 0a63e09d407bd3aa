// Probability distributions, written once here so that every build draws the same numbers.
//
// std::*_distribution is banned in txsim: its algorithms differ between standard libraries, so
// the same seed would give different runs. Each function below consumes a documented number of
// draws from the given stream and uses only IEEE-754 double arithmetic and <cmath> functions
// (glibc's are correctly rounded or deterministic for a given libm; runs are reproducible across
// g++/clang++ and build types on the same libm).
//
// Parameter errors (a negative mean, p outside [0, 1], ...) throw std::invalid_argument when the
// distribution object is built; sampling never throws.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/sim/random.h"

namespace txsim::sim {

/// Uniform on [low, high). One draw. REQUIRES: low <= high.
double uniform(Rng& rng, double low, double high);

/// True with probability p. One draw. p outside [0, 1] is clamped (validated upstream).
bool bernoulli(Rng& rng, double p);

/// Exponential with the given mean (rate 1/mean), by inversion. One draw.
double exponential(Rng& rng, double mean);

/// Normal (Gaussian) by the Box-Muller transform, using one of its two outputs. Two draws.
double normal(Rng& rng, double mean, double stddev);

/// Log-normal: exp(N(mu, sigma)), where mu and sigma are the parameters of the underlying normal.
/// Two draws.
double lognormal(Rng& rng, double mu, double sigma);

/// Pareto (type I) with scale x_m > 0 and shape alpha > 0, by inversion: x_m / U^(1/alpha).
/// One draw. Mean is alpha x_m / (alpha - 1) for alpha > 1.
double pareto(Rng& rng, double scale, double shape);

/// Zipf over ranks 1..n with P(k) proportional to 1 / k^s, by inversion of a precomputed CDF
/// (binary search). One draw per sample. Memory: n doubles; n is limited to kMaxRanks.
class Zipf {
 public:
  static constexpr std::uint64_t kMaxRanks = 10'000'000;
  /// Throws std::invalid_argument unless 1 <= n <= kMaxRanks and s >= 0.
  Zipf(std::uint64_t n, double s);
  /// A rank in [1, n].
  std::uint64_t sample(Rng& rng) const;
  std::uint64_t ranks() const { return cdf_.size(); }

 private:
  std::vector<double> cdf_;
};

/// An empirical distribution, either from raw samples (each equally likely, one draw) or from a
/// piecewise-linear CDF table of (value, cumulative probability) points (inversion, one draw).
class Empirical {
 public:
  /// Each sample equally likely. Throws std::invalid_argument if `samples` is empty.
  static Empirical from_samples(std::vector<double> samples);
  /// Points (value_i, p_i) with values and probabilities non-decreasing, p in [0, 1] and the
  /// last p equal to 1. Between points the CDF is linear. Throws std::invalid_argument otherwise,
  /// naming the offending point.
  static Empirical from_cdf(std::vector<std::pair<double, double>> points);

  double sample(Rng& rng) const;

 private:
  Empirical() = default;
  std::vector<double> samples_;
  std::vector<std::pair<double, double>> cdf_;
};

}  // namespace txsim::sim
