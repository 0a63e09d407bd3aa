// What the read side of a run did, recorded for the freshness and session-guarantee checkers.
//
// The CQRS engine (core/cqrs) appends to a ReadHistory while the simulation runs; the checkers
// (core/check/freshness_checks.h) read it after the run. Tests build histories by hand.
//
// Model. The write side changes *aggregates* (one upload, one account row), each change a
// *version* 1, 2, 3, ... of its aggregate, committed at a simulated time. Every committed version
// is one domain event. A *replica* applies events; a *read* asks one replica for one aggregate
// and sees the highest version the replica had applied (0: the aggregate is not in the view).
// All times are virtual time in integer nanoseconds (sim::Time).
//
// Definitions used by the checkers (after Bailis et al., "Probabilistically Bounded Staleness
// for Practical Partial Quorums", VLDB 2012, and Terry et al., "Session Guarantees for Weakly
// Consistent Replicated Data", PDIS 1994):
// - time to visibility of version v in replica r: apply time - commit time;
// - a read is stale when a version of its aggregate committed before the read was issued is
//   higher than the version it saw; its staleness in versions is the count of such versions,
//   in time the age (issue time - commit time) of the oldest of them;
// - read-your-writes: a read by the session that wrote version v of the aggregate, issued after
//   v committed, sees at least v;
// - monotonic reads: a session's reads of one aggregate never see a lower version than an
//   earlier read of it by the same session;
// - dirty read: a read saw a version whose saga was compensated later;
// - convergence: at the end, every replica holds, for every aggregate, its last committed
//   version; the lag is the latest apply time among those final versions - the latest commit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/sim/time.h"

namespace txsim::check {

/// Sessions are numbered from 1; 0 means "written by no reading session".
using SessionId = std::uint64_t;

/// One committed version of an aggregate (one domain event).
struct CommittedVersion {
  std::uint64_t aggregate = 0;
  std::uint64_t version = 0;     // >= 1, consecutive per aggregate
  sim::Time committed_at;
  SessionId writer = 0;          // the session that wrote it, for read-your-writes
  bool compensated_later = false;  // its saga was rolled back afterwards
};

/// A replica applied a version of an aggregate to its view.
struct ReplicaApply {
  std::uint32_t replica = 0;
  std::uint64_t aggregate = 0;
  std::uint64_t version = 0;
  sim::Time applied_at;
};

/// One read of one aggregate through one replica.
struct ReadObservation {
  SessionId session = 0;
  std::uint32_t replica = 0;
  std::uint64_t aggregate = 0;
  sim::Time issued_at;
  sim::Time answered_at;         // == issued_at when timed out
  std::uint64_t version_seen = 0;  // 0: not in the view (or timed out)
  bool timed_out = false;          // no answer (replica down, partition, token wait expired)
};

struct ReadHistory {
  std::vector<std::string> replica_names;  // indexed by ReplicaApply::replica
  std::vector<CommittedVersion> commits;
  std::vector<ReplicaApply> applies;
  std::vector<ReadObservation> reads;
  sim::Time end;  // simulated time at the end of the run
};

}  // namespace txsim::check
