// One 2PC transaction's path, taken from a run's TwoPhaseHistory (with record_paths() on): per
// participant, when the prepare was sent and received, the vote, the decision sent (and how
// often: resends after a coordinator crash or a lost message), when the participant applied it
// and when its acknowledgement came back; how long the part was in doubt (yes vote to the
// decision applied: Gray & Lamport 2006, sec. 3).
//
// The two-phase-commit counterpart of core/txn/saga/instance_timeline.h: `txsim replay --saga
// ID` prints it when the scenario runs protocol.two_phase_commit (the transaction id is the
// saga id the workload drew). Times are virtual time, integer nanoseconds (printed in ms).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/txn/twopc/history.h"

namespace txsim::twopc {

struct PartPath {
  std::uint32_t part = 0;
  std::optional<sim::Time> prepare_sent, prepare_received;
  std::optional<sim::Time> voted;       // the participant's vote
  bool vote_yes = false;
  std::optional<sim::Time> vote_received;
  std::optional<sim::Time> decision_sent;  // the first send
  std::uint32_t decision_sends = 0;
  Outcome applied = Outcome::kNone;  // kNone: never applied (or aborted without a record)
  std::optional<sim::Time> applied_at;
  std::optional<sim::Time> ack_received;
  std::uint32_t queries = 0;
};

struct TransactionPath {
  TxnId txn = 0;
  std::uint32_t route = 0;
  sim::Time begun_at;
  Outcome outcome = Outcome::kNone;
  sim::Time decided_at;  // meaningful when outcome != kNone
  std::vector<PartPath> parts;  // indexed by part
};

/// The path of `txn`, or nullopt when the history has no such transaction. `parts` is the
/// number of parts of its route. REQUIRES: every step and outcome of `txn` names a part < parts
/// (std::logic_error otherwise).
std::optional<TransactionPath> transaction_path(const TwoPhaseHistory& history, TxnId txn,
                                                std::uint32_t parts);

/// A header line and one line per part; `part_names[i]` names part i (its service) when given.
std::string to_text(const TransactionPath& path, const std::string& route_name,
                    const std::vector<std::string>& part_names);

}  // namespace txsim::twopc
