// A generic saga participant for benchmarks and property tests: its action fails with a given
// probability (a business refusal), otherwise records an effect; its compensation removes it.
// Used by reference workload W1 (shared/bench/WORKLOADS.md: each forward step fails
// independently with probability 0.05). Key: plugins/generic/effect_key.h.
#pragma once

#include "core/txn/saga/service.h"

namespace txsim::plugins::generic {

class StepService : public saga::SagaService {
 public:
  /// REQUIRES: 0 <= failure_probability <= 1.
  explicit StepService(double failure_probability) : failure_probability_(failure_probability) {}
  saga::StepResult apply_action(storage::DurableStore& store, const saga::StepRequest& request,
                                sim::Rng& rng) override;
  void apply_compensation(storage::DurableStore& store, const saga::StepRequest& request) override;
  bool effect_present(const storage::DurableStore& store, std::uint64_t saga_id) const override;
  /// The effect row belongs to one saga only: retention may drop it.
  void forget(storage::DurableStore& store, std::uint64_t saga_id) override;

 private:
  double failure_probability_;
};

}  // namespace txsim::plugins::generic
