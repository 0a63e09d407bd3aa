#include "plugins/transfer/transfer_arrivals.h"

namespace txsim::plugins::transfer {

TransferArrivals::TransferArrivals(sim::Simulator& simulator, const TransferArrivalsConfig& config,
                                   sim::Time end, Submit submit)
    : zipf_(config.keys_per_participant, config.zipf_exponent),
      submit_(std::move(submit)),
      key_rng_(simulator.stream(config.name + "/keys")),
      arrivals_(simulator, config.name, config.rate_per_s, config.count, end,
                [this] { submit_(draw_keys(zipf_, key_rng_)); }) {}

saga::SagaArgs TransferArrivals::draw_keys(const sim::Zipf& zipf, sim::Rng& rng) {
  const std::uint64_t a = zipf.sample(rng);
  const std::uint64_t b = zipf.sample(rng);
  return {a, b};
}

}  // namespace txsim::plugins::transfer
