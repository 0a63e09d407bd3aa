// What a service plugin implements to take part in sagas: its local transactions.
//
// A participant (core/txn/saga/participant.h) calls these inside one local transaction on the
// service's own durable store, after its sub-transaction barrier has decided that the request
// must run. Implementations write only to `store`, draw randomness only from `rng` (the
// service's own stream) and never block: service time is modelled by the participant.
#pragma once

#include <string>

#include "core/sim/random.h"
#include "core/storage/durable_store.h"
#include "core/txn/saga/protocol.h"

namespace txsim::saga {

class SagaService {
 public:
  virtual ~SagaService() = default;

  /// The action of `request.step`. Returns kFailure when a business rule refuses it; then it
  /// must leave no effect.
  virtual StepResult apply_action(storage::DurableStore& store, const StepRequest& request,
                                  sim::Rng& rng) = 0;
  /// Undoes the action's effect. Compensations never fail by a business rule.
  virtual void apply_compensation(storage::DurableStore& store, const StepRequest& request) = 0;
  /// Whether the action's effect for `saga_id` is in `store` (read by checkers at quiescence).
  virtual bool effect_present(const storage::DurableStore& store, std::uint64_t saga_id) const = 0;
  /// Retention: drops (storage::DurableStore::prune) the rows that only saga `saga_id` reads,
  /// once it is settled and its checks were evaluated (runner/saga_retention.h). Rows shared
  /// with other sagas (balances, inventory) must stay. Default: keep everything.
  virtual void forget(storage::DurableStore& store, std::uint64_t saga_id) {
    (void)store;
    (void)saga_id;
  }
};

}  // namespace txsim::saga
