#include "plugins/transfer/transfer_arrivals.h"

#include <cmath>
#include <stdexcept>

namespace txsim::plugins::transfer {

TransferArrivals::TransferArrivals(sim::Simulator& simulator, const TransferArrivalsConfig& config,
                                   sim::Time end, Submit submit)
    : simulator_(simulator),
      mean_gap_ns_(1e9 / config.rate_per_s),
      count_(config.count),
      end_(end),
      zipf_(config.keys_per_participant, config.zipf_exponent),
      submit_(std::move(submit)),
      arrival_rng_(simulator.stream(config.name + "/arrivals")),
      key_rng_(simulator.stream(config.name + "/keys")),
      kind_(simulator.register_kind("arrival:" + config.name)) {
  if (!(config.rate_per_s > 0)) {
    throw std::invalid_argument("transfer arrivals: rate_per_s must be > 0");
  }
}

TransferArrivals::~TransferArrivals() { simulator_.cancel(next_); }

void TransferArrivals::start() { schedule_next(); }

saga::SagaArgs TransferArrivals::draw_keys(const sim::Zipf& zipf, sim::Rng& rng) {
  const std::uint64_t a = zipf.sample(rng);
  const std::uint64_t b = zipf.sample(rng);
  return {a, b};
}

void TransferArrivals::schedule_next() {
  const auto gap = sim::Duration::from_ns(std::llround(sim::exponential(arrival_rng_, mean_gap_ns_)));
  if ((count_ > 0 && arrived_ >= count_) || simulator_.now() + gap >= end_) {
    finished_ = true;
    return;
  }
  next_ = simulator_.schedule_after(gap, kind_, &on_arrival, this);
}

void TransferArrivals::on_arrival(void* self, std::uint64_t) {
  auto& t = *static_cast<TransferArrivals*>(self);
  t.next_ = {};
  ++t.arrived_;
  t.last_arrival_ = t.simulator_.now();
  t.submit_(draw_keys(t.zipf_, t.key_rng_));
  t.schedule_next();
}

}  // namespace txsim::plugins::transfer
