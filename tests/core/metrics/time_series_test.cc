#include "core/metrics/time_series.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <utility>
#include <vector>

namespace txsim::metrics {
namespace {

struct Change {
  std::int64_t at_ns;
  int delta;
};

// The reference: the value after every change at or before t (initial value 0).
double value_at(const std::vector<Change>& changes, std::int64_t t) {
  double value = 0;
  for (const auto& c : changes) {
    if (c.at_ns <= t) value += c.delta;
  }
  return value;
}

// Drives the sampler the way the runner does: advance_to(event time) before the event applies.
FixedIntervalSampler run(const std::vector<Change>& changes, std::int64_t interval_ns,
                         std::size_t max_points, std::int64_t end_ns) {
  double level = 0;
  FixedIntervalSampler sampler(interval_ns, max_points);
  sampler.add_probe("level", [&level] { return level; });
  for (const auto& c : changes) {
    sampler.advance_to(c.at_ns);
    level += c.delta;
  }
  sampler.finish(end_ns);
  return sampler;
}

// Every sample equals the step function's value at its time, samples sit at consecutive
// multiples of the (possibly doubled) interval from 0 to the first at or after the end, and
// never exceed the bound.
RC_GTEST_PROP(FixedIntervalSampler, MatchesTheStepFunctionAtEverySampleTime, ()) {
  const auto interval_ns = *rc::gen::inRange<std::int64_t>(1, 50);
  const auto max_points = 2 * *rc::gen::inRange<std::size_t>(1, 20);
  auto times = *rc::gen::container<std::vector<std::int64_t>>(rc::gen::inRange<std::int64_t>(0, 2000));
  std::sort(times.begin(), times.end());
  std::vector<Change> changes;
  for (const auto t : times) changes.push_back({t, *rc::gen::inRange(-3, 4)});
  const std::int64_t end_ns = times.empty() ? 0 : times.back() + *rc::gen::inRange<std::int64_t>(0, 100);

  const auto sampler = run(changes, interval_ns, max_points, end_ns);
  const auto& t = sampler.times_ns();
  RC_ASSERT(!t.empty());
  RC_ASSERT(t.size() <= max_points);
  RC_ASSERT(sampler.interval_ns() % interval_ns == 0);
  for (std::size_t k = 0; k < t.size(); ++k) {
    RC_ASSERT(t[k] == static_cast<std::int64_t>(k) * sampler.interval_ns());
    RC_ASSERT(sampler.values(0)[k] == value_at(changes, t[k]));
  }
  RC_ASSERT(t.back() >= end_ns);
  RC_ASSERT(t.back() < end_ns + sampler.interval_ns());
}

TEST(FixedIntervalSampler, SampleAtAnEventTimeSeesThatEvent) {
  // A change at exactly t = 10 is part of the sample at t = 10 (right-continuous).
  const auto sampler = run({{10, 5}, {15, 1}}, 10, 100, 20);
  EXPECT_EQ(sampler.times_ns(), (std::vector<std::int64_t>{0, 10, 20}));
  EXPECT_EQ(sampler.values(0), (std::vector<double>{0, 5, 6}));
}

TEST(FixedIntervalSampler, ThinningKeepsEveryOtherSampleAndDoublesTheInterval) {
  const auto sampler = run({}, 1, 4, 9);
  // 0..9 at 1 ns would be 10 samples; bound 4 leaves 0, 4, 8 at 4 ns, and 12 is the first
  // instant at or after the end.
  EXPECT_EQ(sampler.interval_ns(), 4);
  EXPECT_EQ(sampler.times_ns(), (std::vector<std::int64_t>{0, 4, 8, 12}));
}

TEST(FixedIntervalSampler, RejectsBadArgumentsAndLateProbes) {
  EXPECT_THROW(FixedIntervalSampler(0, 10), std::invalid_argument);
  EXPECT_THROW(FixedIntervalSampler(1, 3), std::invalid_argument);
  FixedIntervalSampler sampler(1, 10);
  sampler.add_probe("a", [] { return 1.0; });
  sampler.advance_to(5);
  EXPECT_THROW(sampler.add_probe("b", [] { return 2.0; }), std::logic_error);
}

}  // namespace
}  // namespace txsim::metrics
