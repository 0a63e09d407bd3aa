// Mean and 95 % confidence interval of a figure measured over independent seeds.
//
// The interval is mean +- t(0.975, n - 1) * s / sqrt(n), with s the sample standard deviation
// (n - 1 in the denominator) and t the Student t quantile: the classical interval for the mean of
// normally distributed samples (e.g. Montgomery & Runger, "Applied Statistics and Probability for
// Engineers", section 8.2). With one sample there is no spread to measure: the interval is the
// sample itself.
#pragma once

#include <vector>

#include "txsim/report.pb.h"

namespace txsim::runner {

/// The 0.975 quantile of Student's t with `df` degrees of freedom: exact table values (to 3
/// decimals) for df <= 30, the Cornish-Fisher expansion around the normal quantile beyond
/// (Abramowitz & Stegun 26.7.5; error < 1e-3 there). REQUIRES: df >= 1 (std::invalid_argument).
double student_t_975(unsigned df);

/// REQUIRES: !samples.empty() (std::invalid_argument).
report::Estimate estimate(const std::vector<double>& samples);

}  // namespace txsim::runner
