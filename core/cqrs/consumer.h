// The consumer side of one broker consumer group on one node: subscription, in-order
// acceptance per partition, and offset commits. Shared by the view replica (replica.h) and the
// saga choreography participant (choreography.h), which differ only in what they do with an
// accepted event.
//
// Acceptance: the broker pushes entries (at-least-once, and links with jitter reorder them); an
// entry is accepted only at the next expected offset of its partition. An entry beyond it is
// held until the gap fills (at most the broker's window per partition); one below it is a
// duplicate and dropped. Accepted entries go to the owner's `on_accept` in offset order per
// partition.
//
// Completion and commits: the owner reports each accepted offset as done (`done`) once its
// effects are durable — possibly out of offset order, when it processes several aggregates at
// once. The offset committed to the broker is the lowest accepted offset not done yet (or the
// next expected one), so a crash makes the broker redeliver everything not durably done
// (at-least-once; Kreps et al., "Kafka", NetDB 2011, consumer positions). Commits are sent
// when `commit_every` offsets are done since the last one sent, or `commit_delay` after the
// first uncommitted completion, whichever is first: fewer messages and broker writes, at the
// price of redelivering at most that many events after a crash.
//
// Subscription: every `resubscribe_interval` an idle partition (no delivery since the last
// tick) subscribes again from its expected offset, which resumes after a lost delivery or a
// broker restart. With `eager_subscribe` the first subscription goes out at start(), not one
// interval later, and deliveries that arrive before the subscription's reply (they may overtake
// it) are held instead of dropped. With `repeat_commits` an idle partition also repeats its last
// commit (a broker that crashed may have lost it: it syncs offsets lazily).
//
// After a crash the node restarts with nothing volatile: the next call of ensure_current()
// (any delivery, tick or accessor) starts the new incarnation from the broker's committed
// offsets and runs the owner's `on_new_incarnation`.
//
// Units: virtual time is integer nanoseconds (sim::Duration). Thread-safety: none.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <vector>

#include "core/cqrs/events.h"
#include "core/net/node.h"

namespace txsim::cqrs {

struct ConsumerConfig {
  std::uint32_t group = 0;       // consumer group (unique per consumer)
  std::uint32_t partitions = 1;  // REQUIRES: >= 1
  sim::Duration resubscribe_interval = sim::milliseconds(200);
  sim::Duration call_timeout = sim::milliseconds(1000);
  bool eager_subscribe = false;
  bool repeat_commits = false;
  std::uint64_t commit_every = 1;         // REQUIRES: >= 1 (1: every completion commits at once)
  sim::Duration commit_delay = sim::Duration{};  // REQUIRES: >= 0 (unused when commit_every == 1)
};

/// An accepted broker entry.
struct Delivery {
  std::uint32_t partition = 0;
  std::uint64_t offset = 0;
  DomainEvent event;
};

class BrokerConsumer {
 public:
  static constexpr std::uint64_t kUnknown = UINT64_MAX;

  /// Registers the kDeliver handler on `node`. `on_accept` gets each accepted entry;
  /// `on_new_incarnation` (may be empty) runs when a new incarnation starts, before anything
  /// else of it. `context` names the owner in error messages. Throws std::invalid_argument on
  /// a bad config. REQUIRES: node outlives the consumer.
  BrokerConsumer(net::Node& node, net::NodeId broker, ConsumerConfig config, std::string context,
                 std::function<void(const Delivery&)> on_accept,
                 std::function<void()> on_new_incarnation);
  BrokerConsumer(const BrokerConsumer&) = delete;
  BrokerConsumer& operator=(const BrokerConsumer&) = delete;

  /// Starts the periodic subscription (a root process).
  void start();
  /// Starts a new incarnation if the node restarted since the last call.
  void ensure_current();
  /// The accepted offset's effects are durable. REQUIRES: accepted in this incarnation.
  void done(std::uint32_t partition, std::uint64_t offset);
  /// Next offset accepted in `partition` (kUnknown before the subscription's reply).
  std::uint64_t next_offset(std::uint32_t partition);
  /// Accepted offsets not done yet, over all partitions.
  std::size_t in_progress() const;

 private:
  void on_deliver(const net::Message& m);
  void accept(std::uint32_t partition, std::uint64_t offset, const DomainEvent& event);
  void accept_held(std::uint32_t partition);
  std::uint64_t commit_point(std::uint32_t partition) const;
  void maybe_commit(std::uint32_t partition);
  void send_commit(std::uint32_t partition, std::uint64_t next);
  sim::Task<void> commit_later(std::uint32_t incarnation);
  sim::Task<void> resubscribe_loop();
  void subscribe_idle();
  sim::Task<void> subscribe(std::uint32_t partition, std::uint32_t incarnation);

  net::Node& node_;
  net::NodeId broker_;
  ConsumerConfig config_;
  std::string context_;
  std::function<void(const Delivery&)> on_accept_;
  std::function<void()> on_new_incarnation_;
  std::uint32_t incarnation_ = 0;
  std::vector<std::uint64_t> next_;            // [partition] next offset accepted
  std::vector<std::set<std::uint64_t>> open_;  // [partition] accepted, not done
  std::vector<std::uint64_t> sent_;            // [partition] last commit sent (kUnknown: none)
  std::vector<bool> active_;       // [partition] a delivery arrived since the last tick
  std::vector<bool> subscribing_;  // [partition]
  // [partition] deliveries that overtook an earlier offset, held until the gap fills.
  std::vector<std::map<std::uint64_t, DomainEvent>> held_;
  bool commit_scheduled_ = false;
};

}  // namespace txsim::cqrs
