#include "core/sim/time.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace txsim::sim {
namespace {

Duration from_scaled(double value, double ns_per_unit, const char* unit) {
  const double ns = std::nearbyint(value * ns_per_unit);
  // 2^63 is exactly representable as a double; anything at or beyond it overflows int64.
  constexpr double kLimit = 9223372036854775808.0;
  if (std::isnan(ns) || ns >= kLimit || ns < -kLimit) {
    throw std::out_of_range("duration of " + std::to_string(value) + " " + unit +
                            " does not fit in 64-bit nanoseconds");
  }
  return Duration::from_ns(static_cast<std::int64_t>(ns));
}

}  // namespace

Duration duration_from_seconds(double s) { return from_scaled(s, 1e9, "s"); }
Duration duration_from_ms(double ms) { return from_scaled(ms, 1e6, "ms"); }

}  // namespace txsim::sim
