// The open-queue workload: Poisson arrivals at one M/M/c station (reference workload W2).
//
// Each customer's inter-arrival time and service demand are drawn from two RNG streams named
// "open_queue/<name>/arrivals" and "open_queue/<name>/service", so changing one never shifts the
// other. Times are rounded to the nearest nanosecond.
#pragma once

#include <cstdint>

#include "core/sim/multi_server_queue.h"
#include "core/sim/random.h"
#include "core/sim/simulator.h"
#include "txsim/scenario.pb.h"

namespace txsim::plugins::queueing {

class OpenQueueWorkload {
 public:
  /// Arrivals stop after `config.customers()` customers or at `arrivals_end`, whichever is first.
  /// REQUIRES: a validated config (core/scenario).
  OpenQueueWorkload(sim::Simulator& simulator, const scenario::OpenQueueWorkload& config,
                    sim::Time arrivals_end);
  OpenQueueWorkload(const OpenQueueWorkload&) = delete;
  OpenQueueWorkload& operator=(const OpenQueueWorkload&) = delete;
  ~OpenQueueWorkload();

  /// Schedules the first arrival.
  void start();

  const sim::MultiServerQueue& station() const { return station_; }
  sim::MultiServerQueue& station() { return station_; }
  std::uint64_t arrived() const { return arrived_; }

 private:
  static void on_arrival(void* self, std::uint64_t);
  void schedule_next_arrival();

  sim::Simulator& simulator_;
  scenario::OpenQueueWorkload config_;
  sim::Time arrivals_end_;
  sim::MultiServerQueue station_;
  sim::Rng arrival_rng_;
  sim::Rng service_rng_;
  double mean_interarrival_ns_;
  double mean_service_ns_;
  std::uint32_t kind_;
  sim::TimerId next_arrival_;
  std::uint64_t arrived_ = 0;
};

}  // namespace txsim::plugins::queueing
