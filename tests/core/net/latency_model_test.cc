#include "core/net/latency_model.h"

#include <gtest/gtest.h>

#include <cmath>

namespace txsim::net {
namespace {

// Sample mean in ms over n draws.
double mean_ms(const LatencyModel& model, int n) {
  sim::Rng rng(99);
  double sum = 0;
  for (int i = 0; i < n; ++i) {
    sim::Duration d = model.sample(rng);
    EXPECT_GE(d.ns(), 0);
    sum += d.to_ms();
  }
  return sum / n;
}

// Each expected mean is the distribution's analytic mean; tolerance is 6 standard errors
// (stddev / sqrt(n)), so a correct sampler fails with negligible probability.
TEST(LatencyModel, SampleMeansMatchAnalyticMeans) {
  constexpr int n = 200'000;
  auto tolerance = [](double stddev) { return 6 * stddev / std::sqrt(n); };
  EXPECT_NEAR(mean_ms(LatencyModel::constant(2.5), n), 2.5, 1e-6);
  EXPECT_NEAR(mean_ms(LatencyModel::uniform(1, 3), n), 2, tolerance(2 / std::sqrt(12)));
  EXPECT_NEAR(mean_ms(LatencyModel::exponential(4), n), 4, tolerance(4));
  EXPECT_NEAR(mean_ms(LatencyModel::normal(10, 1), n), 10, tolerance(1));
  double mu = 0.5, sigma = 0.25;
  double lognormal_mean = std::exp(mu + sigma * sigma / 2);
  double lognormal_sd = lognormal_mean * std::sqrt(std::exp(sigma * sigma) - 1);
  EXPECT_NEAR(mean_ms(LatencyModel::lognormal(mu, sigma), n), lognormal_mean,
              tolerance(lognormal_sd));
  // Pareto scale 1, shape 3: mean 1.5, variance 3/4.
  EXPECT_NEAR(mean_ms(LatencyModel::pareto(1, 3), n), 1.5, tolerance(std::sqrt(0.75)));
  auto empirical = LatencyModel::empirical(sim::Empirical::from_samples({1, 2, 3, 6}));
  EXPECT_NEAR(mean_ms(empirical, n), 3, tolerance(std::sqrt(3.5)));
}

TEST(LatencyModel, NormalIsTruncatedAtZero) {
  sim::Rng rng(1);
  auto model = LatencyModel::normal(0.1, 5);
  for (int i = 0; i < 10'000; ++i) EXPECT_GE(model.sample(rng).ns(), 0);
}

TEST(LatencyModel, ImpossibleParametersAreRejected) {
  EXPECT_THROW(LatencyModel::constant(-1), std::invalid_argument);
  EXPECT_THROW(LatencyModel::uniform(3, 1), std::invalid_argument);
  EXPECT_THROW(LatencyModel::exponential(NAN), std::invalid_argument);
  EXPECT_THROW(LatencyModel::normal(1, -1), std::invalid_argument);
  EXPECT_THROW(LatencyModel::pareto(0, 2), std::invalid_argument);
  EXPECT_THROW(LatencyModel::pareto(1, 0), std::invalid_argument);
  EXPECT_EQ(LatencyModel::normal(2, 0.5).describe(), "normal(mean_ms=2, stddev_ms=0.5)");
}

}  // namespace
}  // namespace txsim::net
