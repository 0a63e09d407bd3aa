#include "plugins/generic/step_resource.h"

#include "core/sim/distributions.h"
#include "plugins/generic/effect_key.h"

namespace txsim::plugins::generic {
namespace {

std::string pending_key(twopc::TxnId txn) { return "pending/" + effect_key(txn); }

}  // namespace

std::vector<std::string> StepResource::lock_keys(const twopc::Operation& op) const {
  return {effect_key(op.txn)};
}

twopc::Vote StepResource::prepare(storage::DurableStore& store, const twopc::Operation& op,
                                  sim::Rng& rng) {
  if (sim::bernoulli(rng, failure_probability_)) return twopc::Vote::kNo;
  store.put(pending_key(op.txn), "1");
  return twopc::Vote::kYes;
}

void StepResource::commit(storage::DurableStore& store, const twopc::Operation& op) {
  // A repeated decision finds nothing pending: the effect is already there.
  if (!store.get(pending_key(op.txn))) return;
  store.put(effect_key(op.txn), "1");
  store.erase(pending_key(op.txn));
}

void StepResource::abort(storage::DurableStore& store, const twopc::Operation& op) {
  if (store.get(pending_key(op.txn))) store.erase(pending_key(op.txn));
}

bool StepResource::effect_present(const storage::DurableStore& store, twopc::TxnId txn) const {
  return store.contents().count(effect_key(txn)) > 0;
}

}  // namespace txsim::plugins::generic
