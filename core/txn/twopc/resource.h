// What a service implements to take part in two-phase commit: a resource (resource manager's
// local part of a distributed transaction).
//
// The participant (core/txn/twopc/participant.h) drives a resource through one operation at a
// time under strict two-phase locking:
//   1. lock_keys(op): the keys the operation reads or writes. The participant takes an exclusive
//      lock on each (in sorted order) before prepare, and holds them until commit or abort has
//      been applied.
//   2. prepare(store, op, rng): does the work tentatively in `store` and votes. kYes promises
//      that commit() and abort() will both be possible later, also after a crash: the
//      participant syncs the store (a forced write) before it sends the yes vote, so whatever
//      prepare() wrote is durable by then. kNo is a business refusal: prepare() must then leave
//      no effect in the store.
//   3. commit(store, op) makes the tentative work the committed effect; abort(store, op) removes
//      it. Both are idempotent and must tolerate a store in which only a prefix of prepare()'s
//      writes survived a crash (abort) — the participant may call abort() for an operation whose
//      prepare never ran or ran partly.
//   4. effect_present(store, txn): whether the committed effect of transaction `txn` is in the
//      store. Checkers read it at quiescence (never the protocol's belief).
// Implementations write only to `store`, draw randomness only from `rng` (the participant's
// stream for this resource) and never block: service time is modelled by the participant.
// Tentative work must not look like a committed effect to effect_present() (keep it under
// keys of its own, e.g. "pending/...").
//
// Source: the resource-manager interface of X/Open DTP (XA: xa_prepare, xa_commit,
// xa_rollback) and Gray & Reuter, "Transaction Processing: Concepts and Techniques" (1993),
// ch. 10.
// Thread-safety: none; a simulation run is single-threaded by design.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/sim/random.h"
#include "core/storage/durable_store.h"

namespace txsim::twopc {

using TxnId = std::uint64_t;

/// Business arguments a transaction carries to every participant (same meaning as
/// saga::SagaArgs: e.g. an upload's kind and length, or a transfer's accounts and amount).
struct TxnArgs {
  std::uint64_t a = 0;
  std::uint64_t b = 0;
};

/// One participant's part of a transaction.
struct Operation {
  TxnId txn = 0;
  std::uint32_t part = 0;  // index of this part in the transaction's route (0-based)
  TxnArgs args;
};

enum class Vote : std::uint8_t { kYes = 0, kNo = 1 };

class TwoPhaseResource {
 public:
  virtual ~TwoPhaseResource() = default;

  /// Keys to lock exclusively for `op` (duplicates allowed; may be empty).
  virtual std::vector<std::string> lock_keys(const Operation& op) const = 0;
  /// Tentative work and vote (see the header comment). kNo leaves no effect.
  virtual Vote prepare(storage::DurableStore& store, const Operation& op, sim::Rng& rng) = 0;
  /// Makes the tentative work of `op` its committed effect. Idempotent.
  virtual void commit(storage::DurableStore& store, const Operation& op) = 0;
  /// Removes any tentative work of `op`. Idempotent; never touches a committed effect.
  virtual void abort(storage::DurableStore& store, const Operation& op) = 0;
  /// Whether the committed effect of `txn` is in `store`.
  virtual bool effect_present(const storage::DurableStore& store, TxnId txn) const = 0;
};

}  // namespace txsim::twopc
