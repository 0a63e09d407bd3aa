// Mean and 95 % confidence interval of a figure measured over independent seeds.
//
// The interval is mean +- t(0.975, n - 1) * s / sqrt(n), with s the sample standard deviation
// (n - 1 in the denominator) and t the Student t quantile: the classical interval for the mean of
// normally distributed samples (e.g. Montgomery & Runger, "Applied Statistics and Probability for
// Engineers", section 8.2). With one sample there is no spread to measure: the interval is the
// sample itself.
//
// The interval is then clamped to the figure's natural range (`Range`): a count, a time or a
// rate cannot be negative and a fraction lies in [0, 1], so a bound outside the range says
// nothing the range does not. Clamping keeps the interval's coverage (the true mean lies in
// the range, so dropping the part outside loses no probability) but makes it asymmetric near a
// bound. For fractions a Wilson score interval (Wilson, JASA 1927) was considered and not
// used: it needs one pooled binomial count, while our samples are per-seed fractions with
// different denominators whose spread between seeds is what the interval must show.
#pragma once

#include <limits>
#include <vector>

#include "txsim/report.pb.h"

namespace txsim::runner {

/// The 0.975 quantile of Student's t with `df` degrees of freedom: exact table values (to 3
/// decimals) for df <= 30, the Cornish-Fisher expansion around the normal quantile beyond
/// (Abramowitz & Stegun 26.7.5; error < 1e-3 there). REQUIRES: df >= 1 (std::invalid_argument).
double student_t_975(unsigned df);

/// The values a figure can take; the interval is clamped to [low, high].
struct Range {
  double low = -std::numeric_limits<double>::infinity();
  double high = std::numeric_limits<double>::infinity();
};
inline constexpr Range kNonNegative{0, std::numeric_limits<double>::infinity()};  // counts, times, rates
inline constexpr Range kFraction{0, 1};

/// REQUIRES: !samples.empty() (std::invalid_argument); every sample within `range`
/// (std::invalid_argument: a figure outside its own range is a bug upstream).
report::Estimate estimate(const std::vector<double>& samples, Range range = {});

}  // namespace txsim::runner
