// Tests of virtual time: exact integer nanoseconds, conversions and their rounding and errors.
#include "core/sim/time.h"

#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>

namespace txsim::sim {
namespace {

TEST(Time, UnitHelpersAreExactNanoseconds) {
  EXPECT_EQ(nanoseconds(7).ns(), 7);
  EXPECT_EQ(microseconds(3).ns(), 3'000);
  EXPECT_EQ(milliseconds(5).ns(), 5'000'000);
  EXPECT_EQ(seconds(2).ns(), 2'000'000'000);
  EXPECT_EQ(seconds(1), milliseconds(1000));
  EXPECT_EQ(milliseconds(1), microseconds(1000));
}

TEST(Time, ArithmeticBetweenPointsAndSpans) {
  const Time t = Time::zero() + milliseconds(10);
  EXPECT_EQ(t.ns(), 10'000'000);
  EXPECT_EQ((t - Time::zero()), milliseconds(10));
  EXPECT_EQ((t - milliseconds(4)).ns(), 6'000'000);
  Time u = t;
  u += microseconds(1);
  EXPECT_EQ(u - t, microseconds(1));
  EXPECT_LT(t, u);
  Duration d = seconds(1);
  d -= milliseconds(250);
  d += nanoseconds(1);
  EXPECT_EQ(d.ns(), 750'000'001);
  EXPECT_EQ((milliseconds(3) * 4).ns(), 12'000'000);
  EXPECT_EQ((milliseconds(3) / 4).ns(), 750'000);
  EXPECT_EQ((t - u).ns(), -1'000) << "durations are signed";
}

TEST(Time, ToFloatingUnits) {
  EXPECT_DOUBLE_EQ(milliseconds(1500).to_seconds(), 1.5);
  EXPECT_DOUBLE_EQ(microseconds(2500).to_ms(), 2.5);
  EXPECT_DOUBLE_EQ(Time::from_ns(3'000'000).to_ms(), 3.0);
  EXPECT_DOUBLE_EQ(Time::from_ns(250'000'000).to_seconds(), 0.25);
}

TEST(Time, DurationFromSecondsAndMilliseconds) {
  EXPECT_EQ(duration_from_seconds(1.5), milliseconds(1500));
  EXPECT_EQ(duration_from_seconds(0), Duration{});
  EXPECT_EQ(duration_from_seconds(-0.25), milliseconds(-250));
  EXPECT_EQ(duration_from_ms(2.5), microseconds(2500));
  EXPECT_EQ(duration_from_seconds(120), seconds(120));
}

TEST(Time, ConversionRoundsToNearestNanosecond) {
  // 2.4 ns and 2.6 ns (as ms) are not exact doubles but are far from the .5 boundary.
  EXPECT_EQ(duration_from_ms(2.4e-6).ns(), 2);
  EXPECT_EQ(duration_from_ms(2.6e-6).ns(), 3);
  EXPECT_EQ(duration_from_seconds(1e-9).ns(), 1);
  EXPECT_EQ(duration_from_seconds(0.4e-9).ns(), 0);
  EXPECT_EQ(duration_from_seconds(-2.6e-9).ns(), -3);
  // 0.1 s is 100000000.000000005... ns in binary; it must not come out as 99999999.
  EXPECT_EQ(duration_from_seconds(0.1).ns(), 100'000'000);
}

TEST(Time, ConversionRejectsNaNAndOverflow) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_THROW(duration_from_seconds(nan), std::out_of_range);
  EXPECT_THROW(duration_from_ms(nan), std::out_of_range);
  EXPECT_THROW(duration_from_seconds(inf), std::out_of_range);
  EXPECT_THROW(duration_from_seconds(-inf), std::out_of_range);
  // int64 nanoseconds reach 9.22e18 ns, about 292 years: 300 years does not fit.
  EXPECT_THROW(duration_from_seconds(300.0 * 365 * 24 * 3600), std::out_of_range);
  EXPECT_THROW(duration_from_seconds(-300.0 * 365 * 24 * 3600), std::out_of_range);
  EXPECT_THROW(duration_from_ms(1e19), std::out_of_range);
  // 280 years fits.
  EXPECT_NO_THROW(duration_from_seconds(280.0 * 365 * 24 * 3600));
  // 2^63 ns exactly is one past the largest int64 and must be rejected, not wrapped.
  EXPECT_THROW(duration_from_seconds(9223372036.854775808), std::out_of_range);
}

TEST(Time, LimitsAndDefaults) {
  EXPECT_EQ(Time{}.ns(), 0);
  EXPECT_EQ(Duration{}.ns(), 0);
  EXPECT_EQ(Time::max().ns(), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(Duration::max().ns(), std::numeric_limits<std::int64_t>::max());
  EXPECT_LT(Time::zero(), Time::max());
}

}  // namespace
}  // namespace txsim::sim
