// Analytic results of queueing theory, used to validate the kernel's queues and distributions.
//
// M/M/c queue (Poisson arrivals at rate lambda, c servers with exponential service at rate mu
// each, FIFO, offered load a = lambda/mu, utilisation rho = a/c < 1). Erlang C gives the
// probability that an arrival waits; mean response time T = C(c, a) / (c mu - lambda) + 1/mu.
// Source: Kleinrock, "Queueing Systems, Volume 1: Theory" (1975), section 3.5. Erlang C is
// computed from the Erlang B recursion B(k) = a B(k-1) / (k + a B(k-1)), B(0) = 1, and
// C = c B / (c - a (1 - B)), which is numerically stable for large c.
#pragma once

#include <cstdint>

namespace txsim::check {

/// Erlang C: probability that an arrival must wait. REQUIRES: c >= 1, 0 <= a < c.
/// Throws std::invalid_argument otherwise.
double erlang_c(std::uint32_t c, double offered_load);

/// Mean response time (waiting + service) of an M/M/c queue, in the reciprocal unit of the
/// rates (rates per ms give ms). REQUIRES: lambda > 0, mu > 0, c >= 1, lambda < c mu.
double mmc_mean_response(double lambda, double mu, std::uint32_t c);

}  // namespace txsim::check
