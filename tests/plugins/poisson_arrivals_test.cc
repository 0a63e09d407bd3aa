#include "plugins/generic/poisson_arrivals.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace txsim::plugins::generic {
namespace {

std::vector<sim::Time> arrivals_of(double rate_per_s, std::uint64_t count, sim::Time end,
                                   std::uint64_t seed = 11) {
  sim::Simulator simulator(seed);
  std::vector<sim::Time> times;
  PoissonArrivals arrivals(simulator, "a", rate_per_s, count, end,
                           [&] { times.push_back(simulator.now()); });
  arrivals.start();
  simulator.run(sim::Time::max(), 10'000'000);
  EXPECT_TRUE(arrivals.finished());
  EXPECT_EQ(arrivals.arrived(), times.size());
  if (!times.empty()) {
    EXPECT_EQ(arrivals.last_arrival(), times.back());
  }
  return times;
}

TEST(PoissonArrivals, StopsAfterCount) {
  const auto times = arrivals_of(1000, 25, sim::Time::max());
  EXPECT_EQ(times.size(), 25u);
  for (std::size_t i = 1; i < times.size(); ++i) EXPECT_LE(times[i - 1], times[i]);
}

TEST(PoissonArrivals, NoArrivalAtOrAfterTheEnd) {
  const sim::Time end = sim::Time::zero() + sim::Duration::from_ns(1'000'000'000);
  const auto times = arrivals_of(2000, 0, end);
  ASSERT_FALSE(times.empty());
  EXPECT_LT(times.back(), end);
}

// n gaps of Exp(1/rate): their mean is 1/rate with standard error (1/rate)/sqrt(n); 5 of them.
TEST(PoissonArrivals, MeanGapIsOneOverTheRate) {
  constexpr double kRate = 500;
  constexpr std::uint64_t kCount = 40'000;
  const auto times = arrivals_of(kRate, kCount, sim::Time::max());
  ASSERT_EQ(times.size(), kCount);
  const double mean_gap_s = (times.back() - sim::Time::zero()).ns() / 1e9 / kCount;
  EXPECT_NEAR(mean_gap_s, 1 / kRate, 5 * (1 / kRate) / std::sqrt(static_cast<double>(kCount)));
}

TEST(PoissonArrivals, SameSeedSameTimesOtherSeedOtherTimes) {
  EXPECT_EQ(arrivals_of(100, 50, sim::Time::max(), 1), arrivals_of(100, 50, sim::Time::max(), 1));
  EXPECT_NE(arrivals_of(100, 50, sim::Time::max(), 1), arrivals_of(100, 50, sim::Time::max(), 2));
}

TEST(PoissonArrivals, RejectsANonPositiveRate) {
  sim::Simulator simulator(1);
  EXPECT_THROW(PoissonArrivals(simulator, "a", 0, 1, sim::Time::max(), [] {}),
               std::invalid_argument);
}

}  // namespace
}  // namespace txsim::plugins::generic
