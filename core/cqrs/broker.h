// The event broker: topics split into partitions keyed by aggregate id, an append-only log per
// partition, consumer groups with durable committed offsets (after Kafka's design: Kreps et al.,
// "Kafka: a Distributed Messaging System for Log Processing", NetDB 2011).
//
// Guarantees: per-partition order; at-least-once delivery. A publish is acknowledged only once
// its log entry is durable, and only durable entries are pushed, so an offset never names two
// different events. A relay that retries after a lost ack appends the event again (a duplicate,
// which projections must absorb). Each group's committed offset is stored in the broker's store;
// a consumer that restarts subscribes from it and gets again whatever it applied after its last
// commit reached the broker (redelivery).
//
// Delivery: the broker pushes entries to the subscribed consumer of each (group, partition), at
// most `window` beyond the committed offset; a consumer re-subscribes to resume after a loss.
// One topic: every event goes to it (the run has one event stream).
//
// Units: virtual time is integer nanoseconds.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "core/cqrs/events.h"
#include "core/net/node.h"

namespace txsim::cqrs {

struct BrokerConfig {
  std::uint32_t partitions = 8;  // REQUIRES: >= 1
  std::uint64_t window = 64;     // entries pushed ahead of the committed offset. REQUIRES: >= 1
};

class Broker {
 public:
  /// Registers the broker's handlers on `node`. Throws std::invalid_argument on a bad config.
  Broker(net::Node& node, BrokerConfig config);
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  net::Node& node() const { return node_; }
  std::uint32_t partitions() const { return config_.partitions; }
  /// Durable log length of a partition (the offset after its last entry).
  std::uint64_t end(std::uint32_t partition);
  /// Committed offset of a group in a partition (0 if never committed).
  std::uint64_t committed(std::uint32_t group, std::uint32_t partition);
  /// The entry at `offset`. REQUIRES: offset < end(partition).
  DomainEvent entry(std::uint32_t partition, std::uint64_t offset);
  std::uint64_t appended() const { return appended_; }
  /// Sees each log entry once it is durable, in log order per partition (an observer outside
  /// the simulated system, e.g. the choreography monitor: it must not change the run).
  void set_on_durable(std::function<void(const DomainEvent&)> hook) { on_durable_ = std::move(hook); }

 private:
  struct Cursor {
    net::NodeId consumer = 0;
    std::uint64_t next = 0;  // next offset to push
    bool subscribed = false;
  };
  void ensure_current();
  void on_publish(const net::Message& m);
  void on_subscribe(const net::Message& m);
  void on_commit(const net::Message& m);
  sim::Task<void> make_durable(net::Message request, std::uint32_t partition, std::uint64_t end);
  sim::Task<void> sync_offsets();
  void push(std::uint32_t group, std::uint32_t partition);

  net::Node& node_;
  BrokerConfig config_;
  std::uint32_t incarnation_ = 0;  // incarnation the in-memory state belongs to
  std::vector<std::vector<DomainEvent>> log_;      // [partition], latest (maybe unsynced) entries
  std::vector<std::uint64_t> durable_end_;         // [partition]
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint64_t> committed_;  // (group, p)
  std::map<std::pair<std::uint32_t, std::uint32_t>, Cursor> cursors_;
  bool offsets_sync_pending_ = false;
  std::uint64_t appended_ = 0;
  std::function<void(const DomainEvent&)> on_durable_;
};

}  // namespace txsim::cqrs
