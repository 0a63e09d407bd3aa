#include "core/check/queueing_theory.h"

#include <stdexcept>

namespace txsim::check {

double erlang_c(std::uint32_t c, double offered_load) {
  if (c < 1 || !(offered_load >= 0) || offered_load >= c) {
    throw std::invalid_argument("erlang_c: requires c >= 1 and 0 <= offered load < c");
  }
  double erlang_b = 1.0;
  for (std::uint32_t k = 1; k <= c; ++k) {
    erlang_b = offered_load * erlang_b / (k + offered_load * erlang_b);
  }
  return c * erlang_b / (c - offered_load * (1.0 - erlang_b));
}

double mmc_mean_response(double lambda, double mu, std::uint32_t c) {
  if (!(lambda > 0) || !(mu > 0) || c < 1 || lambda >= c * mu) {
    throw std::invalid_argument("mmc_mean_response: requires lambda, mu > 0 and lambda < c mu");
  }
  return erlang_c(c, lambda / mu) / (c * mu - lambda) + 1.0 / mu;
}

}  // namespace txsim::check
