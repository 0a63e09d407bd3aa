// Checkers for sagas, run at quiescence against the actual stores and the recorded history.
//
// - saga_atomicity: for every saga, the effects of its steps are all present or all absent.
//   (Garcia-Molina & Salem, "Sagas", SIGMOD 1987: a saga either runs T1..Tn or T1..Tj then
//   Cj..C1; seen from the data, all or nothing.)
// - no_lost_work: every accepted saga reached a terminal outcome (committed or compensated)
//   recorded in the saga log; a saga with no outcome or reported stuck is lost work.
// - effect_once: no action or compensation was applied twice for the same (saga, step); null
//   compensations and refused hanging actions are counted in the summary (they are the barrier
//   doing its job), and a hanging action that was applied (no barrier) is a violation.
// - compensation_order: with reverse order, a step's compensation was applied only after the
//   compensations of all its successors that had been applied.
// Each violation names the saga id, the steps and the simulated time.
#pragma once

#include <cstdint>
#include <string>

#include "core/check/check_result.h"
#include "core/txn/saga/history.h"

namespace txsim::check {

using saga::OpResult;
using saga::OpType;
using saga::ParticipantOp;
using saga::SagaHistory;
using saga::SagaInstance;
using saga::SagaOutcome;

CheckResult check_saga_atomicity(const SagaHistory& history);
CheckResult check_no_lost_work(const SagaHistory& history);
CheckResult check_effect_once(const SagaHistory& history);
CheckResult check_compensation_order(const SagaHistory& history);

/// The compensation_order summary: "N compensations checked against reverse order", and how
/// many were not checked because their saga compensates in parallel (no order is required).
std::string compensation_order_summary(std::uint64_t checked, std::uint64_t unordered);

}  // namespace txsim::check
