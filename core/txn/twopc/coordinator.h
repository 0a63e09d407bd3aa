// A 2PC coordinator (transaction manager) with its log in its node's durable store.
//
// Per transaction (Gray & Lamport 2006, sec. 3; Mohan, Lindsay & Obermarck 1986):
//  1. begin() (the client asks the coordinator) sends kPrepare to every part; kBeginCommit
//     from an initiating participant counts as that part's yes vote and sends kPrepare to the
//     others. A begin record "B" is written, not forced.
//  2. Votes: one no, or no yes from every part within `vote_wait`, decides abort; yes from every
//     part decides commit. The decision record ("C" or "A") is forced before any decision
//     message goes out — except an abort under presumed abort, which is written, not forced.
//  3. kDecision goes to every part that has not voted no, and is re-sent every
//     `resend_interval` to parts that have not acknowledged. When all have, the record is
//     erased (the end record, not forced). Presumed abort: an abort is sent once and
//     forgotten at once — no acknowledgements.
//  4. kQuery about a transaction the coordinator does not know is answered abort: it either
//     never decided (no commit record exists, so it was not committed) or it finished and every
//     part acknowledged, in which case no part is in doubt any more. While a decision is still
//     being made the query is not answered (the part asks again).
//  5. Crash: transactions in memory are lost. Recovery reads the log: "B" (no decision) is
//     aborted; "C"/"A" resume sending the decision until acknowledged.
//
// Keys in the node's store: "2pc/c/<txn, 16 hex digits>" -> "B|C|A <route> <a> <b>".
// Units: virtual time in integer nanoseconds. Thread-safety: none (single-threaded run).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/metrics/histogram.h"
#include "core/net/node.h"
#include "core/txn/twopc/history.h"
#include "core/txn/twopc/participant.h"
#include "core/txn/twopc/protocol.h"

namespace txsim::twopc {

/// A transaction type: the node and service number of each part.
struct TwoPcRoute {
  std::string name;
  std::vector<net::NodeId> nodes;
  std::vector<std::uint32_t> services;
};

struct CoordinatorConfig {
  bool presumed_abort = false;
  /// Votes not all in this long after begin: abort. REQUIRES: > 0.
  sim::Duration vote_wait = sim::milliseconds(2000);
  /// Decisions not acknowledged are re-sent this often. REQUIRES: > 0.
  sim::Duration resend_interval = sim::milliseconds(500);
};

struct CoordinatorStats {
  std::uint64_t begun = 0;
  std::uint64_t rejected = 0;  // begin() while the coordinator was down
  std::uint64_t committed = 0;
  std::uint64_t aborted = 0;
  std::uint64_t recovered = 0;  // transactions found in the log at a restart
  std::uint64_t forced_writes = 0;
  std::uint64_t messages_sent = 0;  // network messages (prepares and decisions)
  std::uint64_t decisions_resent = 0;
  metrics::Histogram committed_latency_ns;  // begin -> commit decision durable
  metrics::Histogram aborted_latency_ns;    // begin -> abort decision
};

class TwoPhaseCoordinator : public LocalEndpoint {
 public:
  /// Installs its message handlers on `node`. `history` may be null.
  /// Throws std::invalid_argument on a route with no parts or too many.
  TwoPhaseCoordinator(net::Node& node, std::vector<TwoPcRoute> routes, CoordinatorConfig config,
                      TwoPhaseHistory* history);
  TwoPhaseCoordinator(const TwoPhaseCoordinator&) = delete;
  TwoPhaseCoordinator& operator=(const TwoPhaseCoordinator&) = delete;

  /// Participants on the coordinator's own node, reached without messages.
  void set_local_participants(LocalEndpoint* host) { local_host_ = host; }

  /// Begins transaction `txn` of route `route`. Returns false (and counts a rejection) when the
  /// coordinator's node is down. REQUIRES: txn ids are unique per run and > 0.
  bool begin(std::uint32_t route, TxnId txn, TxnArgs args);

  void deliver(const net::Message& message) override;
  sim::Task<void> recover();
  void crash();

  /// Transactions this incarnation knows and has not finished (undecided or unacknowledged).
  std::size_t in_flight() const { return txns_.size(); }
  /// Transactions with no decision yet.
  std::size_t undecided() const;
  const CoordinatorStats& stats() const { return stats_; }
  const std::vector<TwoPcRoute>& routes() const { return routes_; }
  net::Node& node() const { return node_; }

 private:
  enum class Phase : std::uint8_t { kCollecting, kDeciding, kDecided };
  enum class PartState : std::uint8_t { kWaiting, kYes, kNo, kAcknowledged };
  struct Txn {
    std::uint32_t route = 0;
    TxnArgs args;
    Phase phase = Phase::kCollecting;
    bool commit = false;
    std::vector<PartState> parts;
    sim::Time begun_at;
  };

  Txn& start(std::uint32_t route, TxnId txn, TxnArgs args);
  void on_begin_commit(const TwoPcMessage& m);
  void on_vote(const TwoPcMessage& m);
  void on_ack(const TwoPcMessage& m);
  void on_query(const TwoPcMessage& m);
  void decide(TxnId txn, bool commit);
  sim::Task<void> make_decision(TxnId txn);
  sim::Task<void> vote_timer(TxnId txn);
  sim::Task<void> resend(TxnId txn);
  void send_decision(TxnId txn, const Txn& t, std::uint32_t part);
  void send(net::NodeId to, net::MessageType type, const TwoPcMessage& m);
  void note(TxnId txn, std::uint32_t part, PathEvent event, bool yes);  // the path (history)
  std::string record(char state, const Txn& t) const;
  static std::string log_key(TxnId txn);

  net::Node& node_;
  std::vector<TwoPcRoute> routes_;
  CoordinatorConfig config_;
  TwoPhaseHistory* history_;
  LocalEndpoint* local_host_ = nullptr;
  std::map<TxnId, Txn> txns_;
  CoordinatorStats stats_;
};

/// Installs the crash and recovery hooks of a node that runs a participant host, a
/// coordinator, or both (either may be null). Recovery: the coordinator first, then the host.
void install_node_hooks(net::Node& node, ParticipantHost* host, TwoPhaseCoordinator* coordinator);

}  // namespace txsim::twopc
