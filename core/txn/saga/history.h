// What the saga checkers read: the recorded history of participant operations and the actual
// effects found in the participants' stores at quiescence — never the orchestrator's belief.
//
// The runtime records one ParticipantOp each time a participant handles an action or a
// compensation, with what its barrier decided. After the run, `effect_present(saga, step)` is
// answered by reading the owning service's durable store.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/sim/time.h"
#include "core/txn/saga/definition.h"

namespace txsim::saga {

enum class OpType : std::uint8_t { kAction, kCompensation };

/// What the participant did with a request.
enum class OpResult : std::uint8_t {
  kApplied,           // the local transaction ran and changed the state
  kRejected,          // a business rule refused the action: no effect
  kDuplicate,         // the barrier recognised a repeat and answered from its record
  kNullCompensation,  // a compensation arrived for an action that never ran: recorded, no-op
  kRefusedHanging,    // an action arrived after its compensation: refused by the barrier
};

struct ParticipantOp {
  std::uint64_t saga_id;
  std::uint32_t step;
  OpType type;
  OpResult result;
  sim::Time at;
};

/// What the orchestrator learned from one request: a reply (success or failure) or nothing
/// (timeout, unreachable participant) — an unknown outcome.
enum class AttemptOutcome : std::uint8_t { kSuccess, kFailure, kUnknown };

/// One request the orchestrator sent and what came of it, as the orchestrator saw it. Used to
/// draw and print one instance's path (diagram --instance, replay --saga, --trace-json); the
/// checkers never read it. A request whose orchestrator crashed before the outcome is absent.
struct StepAttempt {
  std::uint64_t saga_id;
  std::uint32_t step;
  OpType type;
  std::uint32_t attempt;  // 1 for the first action request; compensations count their own
  sim::Time sent_at;      // after any retry backoff
  sim::Time done_at;      // reply or timeout
  AttemptOutcome outcome;
};

/// The final outcome that the saga log (or the client) recorded for a saga instance.
enum class SagaOutcome : std::uint8_t { kNone, kCommitted, kCompensated, kStuck };

struct SagaInstance {
  std::uint64_t saga_id;
  const SagaDefinition* definition;  // not owned
  sim::Time accepted_at;                   // when the client's request was accepted
  SagaOutcome outcome = SagaOutcome::kNone;
  sim::Time finished_at;  // when the outcome was recorded
};

struct SagaHistory {
  std::vector<SagaInstance> sagas;
  std::vector<ParticipantOp> ops;  // in the order they happened
  std::vector<StepAttempt> attempts;  // in the order their outcomes arrived
  /// The actual state: is step `step`'s effect of saga `saga_id` present in its service's store?
  std::function<bool(std::uint64_t saga_id, std::uint32_t step)> effect_present;
};

/// A participant operation with its position in the order all operations happened (the index
/// it has, or would have, in SagaHistory::ops).
struct SequencedOp {
  std::uint64_t seq;
  ParticipantOp op;
};

/// One saga's records, taken apart from the whole history so that a settled saga can be
/// summarised and dropped (core/check/saga_check_accumulator.h).
struct SagaRecord {
  SagaInstance instance;
  std::uint64_t accepted_seq = 0;  // its position among accepted sagas (SagaHistory::sagas)
  std::vector<SequencedOp> ops;    // its participant operations, in seq order
};

}  // namespace txsim::saga
