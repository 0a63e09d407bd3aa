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
#include "plugins/generic/poisson_arrivals.h"

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

  void start() { arrivals_.start(); }
  bool finished() const { return arrivals_.finished(); }
  std::uint64_t arrived() const { return arrivals_.arrived(); }
  /// Time of the latest arrival (zero before the first).
  sim::Time last_arrival() const { return arrivals_.last_arrival(); }

  /// One transfer's keys drawn from `rng` (the draw the driver makes per arrival).
  static saga::SagaArgs draw_keys(const sim::Zipf& zipf, sim::Rng& rng);

 private:
  sim::Zipf zipf_;
  Submit submit_;
  sim::Rng key_rng_;
  generic::PoissonArrivals arrivals_;  // last: its callback uses the members above
};

}  // namespace txsim::plugins::transfer
