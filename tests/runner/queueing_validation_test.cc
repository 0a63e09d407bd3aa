// Reference workloads W2a (M/M/1) and W2b (M/M/2) from ../shared/bench/WORKLOADS.md, run from
// the shipped scenario files at their fixed seed with 1,000,000 customers each: the simulated
// mean response time must be within 2 % of queueing theory and the utilisation within 1 %.
//
// The analytic values are computed here from the closed forms, not by core/check:
//   M/M/1: T = 1 / (mu - lambda)                                  (Kleinrock 1975, eq. 3.26)
//   M/M/c: T = C(c, a) / (c mu - lambda) + 1 / mu, a = lambda / mu, with Erlang C
//          C(c, a) = [a^c / c! * c / (c - a)] / [sum_{k<c} a^k / k! + a^c / c! * c / (c - a)]
//   utilisation rho = lambda / (c mu).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "tests/support/scenario_files.h"

namespace txsim::runner {
namespace {

using test_support::run_source_scenario;

double erlang_c(int c, double a) {
  double term = 1.0;  // a^k / k!
  double sum = 0.0;
  for (int k = 0; k < c; ++k) {
    sum += term;
    term *= a / (k + 1);
  }
  const double waiting = term * c / (c - a);
  return waiting / (sum + waiting);
}

void expect_matches_theory(const report::Report& r, int servers, double lambda, double mu,
                           double analytic_response_ms) {
  ASSERT_EQ(r.queues_size(), 1);
  const auto& q = r.queues(0);
  EXPECT_EQ(q.servers(), static_cast<std::uint32_t>(servers));
  EXPECT_EQ(q.completed(), 1'000'000u) << "every customer is served (the run drains)";
  EXPECT_EQ(q.rejected(), 0u);
  EXPECT_EQ(r.seed(), 1u) << "the scenario's fixed seed";
  EXPECT_NEAR(q.mean_response_ms(), analytic_response_ms, 0.02 * analytic_response_ms);
  const double rho = lambda / (servers * mu);
  EXPECT_NEAR(q.utilization(), rho, 0.01 * rho);
  EXPECT_TRUE(r.passed()) << "the run's own queueing-theory check agrees";
}

TEST(QueueingValidation, W2aMM1MeanResponseIsFiveMilliseconds) {
  const double lambda = 0.8, mu = 1.0;  // per ms
  const double analytic = 1.0 / (mu - lambda);
  ASSERT_NEAR(analytic, 5.0, 1e-12);
  expect_matches_theory(run_source_scenario("scenarios/bench/w2a_mm1.textproto"), 1, lambda, mu,
                        analytic);
}

TEST(QueueingValidation, W2bMM2MeanResponseByErlangC) {
  const double lambda = 1.6, mu = 1.0;  // per ms
  const int c = 2;
  const double analytic = erlang_c(c, lambda / mu) / (c * mu - lambda) + 1.0 / mu;
  ASSERT_NEAR(analytic, 2.778, 1e-3);
  expect_matches_theory(run_source_scenario("scenarios/bench/w2b_mm2.textproto"), c, lambda, mu,
                        analytic);
}

TEST(QueueingValidation, SameSeedSameTraceHash) {
  const auto a = run_source_scenario("scenarios/bench/w2b_mm2.textproto");
  const auto b = run_source_scenario("scenarios/bench/w2b_mm2.textproto");
  EXPECT_EQ(a.trace_hash(), b.trace_hash());
  EXPECT_EQ(a.events_processed(), b.events_processed());
  // Each customer is one arrival event and one departure event.
  EXPECT_EQ(a.events_processed(), 2'000'000u);
}

}  // namespace
}  // namespace txsim::runner
