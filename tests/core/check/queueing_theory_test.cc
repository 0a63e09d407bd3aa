// Analytic queueing results against hand derivations (Kleinrock, Queueing Systems Vol. 1, 1975).
#include "core/check/queueing_theory.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace txsim::check {
namespace {

// Erlang C from its closed form (Kleinrock, eq. 3.40), written independently of the code under
// test, which uses the Erlang B recursion:
//   C(c, a) = [a^c / c! * c / (c - a)] / [sum_{k=0}^{c-1} a^k / k! + a^c / c! * c / (c - a)].
double erlang_c_closed_form(int c, double a) {
  double term = 1.0;  // a^k / k!
  double sum = 0.0;
  for (int k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  const double waiting = term * c / (c - a);  // term is now a^c / c!
  return waiting / (sum + waiting);
}

TEST(QueueingTheory, MM1ReducesToOneOverMuMinusLambda) {
  // With c = 1, C(1, a) = a (= rho), so T = rho / (mu - lambda) + 1 / mu = 1 / (mu - lambda).
  EXPECT_NEAR(erlang_c(1, 0.8), 0.8, 1e-15);
  EXPECT_NEAR(mmc_mean_response(0.8, 1.0, 1), 5.0, 1e-12);  // W2a
  EXPECT_NEAR(mmc_mean_response(3.0, 4.0, 1), 1.0, 1e-12);
  EXPECT_NEAR(mmc_mean_response(0.1, 1.0, 1), 1.0 / 0.9, 1e-12);
}

TEST(QueueingTheory, ErlangCOfTwoServersAtOnePointSix) {
  // By hand, c = 2, a = 1.6:
  //   a^2 / 2! = 1.28;  c / (c - a) = 2 / 0.4 = 5;  numerator = 1.28 * 5 = 6.4
  //   sum_{k<2} a^k / k! = 1 + 1.6 = 2.6
  //   C = 6.4 / (2.6 + 6.4) = 6.4 / 9 = 0.71111...
  EXPECT_NEAR(erlang_c(2, 1.6), 6.4 / 9.0, 1e-12);
  EXPECT_NEAR(erlang_c(2, 1.6), 0.7111, 1e-4);
  // W2b: T = C / (c mu - lambda) + 1 / mu = (6.4 / 9) / 0.4 + 1 = 16 / 9 + 1 = 2.7778 ms.
  EXPECT_NEAR(mmc_mean_response(1.6, 1.0, 2), 25.0 / 9.0, 1e-12);
}

TEST(QueueingTheory, ZeroLoadNeverWaits) { EXPECT_EQ(erlang_c(3, 0.0), 0.0); }

// Invariant: the recursion in the code agrees with the closed form for every stable load.
RC_GTEST_PROP(QueueingTheory, RecursionMatchesClosedForm, ()) {
  const int c = *rc::gen::inRange(1, 40);
  const double rho = *rc::gen::inRange(1, 999) / 1000.0;
  const double a = rho * c;
  const double expected = erlang_c_closed_form(c, a);
  RC_ASSERT(std::abs(erlang_c(c, a) - expected) <= 1e-9 * std::max(expected, 1e-3));
  RC_ASSERT(expected >= 0.0);
  RC_ASSERT(expected <= 1.0);
}

TEST(QueueingTheory, InvalidArgumentsThrow) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(erlang_c(0, 0.5), std::invalid_argument);
  EXPECT_THROW(erlang_c(2, 2.0), std::invalid_argument) << "a = c is unstable";
  EXPECT_THROW(erlang_c(2, 3.0), std::invalid_argument);
  EXPECT_THROW(erlang_c(2, -0.1), std::invalid_argument);
  EXPECT_THROW(erlang_c(2, nan), std::invalid_argument);
  EXPECT_THROW(mmc_mean_response(1.0, 1.0, 1), std::invalid_argument) << "lambda = c mu";
  EXPECT_THROW(mmc_mean_response(0.0, 1.0, 1), std::invalid_argument);
  EXPECT_THROW(mmc_mean_response(-1.0, 1.0, 1), std::invalid_argument);
  EXPECT_THROW(mmc_mean_response(0.5, 0.0, 1), std::invalid_argument);
  EXPECT_THROW(mmc_mean_response(0.5, 1.0, 0), std::invalid_argument);
  EXPECT_THROW(mmc_mean_response(nan, 1.0, 1), std::invalid_argument);
}

}  // namespace
}  // namespace txsim::check
