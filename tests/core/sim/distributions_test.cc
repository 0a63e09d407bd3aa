// Each distribution's sample mean and variance against its exact moments, within tolerances
// derived from the sample size; and parameter validation.
//
// Tolerances: for n independent samples with variance sigma^2 and fourth central moment mu4,
//   SE(sample mean)     = sigma / sqrt(n),
//   SE(sample variance) ~ sqrt((mu4 - sigma^4) / n)       (large-n approximation);
// the code uses the exact variance of the unbiased sample variance,
//   Var(s^2) = mu4 / n - sigma^4 (n - 3) / (n (n - 1)),
// which equals the above for large n but stays positive when mu4 = sigma^4 (Bernoulli(1/2)).
// A check passes when the estimate is within 5 standard errors of the exact value; for a
// correct sampler that fails with probability below 1e-6 (and the seed is fixed).
#include "core/sim/distributions.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <utility>
#include <vector>

namespace txsim::sim {
namespace {

constexpr int kSamples = 400'000;
constexpr double kStandardErrors = 5.0;

// Exact mean, variance and fourth central moment of a distribution.
struct Moments {
  double mean;
  double variance;
  double mu4;
};

// Central moments from the raw moments E[X], E[X^2], E[X^3], E[X^4].
Moments from_raw(double r1, double r2, double r3, double r4) {
  const double variance = r2 - r1 * r1;
  const double mu4 = r4 - 4 * r1 * r3 + 6 * r1 * r1 * r2 - 3 * r1 * r1 * r1 * r1;
  return {r1, variance, mu4};
}

// Raw moment E[X^k] of the uniform distribution on [a, b] (a point mass when a == b).
double uniform_raw_moment(double a, double b, int k) {
  if (a == b) return std::pow(a, k);
  return (std::pow(b, k + 1) - std::pow(a, k + 1)) / ((k + 1) * (b - a));
}

void expect_moments(const char* what, const Moments& exact, const std::function<double()>& draw) {
  // Two-pass in long double: the sample mean first, then central sums.
  std::vector<double> xs(kSamples);
  long double sum = 0;
  for (double& x : xs) {
    x = draw();
    sum += x;
  }
  const long double mean = sum / kSamples;
  long double squares = 0;
  for (const double x : xs) squares += (x - mean) * (x - mean);
  const double variance = static_cast<double>(squares / (kSamples - 1));

  const double n = kSamples;
  const double se_mean = std::sqrt(exact.variance / n);
  const double sigma4 = exact.variance * exact.variance;
  const double se_variance = std::sqrt(exact.mu4 / n - sigma4 * (n - 3) / (n * (n - 1)));
  EXPECT_NEAR(static_cast<double>(mean), exact.mean, kStandardErrors * se_mean) << what << " mean";
  EXPECT_NEAR(variance, exact.variance, kStandardErrors * se_variance) << what << " variance";
}

TEST(Distributions, UniformMoments) {
  Rng rng = Rng::derive(1, "uniform");
  const double a = -2, b = 5;
  const Moments exact = from_raw(uniform_raw_moment(a, b, 1), uniform_raw_moment(a, b, 2),
                                 uniform_raw_moment(a, b, 3), uniform_raw_moment(a, b, 4));
  expect_moments("uniform(-2, 5)", exact, [&] { return uniform(rng, a, b); });
}

TEST(Distributions, UniformStaysInHalfOpenRange) {
  Rng rng = Rng::derive(1, "uniform/range");
  for (int i = 0; i < 100'000; ++i) {
    const double x = uniform(rng, 3.0, 4.0);
    ASSERT_GE(x, 3.0);
    ASSERT_LT(x, 4.0);
  }
}

TEST(Distributions, BernoulliMoments) {
  for (const double p : {0.05, 0.3, 0.5}) {
    Rng rng = Rng::derive(2, "bernoulli");
    // Central fourth moment of Bernoulli(p): p(1-p)((1-p)^3 + p^3).
    const double q = 1 - p;
    const Moments exact{p, p * q, p * q * (q * q * q + p * p * p)};
    expect_moments("bernoulli", exact, [&] { return bernoulli(rng, p) ? 1.0 : 0.0; });
  }
}

TEST(Distributions, BernoulliEdgesAreCertain) {
  Rng rng = Rng::derive(2, "bernoulli/edges");
  for (int i = 0; i < 10'000; ++i) {
    ASSERT_FALSE(bernoulli(rng, 0.0));
    ASSERT_TRUE(bernoulli(rng, 1.0));
  }
}

TEST(Distributions, ExponentialMoments) {
  Rng rng = Rng::derive(3, "exponential");
  const double m = 2.5;
  // E[X^k] = k! m^k.
  const Moments exact = from_raw(m, 2 * m * m, 6 * m * m * m, 24 * m * m * m * m);
  expect_moments("exponential(2.5)", exact, [&] { return exponential(rng, m); });
}

TEST(Distributions, ExponentialIsPositiveAndFinite) {
  Rng rng = Rng::derive(3, "exponential/range");
  for (int i = 0; i < 100'000; ++i) {
    const double x = exponential(rng, 1.0);
    ASSERT_GE(x, 0.0);
    ASSERT_TRUE(std::isfinite(x));
  }
}

TEST(Distributions, NormalMoments) {
  Rng rng = Rng::derive(4, "normal");
  const double mu = 10, sigma = 3;
  const Moments exact{mu, sigma * sigma, 3 * std::pow(sigma, 4)};
  expect_moments("normal(10, 3)", exact, [&] { return normal(rng, mu, sigma); });
}

TEST(Distributions, LognormalMoments) {
  Rng rng = Rng::derive(5, "lognormal");
  const double mu = 0.5, sigma = 0.4;
  // E[X^k] = exp(k mu + k^2 sigma^2 / 2).
  auto raw = [&](int k) { return std::exp(k * mu + k * k * sigma * sigma / 2); };
  expect_moments("lognormal(0.5, 0.4)", from_raw(raw(1), raw(2), raw(3), raw(4)),
                 [&] { return lognormal(rng, mu, sigma); });
}

TEST(Distributions, ParetoMoments) {
  // Shape 5 > 4 so that the fourth moment, and hence SE(variance), exists.
  Rng rng = Rng::derive(6, "pareto");
  const double scale = 2, shape = 5;
  // E[X^k] = shape scale^k / (shape - k) for k < shape.
  auto raw = [&](int k) { return shape * std::pow(scale, k) / (shape - k); };
  expect_moments("pareto(2, 5)", from_raw(raw(1), raw(2), raw(3), raw(4)),
                 [&] { return pareto(rng, scale, shape); });
}

TEST(Distributions, ParetoNeverBelowScale) {
  Rng rng = Rng::derive(6, "pareto/range");
  for (int i = 0; i < 100'000; ++i) ASSERT_GE(pareto(rng, 2.0, 1.5), 2.0);
}

TEST(Distributions, ZipfMoments) {
  for (const double s : {0.0, 0.8, 1.0, 1.5}) {
    constexpr std::uint64_t kRanks = 100;
    // Exact moments straight from the definition P(k) = k^-s / sum_j j^-s.
    double norm = 0;
    for (std::uint64_t k = 1; k <= kRanks; ++k) norm += std::pow(double(k), -s);
    double raw[5] = {0, 0, 0, 0, 0};
    for (std::uint64_t k = 1; k <= kRanks; ++k) {
      const double p = std::pow(double(k), -s) / norm;
      for (int m = 1; m <= 4; ++m) raw[m] += p * std::pow(double(k), m);
    }
    const Zipf zipf(kRanks, s);
    EXPECT_EQ(zipf.ranks(), kRanks);
    Rng rng = Rng::derive(7, "zipf");
    expect_moments("zipf", from_raw(raw[1], raw[2], raw[3], raw[4]), [&] {
      const std::uint64_t k = zipf.sample(rng);
      EXPECT_GE(k, 1u);
      EXPECT_LE(k, kRanks);
      return static_cast<double>(k);
    });
  }
}

TEST(Distributions, ZipfWithOneRankAlwaysGivesOne) {
  const Zipf zipf(1, 1.0);
  Rng rng(8);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(zipf.sample(rng), 1u);
}

TEST(Distributions, EmpiricalSamplesMoments) {
  const std::vector<double> values = {1, 2, 2, 7, 10};
  double raw[5] = {0, 0, 0, 0, 0};
  for (const double v : values) {
    for (int m = 1; m <= 4; ++m) raw[m] += std::pow(v, m) / values.size();
  }
  const Empirical empirical = Empirical::from_samples(values);
  Rng rng = Rng::derive(9, "empirical/samples");
  expect_moments("empirical samples", from_raw(raw[1], raw[2], raw[3], raw[4]), [&] {
    const double x = empirical.sample(rng);
    EXPECT_TRUE(x == 1 || x == 2 || x == 7 || x == 10) << x;
    return x;
  });
}

TEST(Distributions, EmpiricalCdfMoments) {
  // CDF table: probability 0.2 at exactly 2 (the CDF starts there), then linear up to 0.6 at 4
  // and to 1.0 at 10. So X is a mixture: a point mass 0.2 at 2, uniform on [2, 4] with weight
  // 0.4, uniform on [4, 10] with weight 0.4.
  const std::vector<std::pair<double, double>> table = {{2, 0.2}, {4, 0.6}, {10, 1.0}};
  auto raw = [&](int k) {
    return 0.2 * std::pow(2.0, k) + 0.4 * uniform_raw_moment(2, 4, k) +
           0.4 * uniform_raw_moment(4, 10, k);
  };
  const Empirical empirical = Empirical::from_cdf(table);
  Rng rng = Rng::derive(10, "empirical/cdf");
  expect_moments("empirical cdf", from_raw(raw(1), raw(2), raw(3), raw(4)), [&] {
    const double x = empirical.sample(rng);
    EXPECT_GE(x, 2.0);
    EXPECT_LE(x, 10.0);
    return x;
  });
}

TEST(Distributions, EmpiricalCdfWithAJumpGivesThePointMass) {
  // The CDF jumps from 0.5 to 0.8 at value 3: P(X = 3) = 0.3 plus the continuous parts.
  const Empirical empirical = Empirical::from_cdf({{0, 0.0}, {3, 0.5}, {3, 0.8}, {4, 1.0}});
  Rng rng = Rng::derive(10, "empirical/jump");
  int at_three = 0;
  constexpr int kDraws = 100'000;
  for (int i = 0; i < kDraws; ++i) at_three += empirical.sample(rng) == 3.0 ? 1 : 0;
  const double se = std::sqrt(0.3 * 0.7 / kDraws);
  EXPECT_NEAR(at_three / double(kDraws), 0.3, kStandardErrors * se);
}

TEST(Distributions, BadParametersThrowInvalidArgument) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_THROW(Zipf(0, 1.0), std::invalid_argument);
  EXPECT_THROW(Zipf(Zipf::kMaxRanks + 1, 1.0), std::invalid_argument);
  EXPECT_THROW(Zipf(10, -0.5), std::invalid_argument);
  EXPECT_THROW(Zipf(10, nan), std::invalid_argument);
  EXPECT_THROW(Zipf(10, inf), std::invalid_argument);

  EXPECT_THROW(Empirical::from_samples({}), std::invalid_argument);
  EXPECT_THROW(Empirical::from_samples({1.0, nan}), std::invalid_argument);
  EXPECT_THROW(Empirical::from_samples({inf}), std::invalid_argument);

  using Table = std::vector<std::pair<double, double>>;
  EXPECT_THROW(Empirical::from_cdf(Table{}), std::invalid_argument);
  EXPECT_THROW(Empirical::from_cdf(Table{{0, 0.5}, {1, 0.9}}), std::invalid_argument)
      << "last probability must be 1";
  EXPECT_THROW(Empirical::from_cdf(Table{{0, 0.5}, {1, 0.4}, {2, 1.0}}), std::invalid_argument)
      << "probabilities decrease";
  EXPECT_THROW(Empirical::from_cdf(Table{{5, 0.5}, {1, 1.0}}), std::invalid_argument)
      << "values decrease";
  EXPECT_THROW(Empirical::from_cdf(Table{{0, -0.1}, {1, 1.0}}), std::invalid_argument);
  EXPECT_THROW(Empirical::from_cdf(Table{{0, 0.0}, {1, 1.5}}), std::invalid_argument);
  EXPECT_THROW(Empirical::from_cdf(Table{{nan, 0.0}, {1, 1.0}}), std::invalid_argument);
  EXPECT_THROW(Empirical::from_cdf(Table{{0, nan}, {1, 1.0}}), std::invalid_argument);
}

TEST(Distributions, EachSampleConsumesTheDocumentedNumberOfDraws) {
  // The header promises one draw for uniform, bernoulli, exponential, pareto, zipf and
  // empirical, two for normal and lognormal: a stream advanced by hand must line up after them.
  const Zipf zipf(10, 1.0);
  const Empirical empirical = Empirical::from_cdf({{0, 0.0}, {1, 1.0}});
  const std::vector<std::pair<int, std::function<void(Rng&)>>> samplers = {
      {1, [](Rng& r) { uniform(r, 0, 1); }},   {1, [](Rng& r) { bernoulli(r, 0.5); }},
      {1, [](Rng& r) { exponential(r, 1); }},  {2, [](Rng& r) { normal(r, 0, 1); }},
      {2, [](Rng& r) { lognormal(r, 0, 1); }}, {1, [](Rng& r) { pareto(r, 1, 2); }},
      {1, [&](Rng& r) { zipf.sample(r); }},    {1, [&](Rng& r) { empirical.sample(r); }},
  };
  for (std::size_t i = 0; i < samplers.size(); ++i) {
    Rng used(99);
    Rng manual(99);
    samplers[i].second(used);
    for (int d = 0; d < samplers[i].first; ++d) manual.next_u64();
    EXPECT_EQ(used.next_u64(), manual.next_u64()) << "sampler " << i;
  }
}

}  // namespace
}  // namespace txsim::sim
