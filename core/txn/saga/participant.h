// A saga participant: runs a service's local transactions for saga requests arriving at its
// node, behind a sub-transaction barrier.
//
// Sub-transaction barrier (after the "barrier" technique of the DTM distributed transaction
// framework): the participant records, in the same local transaction as the business write,
// which (saga id, step, operation) it has executed and with what result. Then:
//  - a duplicate request (network duplicate, retry after a lost reply) is answered from the
//    record and not executed again;
//  - a compensation for an action that never ran (null compensation) is recorded and succeeds
//    without undoing anything;
//  - an action that arrives after its compensation (hanging) is refused.
// With the barrier switched off every request executes, which lets a scenario show the
// anomalies (double effects, hanging actions) that the checkers then find.
//
// Timing: each request waits an exponential service time (mean `service_time_ms_mean`), then
// runs its local transaction, syncs the store, and replies. The history records an operation
// only once its sync completed: a crash before that loses the write and the reply alike.
//
// Store layout: one barrier record per (saga, step), see barrier_record.h.
#pragma once

#include <map>
#include <string>

#include "core/net/node.h"
#include "core/txn/saga/history_recorder.h"
#include "core/txn/saga/service.h"

namespace txsim::saga {

struct ParticipantConfig {
  bool barrier = true;
  double service_time_ms_mean = 1.0;  // exponential; 0 for no service time. REQUIRES: >= 0
};

class SagaParticipant {
 public:
  /// `history` may be null (nothing recorded). Requests reach the participant through the
  /// ParticipantHost of its node. REQUIRES: node, service and history outlive its requests.
  SagaParticipant(net::Node& node, SagaService& service, ParticipantConfig config,
                  HistoryRecorder* history);
  SagaParticipant(const SagaParticipant&) = delete;
  SagaParticipant& operator=(const SagaParticipant&) = delete;

  net::Node& node() const { return node_; }
  SagaService& service() const { return service_; }

  /// Serves one request (spawned in the node's current incarnation).
  sim::Task<void> handle(net::Message request);

  /// Retention: drops step `step` of saga `saga_id` from the store — its barrier records and the
  /// service's rows for the saga (SagaService::forget) — outside the write model
  /// (storage::DurableStore::prune). REQUIRES: the saga is settled and no request for it can
  /// still arrive; a later duplicate would run again, as with the barrier off.
  void forget(std::uint64_t saga_id, std::uint32_t step);

 private:
  /// Runs the barrier and the local transaction; returns the reply and what happened.
  std::pair<StepResult, OpResult> execute(const StepRequest& request);

  net::Node& node_;
  SagaService& service_;
  ParticipantConfig config_;
  HistoryRecorder* history_;
  sim::Rng service_time_rng_;
  sim::Rng business_rng_;
};

/// The saga request handler of one node: dispatches each request to the participant of the
/// service it names, so several services can share a node.
class ParticipantHost {
 public:
  /// Registers the kStepRequest handler on `node`.
  explicit ParticipantHost(net::Node& node);
  ParticipantHost(const ParticipantHost&) = delete;
  ParticipantHost& operator=(const ParticipantHost&) = delete;

  /// Routes requests for service number `service` to `participant`. Throws std::invalid_argument
  /// for a number >= kMaxServices or one already taken.
  void add(std::uint32_t service, SagaParticipant& participant);

 private:
  net::Node& node_;
  std::map<std::uint32_t, SagaParticipant*> participants_;
};

}  // namespace txsim::saga
