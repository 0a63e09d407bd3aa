// One-way message latency distributions for network links.
//
// Parameters are in milliseconds (doubles, as a scenario writes them); a sample is returned as a
// sim::Duration in integer nanoseconds, rounded to the nearest nanosecond. Every sample is
// >= 0: the normal model is truncated at 0 by clamping a negative draw to 0 (which raises its
// mean slightly when mean/stddev is small; use lognormal for heavy left mass near 0).
//
// Sampling is built on core/sim/distributions.h, so the same stream gives the same latencies on
// every build. Draws per sample: constant 0, uniform/exponential/pareto/empirical 1,
// normal/lognormal 2.
//
// Errors: the factories throw std::invalid_argument on impossible parameters (negative mean,
// low > high, non-positive pareto scale or shape), naming the parameter.
//
// Thread-safety: immutable after construction.
#pragma once

#include <memory>
#include <string>

#include "core/sim/distributions.h"
#include "core/sim/random.h"
#include "core/sim/time.h"

namespace txsim::net {

class LatencyModel {
 public:
  enum class Kind { kConstant, kUniform, kExponential, kNormal, kLognormal, kPareto, kEmpirical };

  /// Default: constant 1 ms.
  LatencyModel() = default;

  static LatencyModel constant(double latency_ms);
  static LatencyModel uniform(double low_ms, double high_ms);
  static LatencyModel exponential(double mean_ms);
  /// Normal truncated at 0 (see header comment).
  static LatencyModel normal(double mean_ms, double stddev_ms);
  /// exp(N(mu, sigma)) milliseconds: mu and sigma are those of ln(latency in ms).
  static LatencyModel lognormal(double mu_log_ms, double sigma_log_ms);
  /// Pareto type I with scale x_m (ms, the minimum) and shape alpha.
  static LatencyModel pareto(double scale_ms, double shape);
  /// Any distribution of values in ms (from samples or a CDF table; see sim::Empirical).
  /// REQUIRES: every value the distribution can produce is >= 0 (negative draws are clamped).
  static LatencyModel empirical(sim::Empirical distribution_ms);

  /// One latency draw. Never negative.
  sim::Duration sample(sim::Rng& rng) const;

  Kind kind() const { return kind_; }
  /// A human-readable form, e.g. "normal(mean_ms=2, stddev_ms=0.5)".
  std::string describe() const;

 private:
  LatencyModel(Kind kind, double a, double b) : kind_(kind), a_(a), b_(b) {}
  Kind kind_ = Kind::kConstant;
  double a_ = 1.0;
  double b_ = 0.0;
  std::shared_ptr<const sim::Empirical> empirical_;  // shared: models are copied per link
};

}  // namespace txsim::net
