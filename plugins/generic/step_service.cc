#include "plugins/generic/step_service.h"


#include "core/sim/distributions.h"

namespace txsim::plugins::generic {
namespace {
// "effect/" + 16 lower-case hex digits, formatted by hand: snprintf showed in profiles.
std::string effect_key(std::uint64_t saga_id) {
  std::string key = "effect/0000000000000000";
  for (std::size_t i = key.size(); saga_id != 0; saga_id >>= 4) {
    key[--i] = "0123456789abcdef"[saga_id & 0xf];
  }
  return key;
}
}  // namespace

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
