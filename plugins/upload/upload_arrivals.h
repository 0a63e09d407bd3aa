// Arrivals of sagas as a Poisson process: video uploads with a kind mix, or one named saga.
//
// Each arrival draws its gap from Exp(1 / rate) and, for uploads, its kind from the mix and its
// media length in whole seconds: shorts uniform in [1, 75] (so about a fifth exceed the 60 s
// rule), live and video uniform in [60, 3600]. Streams: "<name>/arrivals" and "<name>/upload".
// Arrivals stop after `count` sagas (0: no limit) or at `end`, whichever comes first.
// The driver submits through a callback so it does not depend on the orchestrator's type; the
// gaps come from the shared generic::PoissonArrivals.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>

#include "core/sim/simulator.h"
#include "core/txn/saga/protocol.h"
#include "plugins/generic/poisson_arrivals.h"

namespace txsim::plugins::upload {

class SagaArrivals {
 public:
  /// submit(route, args) starts one saga; its result is ignored (a refusal is counted by the
  /// orchestrator).
  using Submit = std::function<void(std::uint32_t route, saga::SagaArgs args)>;

  /// One named saga. REQUIRES: rate_per_s > 0.
  SagaArrivals(sim::Simulator& simulator, std::string name, double rate_per_s, std::uint64_t count,
               sim::Time end, std::uint32_t route, Submit submit);
  /// Uploads: `routes` and `mix` are indexed by UploadKind (live, video, shorts); the mix sums
  /// to 1. REQUIRES: rate_per_s > 0.
  SagaArrivals(sim::Simulator& simulator, std::string name, double rate_per_s, std::uint64_t count,
               sim::Time end, std::array<std::uint32_t, 3> routes, std::array<double, 3> mix,
               Submit submit);
  SagaArrivals(const SagaArrivals&) = delete;
  SagaArrivals& operator=(const SagaArrivals&) = delete;

  void start() { arrivals_.start(); }
  /// No more arrivals will come.
  bool finished() const { return arrivals_.finished(); }
  std::uint64_t arrived() const { return arrivals_.arrived(); }
  /// Time of the latest arrival (zero before the first).
  sim::Time last_arrival() const { return arrivals_.last_arrival(); }

 private:
  void on_arrival();

  bool uploads_ = true;
  std::array<std::uint32_t, 3> routes_;
  std::array<double, 3> mix_;
  Submit submit_;
  sim::Rng upload_rng_;
  generic::PoissonArrivals arrivals_;  // last: its callback uses the members above
};

}  // namespace txsim::plugins::upload
