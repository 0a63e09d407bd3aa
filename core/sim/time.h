// Virtual time for the simulation kernel.
//
// Virtual time is an integer count of nanoseconds since the start of a run. Two strong types keep
// points and spans apart: `Time` is a point on the simulated timeline, `Duration` a signed span.
// Arithmetic is exact integer arithmetic; conversions from floating-point seconds or milliseconds
// round to the nearest nanosecond and reject values that do not fit (see `duration_from_seconds`).
//
// Thread-safety: plain values, no shared state.
#pragma once

#include <compare>
#include <cstdint>
#include <limits>

namespace txsim::sim {

/// A signed span of virtual time, in integer nanoseconds.
class Duration {
 public:
  constexpr Duration() = default;
  static constexpr Duration from_ns(std::int64_t ns) { return Duration(ns); }
  static constexpr Duration max() { return Duration(std::numeric_limits<std::int64_t>::max()); }

  constexpr std::int64_t ns() const { return ns_; }
  constexpr double to_ms() const { return static_cast<double>(ns_) / 1e6; }
  constexpr double to_seconds() const { return static_cast<double>(ns_) / 1e9; }

  constexpr auto operator<=>(const Duration&) const = default;
  constexpr Duration operator+(Duration other) const { return Duration(ns_ + other.ns_); }
  constexpr Duration operator-(Duration other) const { return Duration(ns_ - other.ns_); }
  constexpr Duration operator*(std::int64_t factor) const { return Duration(ns_ * factor); }
  constexpr Duration operator/(std::int64_t divisor) const { return Duration(ns_ / divisor); }
  constexpr Duration& operator+=(Duration other) {
    ns_ += other.ns_;
    return *this;
  }
  constexpr Duration& operator-=(Duration other) {
    ns_ -= other.ns_;
    return *this;
  }

 private:
  constexpr explicit Duration(std::int64_t ns) : ns_(ns) {}
  std::int64_t ns_ = 0;
};

/// A point on the simulated timeline: integer nanoseconds since the start of the run (time 0).
class Time {
 public:
  constexpr Time() = default;
  static constexpr Time from_ns(std::int64_t ns) { return Time(ns); }
  static constexpr Time zero() { return Time(0); }
  static constexpr Time max() { return Time(std::numeric_limits<std::int64_t>::max()); }

  constexpr std::int64_t ns() const { return ns_; }
  constexpr double to_ms() const { return static_cast<double>(ns_) / 1e6; }
  constexpr double to_seconds() const { return static_cast<double>(ns_) / 1e9; }

  constexpr auto operator<=>(const Time&) const = default;
  constexpr Time operator+(Duration d) const { return Time(ns_ + d.ns()); }
  constexpr Time operator-(Duration d) const { return Time(ns_ - d.ns()); }
  constexpr Duration operator-(Time other) const { return Duration::from_ns(ns_ - other.ns_); }
  constexpr Time& operator+=(Duration d) {
    ns_ += d.ns();
    return *this;
  }

 private:
  constexpr explicit Time(std::int64_t ns) : ns_(ns) {}
  std::int64_t ns_ = 0;
};

constexpr Duration nanoseconds(std::int64_t n) { return Duration::from_ns(n); }
constexpr Duration microseconds(std::int64_t n) { return Duration::from_ns(n * 1'000); }
constexpr Duration milliseconds(std::int64_t n) { return Duration::from_ns(n * 1'000'000); }
constexpr Duration seconds(std::int64_t n) { return Duration::from_ns(n * 1'000'000'000); }

/// Converts floating-point seconds to a Duration, rounding to the nearest nanosecond.
/// Throws std::out_of_range when `s` is NaN or does not fit in int64 nanoseconds (~292 years).
Duration duration_from_seconds(double s);
/// Converts floating-point milliseconds to a Duration; same rounding and errors as above.
Duration duration_from_ms(double ms);

}  // namespace txsim::sim
