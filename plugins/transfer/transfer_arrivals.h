// Arrivals of transfers (reference workload W3): a Poisson process, each arrival starting one
// transfer with keys a (row at P1) and b (row at P2) drawn independently from Zipf(s) over
// 1..keys_per_participant (core/sim/distributions.h), so rank 1 is the hottest row.
//
// Streams: "<name>/arrivals" (gaps, Exp(1 / rate)) and "<name>/keys" (a, then b). Arrivals stop
// after `count` transfers (0: no limit) or at `end`, whichever comes first. Virtual time is
// integer nanoseconds. The driver submits through a callback so that the same arrivals (same
// seed, same keys, same times) drive a saga orchestrator or a 2PC coordinator.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/sim/distributions.h"
#include "core/sim/simulator.h"
#include "core/txn/saga/protocol.h"

namespace txsim::plugins::transfer {

struct TransferArrivalsConfig {
  std::string name = "transfers";
  double rate_per_s = 1;
  std::uint64_t count = 0;
  std::uint64_t keys_per_participant = 1000;
  double zipf_exponent = 1.0;
};

class TransferArrivals {
 public:
  /// submit(args) starts one transfer; args.a and args.b are its keys.
  using Submit = std::function<void(saga::SagaArgs args)>;

  /// REQUIRES: rate_per_s > 0, 1 <= keys_per_participant <= sim::Zipf::kMaxRanks,
  /// zipf_exponent >= 0 (std::invalid_argument otherwise).
  TransferArrivals(sim::Simulator& simulator, const TransferArrivalsConfig& config, sim::Time end,
                   Submit submit);
  TransferArrivals(const TransferArrivals&) = delete;
  TransferArrivals& operator=(const TransferArrivals&) = delete;
  ~TransferArrivals();

  void start();
  bool finished() const { return finished_; }
  std::uint64_t arrived() const { return arrived_; }
  /// Time of the latest arrival (zero before the first).
  sim::Time last_arrival() const { return last_arrival_; }

  /// One transfer's keys drawn from `rng` (the draw the driver makes per arrival).
  static saga::SagaArgs draw_keys(const sim::Zipf& zipf, sim::Rng& rng);

 private:
  static void on_arrival(void* self, std::uint64_t);
  void schedule_next();

  sim::Simulator& simulator_;
  double mean_gap_ns_;
  std::uint64_t count_;
  sim::Time end_;
  sim::Zipf zipf_;
  Submit submit_;
  sim::Rng arrival_rng_;
  sim::Rng key_rng_;
  std::uint32_t kind_;
  sim::TimerId next_;
  std::uint64_t arrived_ = 0;
  sim::Time last_arrival_;
  bool finished_ = false;
};

}  // namespace txsim::plugins::transfer
