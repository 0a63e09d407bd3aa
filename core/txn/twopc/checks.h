// The 2PC checkers, over the recorded history and the participants' actual stores.
//
//  - twopc_atomicity: no transaction committed at one participant and aborted at another
//    (applied outcomes in the history), no coordinator decision contradicted by a later one,
//    and at quiescence the committed effects of a transaction with no part in doubt are all
//    present or all absent, and agree with the coordinator's decision.
//  - in_doubt_resolved: no participant's store holds a prepared ("P") record at the end: every
//    in-doubt participant learned the outcome (Gray & Lamport 2006: 2PC blocks while the
//    coordinator is down, but not for ever once it is back).
// Each violation names the transaction, the parts involved and the simulated time.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <utility>
#include <vector>

#include "core/check/check_result.h"
#include "core/txn/twopc/coordinator.h"
#include "core/txn/twopc/history.h"

namespace txsim::twopc {

/// (transaction, part) pairs.
using PartSet = std::set<std::pair<TxnId, std::uint32_t>>;

/// `effect_present(txn, part)` reads the part's store; `in_doubt` holds the parts with a
/// prepared record at the end.
check::CheckResult check_atomicity(const TwoPhaseHistory& history,
                                   const std::vector<TwoPcRoute>& routes,
                                   const std::function<bool(TxnId, std::uint32_t)>& effect_present,
                                   const PartSet& in_doubt, sim::Time now);
check::CheckResult check_in_doubt_resolved(const PartSet& in_doubt, sim::Time now);

}  // namespace txsim::twopc
