#include "runner/confidence.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

namespace txsim::runner {

double student_t_975(unsigned df) {
  if (df < 1) throw std::invalid_argument("student_t_975: degrees of freedom must be >= 1");
  static constexpr std::array<double, 30> kTable = {
      12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
      2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
      2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df <= kTable.size()) return kTable[df - 1];
  const double z = 1.959963984540054;
  const double n = df;
  const double z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z;
  return z + (z3 + z) / (4 * n) + (5 * z5 + 16 * z3 + 3 * z) / (96 * n * n) +
         (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * n * n * n);
}

report::Estimate estimate(const std::vector<double>& samples, Range range) {
  if (samples.empty()) throw std::invalid_argument("estimate: no samples");
  const double n = static_cast<double>(samples.size());
  double sum = 0;
  for (const double x : samples) {
    if (x < range.low || x > range.high) {
      throw std::invalid_argument("estimate: sample " + std::to_string(x) + " outside its range");
    }
    sum += x;
  }
  const double mean = sum / n;
  report::Estimate e;
  e.set_mean(mean);
  e.set_n(static_cast<std::uint32_t>(samples.size()));
  double half = 0;
  if (samples.size() > 1) {
    double squares = 0;
    for (const double x : samples) squares += (x - mean) * (x - mean);
    const double sd = std::sqrt(squares / (n - 1));
    half = student_t_975(static_cast<unsigned>(samples.size() - 1)) * sd / std::sqrt(n);
  }
  e.set_ci95_low(std::max(range.low, mean - half));
  e.set_ci95_high(std::min(range.high, mean + half));
  return e;
}

}  // namespace txsim::runner
