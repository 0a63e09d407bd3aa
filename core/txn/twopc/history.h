// What the 2PC checkers read: the coordinator's decisions, each participant's applied outcome,
// and (at quiescence) the actual effects and in-doubt records in the participants' stores.
//
// Checks are made against the actual state: a participant's outcome is recorded when it has
// applied commit or abort to its store, not when a message claims it.
// Units: virtual time in integer nanoseconds.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "core/sim/time.h"
#include "core/txn/twopc/resource.h"

namespace txsim::twopc {

enum class Outcome : std::uint8_t { kNone, kCommitted, kAborted };
const char* to_string(Outcome outcome);

struct TxnRecord {
  TxnId txn = 0;
  std::uint32_t route = 0;
  sim::Time begun_at;
  Outcome outcome = Outcome::kNone;  // the coordinator's first durable (or sent) decision
  sim::Time decided_at;
  /// A later decision that contradicted the first (a protocol bug the checker reports).
  bool contradicted = false;
};

/// A participant applied the decision for its part (or aborted it before voting).
struct PartOutcome {
  TxnId txn = 0;
  std::uint32_t part = 0;
  Outcome outcome = Outcome::kNone;
  sim::Time at;
};

/// One protocol step of one part, for a transaction's path (core/txn/twopc/transaction_path.h).
enum class PathEvent : std::uint8_t {
  kPrepareSent,      // coordinator -> participant (again on a resend)
  kPrepareReceived,  // the participant began working on the part
  kVoted,            // the participant sent its vote (`yes`)
  kVoteReceived,     // the coordinator received a vote (`yes`)
  kDecisionSent,     // coordinator -> participant, first send or resend (`yes`: commit)
  kAckReceived,      // the coordinator received the part's acknowledgement
  kQuerySent,        // an in-doubt participant asked for the outcome
};

struct PathStep {
  TxnId txn = 0;
  std::uint32_t part = 0;
  PathEvent event = PathEvent::kPrepareSent;
  bool yes = false;  // the vote, or commit for a decision
  sim::Time at;
};

class TwoPhaseHistory {
 public:
  /// Path steps are recorded only after this (memory: a few steps per part of every
  /// transaction, which only `txsim replay --saga ID` needs).
  void record_paths() { record_paths_ = true; }
  void step(TxnId txn, std::uint32_t part, PathEvent event, bool yes, sim::Time at) {
    if (record_paths_) steps_.push_back({txn, part, event, yes, at});
  }
  const std::vector<PathStep>& steps() const { return steps_; }

  void begin(TxnId txn, std::uint32_t route, sim::Time at) {
    txns_.try_emplace(txn, TxnRecord{txn, route, at, Outcome::kNone, {}, false});
  }
  /// REQUIRES: begin(txn) was recorded.
  void decide(TxnId txn, Outcome outcome, sim::Time at) {
    auto& r = txns_.at(txn);
    if (r.outcome == Outcome::kNone) {
      r.outcome = outcome;
      r.decided_at = at;
    } else if (r.outcome != outcome) {
      r.contradicted = true;
    }
  }
  bool knows(TxnId txn) const { return txns_.count(txn) > 0; }
  void part(PartOutcome outcome) { parts_.push_back(outcome); }

  const std::map<TxnId, TxnRecord>& txns() const { return txns_; }
  const std::vector<PartOutcome>& parts() const { return parts_; }

 private:
  std::map<TxnId, TxnRecord> txns_;
  std::vector<PartOutcome> parts_;  // in the order they were applied
  bool record_paths_ = false;
  std::vector<PathStep> steps_;      // in time order
};

}  // namespace txsim::twopc
