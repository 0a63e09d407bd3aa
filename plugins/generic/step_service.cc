#include "plugins/generic/step_service.h"

#include "core/sim/distributions.h"
#include "plugins/generic/effect_key.h"

namespace txsim::plugins::generic {

saga::StepResult StepService::apply_action(storage::DurableStore& store,
                                           const saga::StepRequest& request, sim::Rng& rng) {
  if (sim::bernoulli(rng, failure_probability_)) return saga::StepResult::kFailure;
  store.put(effect_key(request.saga_id), "1");
  return saga::StepResult::kSuccess;
}

void StepService::apply_compensation(storage::DurableStore& store, const saga::StepRequest& request) {
  store.erase(effect_key(request.saga_id));
}

bool StepService::effect_present(const storage::DurableStore& store, std::uint64_t saga_id) const {
  return store.contents().count(effect_key(saga_id)) > 0;
}

void StepService::forget(storage::DurableStore& store, std::uint64_t saga_id) {
  store.prune(effect_key(saga_id));
}

}  // namespace txsim::plugins::generic
