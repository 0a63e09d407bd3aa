// The two-phase-commit side of `generic.participant` (plugins/generic/step_service.h), so that
// `protocol.two_phase_commit` runs on the generic sagas of W1 and the property tests as well.
//
// Same business meaning as the saga side: the part is refused (votes no) with probability
// `failure_probability`, drawn from the participant's stream for this resource; otherwise it
// stages "pending/effect/<txn>" in prepare() and commit() turns it into the effect
// "effect/<txn>" (the key the saga side writes, plugins/generic/effect_key.h). The only lock is
// the transaction's own effect key: generic steps share no data, so two generic transactions
// never contend (the W1 model: independent steps).
// The resource contract (prepare/commit/abort, idempotence, crash tolerance) is the one of
// core/txn/twopc/resource.h (after X/Open XA and Gray & Reuter 1993, ch. 10).
#pragma once

#include <string>
#include <vector>

#include "core/txn/twopc/resource.h"

namespace txsim::plugins::generic {

class StepResource : public twopc::TwoPhaseResource {
 public:
  /// REQUIRES: 0 <= failure_probability <= 1.
  explicit StepResource(double failure_probability) : failure_probability_(failure_probability) {}
  std::vector<std::string> lock_keys(const twopc::Operation& op) const override;
  twopc::Vote prepare(storage::DurableStore& store, const twopc::Operation& op, sim::Rng& rng) override;
  void commit(storage::DurableStore& store, const twopc::Operation& op) override;
  void abort(storage::DurableStore& store, const twopc::Operation& op) override;
  bool effect_present(const storage::DurableStore& store, twopc::TxnId txn) const override;

 private:
  double failure_probability_;
};

}  // namespace txsim::plugins::generic
