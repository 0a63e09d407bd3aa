// A Poisson arrival process: the shared driver behind every workload's arrivals (uploads, named
// sagas, transfers).
//
// Gaps are drawn from Exp(1 / rate) on the stream "<name>/arrivals"; each arrival calls
// `on_arrival`, which draws whatever the workload needs from its own streams and submits the
// transaction. Arrivals stop after `count` arrivals (0: no limit) or when the next one would come
// at or after `end`, whichever comes first. Virtual time is integer nanoseconds. The kernel event
// kind is "arrival:<name>", registered in the constructor.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/sim/simulator.h"

namespace txsim::plugins::generic {

class PoissonArrivals {
 public:
  using OnArrival = std::function<void()>;

  /// Throws std::invalid_argument unless rate_per_s > 0.
  PoissonArrivals(sim::Simulator& simulator, const std::string& name, double rate_per_s,
                  std::uint64_t count, sim::Time end, OnArrival on_arrival);
  PoissonArrivals(const PoissonArrivals&) = delete;
  PoissonArrivals& operator=(const PoissonArrivals&) = delete;
  ~PoissonArrivals();

  /// Schedules the first arrival.
  void start();
  /// No more arrivals will come.
  bool finished() const { return finished_; }
  std::uint64_t arrived() const { return arrived_; }
  /// Time of the latest arrival (zero before the first).
  sim::Time last_arrival() const { return last_arrival_; }

 private:
  static void fire(void* self, std::uint64_t);
  void schedule_next();

  sim::Simulator& simulator_;
  double mean_gap_ns_;
  std::uint64_t count_;
  sim::Time end_;
  OnArrival on_arrival_;
  sim::Rng gap_rng_;
  std::uint32_t kind_;
  sim::TimerId next_;
  std::uint64_t arrived_ = 0;
  sim::Time last_arrival_;
  bool finished_ = false;
};

}  // namespace txsim::plugins::generic
