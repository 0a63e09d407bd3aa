#include "plugins/upload/upload_arrivals.h"

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
    : routes_(routes),
      mix_(mix),
      submit_(std::move(submit)),
      upload_rng_(simulator.stream(name + "/upload")),
      arrivals_(simulator, name, rate_per_s, count, end, [this] { on_arrival(); }) {}

void SagaArrivals::on_arrival() {
  if (!uploads_) {
    submit_(routes_[0], {});
    return;
  }
  const double u = upload_rng_.next_double();
  const std::size_t kind = u < mix_[0] ? 0 : u < mix_[0] + mix_[1] ? 1 : 2;
  const bool shorts = kind == static_cast<std::size_t>(UploadKind::kShorts);
  const std::uint64_t length_s = shorts ? 1 + upload_rng_.below(75) : 60 + upload_rng_.below(3541);
  submit_(routes_[kind], {kind, length_s});
}

}  // namespace txsim::plugins::upload
