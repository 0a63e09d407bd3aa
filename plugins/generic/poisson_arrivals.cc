#include "plugins/generic/poisson_arrivals.h"

#include <cmath>
#include <stdexcept>

#include "core/sim/distributions.h"

namespace txsim::plugins::generic {

PoissonArrivals::PoissonArrivals(sim::Simulator& simulator, const std::string& name,
                                 double rate_per_s, std::uint64_t count, sim::Time end,
                                 OnArrival on_arrival)
    : simulator_(simulator),
      mean_gap_ns_(1e9 / rate_per_s),
      count_(count),
      end_(end),
      on_arrival_(std::move(on_arrival)),
      gap_rng_(simulator.stream(name + "/arrivals")),
      kind_(simulator.register_kind("arrival:" + name)) {
  if (!(rate_per_s > 0)) {
    throw std::invalid_argument("arrivals '" + name + "': rate_per_s must be > 0");
  }
}

PoissonArrivals::~PoissonArrivals() { simulator_.cancel(next_); }

void PoissonArrivals::start() { schedule_next(); }

void PoissonArrivals::schedule_next() {
  const auto gap = sim::Duration::from_ns(std::llround(sim::exponential(gap_rng_, mean_gap_ns_)));
  if ((count_ > 0 && arrived_ >= count_) || simulator_.now() + gap >= end_) {
    finished_ = true;
    return;
  }
  next_ = simulator_.schedule_after(gap, kind_, &fire, this);
}

void PoissonArrivals::fire(void* self, std::uint64_t) {
  auto& a = *static_cast<PoissonArrivals*>(self);
  a.next_ = {};
  ++a.arrived_;
  a.last_arrival_ = a.simulator_.now();
  a.on_arrival_();
  a.schedule_next();
}

}  // namespace txsim::plugins::generic
