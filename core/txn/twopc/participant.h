// A 2PC participant (resource manager): runs one resource's part of distributed transactions
// under strict two-phase locking, with a prepare log in its node's durable store.
//
// Per part (Gray & Lamport 2006, sec. 3; Mohan, Lindsay & Obermarck, "Transaction Management
// in the R* Distributed Database Management System", ACM TODS 11(4), 1986):
//  1. kPrepare arrives (or begin_commit() is called on the initiating participant): the
//     participant takes the operation's locks in key order (FIFO waiters), models the service
//     time, writes a working record "W", runs resource.prepare(). A no vote (business rule, or
//     a lock not granted / no vote possible before `vote_timeout` after the prepare arrived)
//     aborts the part at once, releases its locks and forgets it. A yes vote is preceded by a
//     prepared record "P" and a forced write (co_await store.sync()).
//  2. In doubt: after voting yes the participant keeps its locks and waits for the decision;
//     every `query_interval` it asks the coordinator (kQuery).
//  3. kDecision: apply commit() or abort(), erase the record, force the write (not for an
//     abort under presumed abort), release the locks, acknowledge (not an abort under presumed
//     abort).
//  4. Crash: locks and parts in memory are lost. Recovery reads the records: "W" (not voted)
//     is aborted; "P" (in doubt) re-takes its locks and asks the coordinator at once.
// Because the store persists a prefix of the writes, a durable tentative write implies a
// durable "W" or "P" record written before it: nothing tentative survives unaccounted.
//
// Keys in the node's store: "2pc/p/<service>/<txn, 16 hex digits>/<part>" -> "W a b" | "P a b".
// Units: virtual time in integer nanoseconds. Thread-safety: none (single-threaded run).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/net/node.h"
#include "core/txn/twopc/history.h"
#include "core/txn/twopc/lock_table.h"
#include "core/txn/twopc/protocol.h"
#include "core/txn/twopc/resource.h"

namespace txsim::twopc {

struct ParticipantConfig {
  double service_time_ms_mean = 0;  // exponential; 0: none. REQUIRES: >= 0
  /// A part that has not voted this long after its prepare arrived votes no (and aborts).
  sim::Duration vote_timeout = sim::milliseconds(1000);
  /// How often an in-doubt part asks the coordinator for the outcome.
  sim::Duration query_interval = sim::milliseconds(500);
  bool presumed_abort = false;
};

struct ParticipantStats {
  std::uint64_t prepares = 0;  // parts begun
  std::uint64_t votes_yes = 0;
  std::uint64_t votes_no = 0;       // business refusals and timeouts
  std::uint64_t vote_timeouts = 0;  // no vote possible in time (locks, service time)
  std::uint64_t committed = 0;
  std::uint64_t aborted = 0;
  std::uint64_t queries = 0;
  std::uint64_t recovered_in_doubt = 0;
  std::uint64_t forced_writes = 0;
  std::uint64_t messages_sent = 0;  // network messages (votes, acks, queries, begin-commit)
  std::int64_t in_doubt_ns = 0;     // summed over parts: yes vote to decision applied
};

class TwoPhaseParticipant {
 public:
  /// `history` may be null. `coordinator` is the coordinator's node; `local_coordinator` its
  /// endpoint when it runs on this node (else null). REQUIRES: all outlive the participant.
  TwoPhaseParticipant(net::Node& node, std::uint32_t service, TwoPhaseResource& resource,
                      ParticipantConfig config, net::NodeId coordinator,
                      TwoPhaseHistory* history);
  TwoPhaseParticipant(const TwoPhaseParticipant&) = delete;
  TwoPhaseParticipant& operator=(const TwoPhaseParticipant&) = delete;

  void set_local_coordinator(LocalEndpoint* coordinator) { local_coordinator_ = coordinator; }

  /// The initiating participant begins the commit of transaction `txn` of route `route`: it
  /// prepares its own part `part` and, if it votes yes, sends kBeginCommit to the coordinator.
  /// Returns false when the node is down.
  bool begin_commit(std::uint32_t route, TxnId txn, std::uint32_t part, TxnArgs args);

  void on_prepare(const net::Message& message);
  void on_decision(const net::Message& message);
  sim::Task<void> recover();
  void crash();

  /// Parts prepared and waiting for the decision (this incarnation's view).
  std::size_t in_doubt() const;
  /// The parts with a "P" record in the store: in doubt as the durable state says (checkers).
  std::vector<Operation> in_doubt_records() const;
  /// The committed effect of `txn`, read from the store.
  bool effect_present(TxnId txn) const { return resource_.effect_present(node_.store(), txn); }

  const ParticipantStats& stats() const { return stats_; }
  const LockTable& locks() const { return locks_; }
  net::Node& node() const { return node_; }
  std::uint32_t service() const { return service_; }

 private:
  enum class Phase : std::uint8_t { kWorking, kPrepared, kApplying };
  struct Part {
    Operation op;
    std::uint32_t route = 0;
    Phase phase = Phase::kWorking;
    bool abort_requested = false;
    sim::Time voted_at;
  };
  using Key = std::pair<TxnId, std::uint32_t>;

  sim::Task<void> serve(TwoPcMessage m, bool initiator);
  /// The vote, or nullopt when the decision arrived meanwhile and was applied (and answered).
  sim::Task<std::optional<Vote>> work(Key key);
  sim::Task<void> apply(Key key, bool commit);
  sim::Task<void> watch_in_doubt(Key key, bool ask_now);
  void forget(Key key, Outcome outcome);
  void send(net::MessageType type, const TwoPcMessage& m);
  void note(const Key& key, PathEvent event, bool yes);  // the transaction's path (history)
  std::string record_key(const Key& key) const;
  std::string record_prefix() const;

  net::Node& node_;
  std::uint32_t service_;
  TwoPhaseResource& resource_;
  ParticipantConfig config_;
  net::NodeId coordinator_;
  LocalEndpoint* local_coordinator_ = nullptr;
  TwoPhaseHistory* history_;
  LockTable locks_;
  sim::Rng service_time_rng_;
  sim::Rng business_rng_;
  std::map<Key, Part> parts_;
  // Parts finished in this incarnation, so a late duplicate prepare is not worked again.
  // Bounded (oldest forgotten first): a duplicate older than that is worked, votes, and is
  // told abort by the coordinator, which has forgotten the transaction.
  std::set<Key> finished_;
  std::deque<Key> finished_order_;
  ParticipantStats stats_;
};

/// The 2PC endpoint of one node: routes each message to the participant of the service it
/// names, so several services can share a node. Installs its handlers on the node.
class ParticipantHost : public LocalEndpoint {
 public:
  explicit ParticipantHost(net::Node& node);
  ParticipantHost(const ParticipantHost&) = delete;
  ParticipantHost& operator=(const ParticipantHost&) = delete;

  /// Throws std::invalid_argument for a service number >= kMaxServices or one already taken.
  void add(TwoPhaseParticipant& participant);
  void deliver(const net::Message& message) override;
  sim::Task<void> recover();
  void crash();

 private:
  TwoPhaseParticipant& find(std::uint32_t service);
  net::Node& node_;
  std::map<std::uint32_t, TwoPhaseParticipant*> participants_;
};

}  // namespace txsim::twopc
