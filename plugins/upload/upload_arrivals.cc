#include "plugins/upload/upload_arrivals.h"

#include <cmath>

#include "core/sim/distributions.h"
#include "plugins/upload/upload_services.h"

namespace txsim::plugins::upload {

SagaArrivals::SagaArrivals(sim::Simulator& simulator, std::string name, double rate_per_s,
                           std::uint64_t count, sim::Time end, std::uint32_t route, Submit submit)
    : SagaArrivals(simulator, std::move(name), rate_per_s, count, end, {route, route, route},
                   {0, 1, 0}, std::move(submit)) {
  uploads_ = false;
}

SagaArrivals::SagaArrivals(sim::Simulator& simulator, std::string name, double rate_per_s,
                           std::uint64_t count, sim::Time end, std::array<std::uint32_t, 3> routes,
                           std::array<double, 3> mix, Submit submit)
    : simulator_(simulator),
      mean_gap_ns_(1e9 / rate_per_s),
      count_(count),
      end_(end),
      uploads_(true),
      routes_(routes),
      mix_(mix),
      submit_(std::move(submit)),
      arrival_rng_(simulator.stream(name + "/arrivals")),
      upload_rng_(simulator.stream(name + "/upload")),
      kind_(simulator.register_kind("arrival:" + name)) {}

SagaArrivals::~SagaArrivals() { simulator_.cancel(next_); }

void SagaArrivals::start() { schedule_next(); }

void SagaArrivals::schedule_next() {
  const auto gap = sim::Duration::from_ns(std::llround(sim::exponential(arrival_rng_, mean_gap_ns_)));
  if ((count_ > 0 && arrived_ >= count_) || simulator_.now() + gap >= end_) {
    finished_ = true;
    return;
  }
  next_ = simulator_.schedule_after(gap, kind_, &on_arrival, this);
}

void SagaArrivals::on_arrival(void* self, std::uint64_t) {
  auto& a = *static_cast<SagaArrivals*>(self);
  a.next_ = {};
  ++a.arrived_;
  a.last_arrival_ = a.simulator_.now();
  if (!a.uploads_) {
    a.submit_(a.routes_[0], {});
  } else {
    const double u = a.upload_rng_.next_double();
    const std::size_t kind = u < a.mix_[0] ? 0 : u < a.mix_[0] + a.mix_[1] ? 1 : 2;
    const bool shorts = kind == static_cast<std::size_t>(UploadKind::kShorts);
    const std::uint64_t length_s = shorts ? 1 + a.upload_rng_.below(75) : 60 + a.upload_rng_.below(3541);
    a.submit_(a.routes_[kind], {kind, length_s});
  }
  a.schedule_next();
}

}  // namespace txsim::plugins::upload
