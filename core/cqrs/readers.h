// Reading sessions: many users reading the feed through view replicas (or by API composition).
//
// Efficient model: one Poisson process of rate sessions * rate_per_s picks the session of each
// read uniformly (a superposition of independent Poisson processes is Poisson with the summed
// rate, and each arrival belongs to a session with probability proportional to its rate), so
// 10,000 sessions cost no more than one. A read is a small state machine driven by timer events,
// not a coroutine. A general read asks for a recently visible upload (one of the last
// kRecentUploads that became visible on the write side); an uploader (the writer session of an
// upload) reads its own upload as soon as it became visible on the write side.
//
// Replica choice: RANDOM (a replica drawn per read), STICKY (a fixed replica per session, by a
// hash of its id), NEAREST (least one-way latency from the session's region).
// Read-your-writes token: the session's last committed write (aggregate, version); the replica
// answers once it has applied that version, or the read times out after `ryw_timeout`.
// API composition: the read goes to every owning service (the sources' nodes) and sees the
// committed state; it times out when one of them is down.
//
// What a read sees: the version of the aggregate's state that the entry reflects, whether that
// state shows the upload or hides it (not yet published): a hidden entry at version 2 is an
// up-to-date answer "not in the feed" for version 2 (ReadHistory: the highest version applied;
// 0 when the view has no entry).
// Timing, without gateways: session <-> replica (or service) one-way latency by region, outside
// the network; a read answered by a replica that is down times out, and so does an answer that
// comes later than `timeout`. Partitions, message loss and link faults do not touch such reads.
// With gateways (set_gateways): the sessions of a region read through that region's gateway
// node, and a read is a network call (kRead, events.h) to the replica, or one call to each
// owning service for API composition, with `timeout` as the call timeout. Latency, jitter, loss,
// duplication and partitions then apply to reads like to every other message: a read that
// cannot reach its replica, or whose answer is lost, times out. The replica (service) answers
// in its handler; a read-your-writes wait is held at the replica and answered after the apply,
// or with "expired" after `ryw_timeout`.
// Units: virtual time is integer nanoseconds.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/cqrs/recorder.h"
#include "core/cqrs/replica.h"
#include "core/sim/random.h"

namespace txsim::cqrs {

enum class ReplicaChoice { kRandom, kSticky, kNearest };

struct ReadersConfig {
  std::uint64_t sessions = 0;
  double rate_per_s = 0;  // per session
  ReplicaChoice choice = ReplicaChoice::kRandom;
  bool read_your_writes = false;
  sim::Duration ryw_timeout = sim::milliseconds(1000);
  sim::Duration timeout = sim::milliseconds(1000);  // an answer later than this is a timeout
  std::vector<std::string> regions;  // sessions spread evenly; empty: region ""
  std::size_t projection = 0;
  bool api_composition = false;
  sim::Time arrivals_end = sim::Time::max();
};

/// One-way latency between two regions.
using RegionLatency = std::function<sim::Duration(const std::string&, const std::string&)>;

class ReaderWorkload {
 public:
  static constexpr std::size_t kRecentUploads = 64;

  /// `owners`: the nodes of the services API composition asks. REQUIRES: everything passed
  /// outlives the workload; at least one replica unless api_composition.
  ReaderWorkload(sim::Simulator& simulator, ReadersConfig config, std::vector<ViewReplica*> replicas,
                 ReadRecorder& recorder, RegionLatency latency, std::vector<net::Node*> owners);
  ReaderWorkload(const ReaderWorkload&) = delete;
  ReaderWorkload& operator=(const ReaderWorkload&) = delete;

  /// Makes reads network calls from the gateway of each session's region (see above).
  /// REQUIRES: before start(); a gateway for every region of the config; the gateways and the
  /// replica (or owner) nodes outlive the workload. Registers kRead handlers on those nodes.
  void set_gateways(std::map<std::string, net::Node*> gateways);
  void start();
  std::uint64_t issued() const { return issued_; }
  std::size_t in_flight() const { return reads_.size(); }

 private:
  struct Read {
    check::SessionId session;
    std::uint32_t replica;  // == replicas_.size() for API composition
    std::uint64_t aggregate;
    sim::Time issued;
    sim::Duration one_way;
    std::uint64_t token_aggregate = 0;
    std::uint64_t token_version = 0;
    std::uint64_t seen = 0;
    sim::TimerId timeout{};
    std::size_t calls_left = 0;  // over the network: calls not yet answered
    bool failed = false;         // over the network: a call timed out or its token expired
  };
  // A read-your-writes read held at a replica until its token is applied (over the network).
  struct Held {
    std::uint32_t replica;
    std::uint32_t incarnation;
    net::Message request;
    std::uint64_t token_version;
    sim::TimerId timeout{};
  };
  void begin_over_network(std::uint64_t id, const std::string& region);
  sim::Task<void> call(std::uint64_t id, net::Node& gateway, net::NodeId to, net::Payload payload);
  void serve(std::uint32_t replica, const net::Message& request);
  void serve_owner(net::Node& owner, const net::Message& request);
  void answer_held(std::uint64_t held, bool expired);
  static void on_held_timeout(void* self, std::uint64_t held);
  void on_commit(std::uint64_t aggregate, std::uint64_t version, check::SessionId writer, bool visible);
  void begin(check::SessionId session, std::uint64_t aggregate);
  void arrive(std::uint64_t id);
  void answer_at_replica(std::uint64_t id);
  void finish(std::uint64_t id, bool timed_out);
  void on_applied(std::uint32_t replica, std::uint64_t aggregate);
  std::uint64_t token_progress(std::uint32_t replica, std::uint64_t aggregate);
  std::uint32_t choose_replica(check::SessionId session);
  const std::string& region_of(check::SessionId session) const;
  void schedule_next_issue();

  static void on_issue(void* self, std::uint64_t);
  static void on_arrive(void* self, std::uint64_t id);
  static void on_answer(void* self, std::uint64_t id);
  static void on_token_timeout(void* self, std::uint64_t id);

  sim::Simulator& simulator_;
  ReadersConfig config_;
  std::vector<ViewReplica*> replicas_;
  ReadRecorder& recorder_;
  RegionLatency latency_;
  std::vector<net::Node*> owners_;
  sim::Rng rng_;
  std::uint32_t kind_issue_, kind_arrive_, kind_answer_, kind_timeout_;
  std::map<std::string, std::uint32_t> nearest_;  // region -> replica
  std::vector<std::uint64_t> recent_;             // ring of recently visible uploads
  std::size_t recent_next_ = 0;
  std::map<check::SessionId, std::pair<std::uint64_t, std::uint64_t>> tokens_;  // last write
  std::map<std::uint64_t, Read> reads_;
  std::vector<std::multimap<std::uint64_t, std::uint64_t>> waiting_;  // [replica] aggregate -> read
  std::map<std::string, net::Node*> gateways_;  // region -> gateway; empty: reads off-network
  std::map<std::uint64_t, Held> held_;
  std::vector<std::multimap<std::uint64_t, std::uint64_t>> held_by_token_;  // [replica] aggregate -> held
  std::uint64_t next_held_ = 1;
  std::uint64_t next_id_ = 1;
  std::uint64_t issued_ = 0;
};

}  // namespace txsim::cqrs
