#include "plugins/queueing/open_queue_workload.h"

#include <cmath>

#include "core/sim/distributions.h"

namespace txsim::plugins::queueing {

OpenQueueWorkload::OpenQueueWorkload(sim::Simulator& simulator,
                                     const scenario::OpenQueueWorkload& config,
                                     sim::Time arrivals_end)
    : simulator_(simulator),
      config_(config),
      arrivals_end_(arrivals_end),
      station_(simulator, config.name(), config.has_servers() ? config.servers() : 1),
      arrival_rng_(simulator.stream("open_queue/" + config.name() + "/arrivals")),
      service_rng_(simulator.stream("open_queue/" + config.name() + "/service")),
      mean_interarrival_ns_(1e6 / config.arrival_rate_per_ms()),
      mean_service_ns_(1e6 / config.service_rate_per_ms()),
      kind_(simulator.register_kind("queue.arrival:" + config.name())) {}

OpenQueueWorkload::~OpenQueueWorkload() { simulator_.cancel(next_arrival_); }

void OpenQueueWorkload::start() { schedule_next_arrival(); }

void OpenQueueWorkload::schedule_next_arrival() {
  if (arrived_ >= config_.customers()) return;
  const auto gap = sim::Duration::from_ns(
      std::llround(sim::exponential(arrival_rng_, mean_interarrival_ns_)));
  if (simulator_.now() + gap > arrivals_end_) return;
  next_arrival_ = simulator_.schedule_after(gap, kind_, &on_arrival, this);
}

void OpenQueueWorkload::on_arrival(void* self, std::uint64_t) {
  auto& workload = *static_cast<OpenQueueWorkload*>(self);
  workload.next_arrival_ = {};
  ++workload.arrived_;
  const auto service = sim::Duration::from_ns(
      std::llround(sim::exponential(workload.service_rng_, workload.mean_service_ns_)));
  workload.station_.arrive(service);
  workload.schedule_next_arrival();
}

}  // namespace txsim::plugins::queueing
