// A view replica: a read-only database on its own node, kept current by consuming the broker's
// partitions with its own consumer group (its own progress), applying each event to every
// projection that takes it.
//
// Apply loop: events are accepted only at the next expected offset of their partition (the
// BrokerConsumer of consumer.h: held across a gap, a transport duplicate dropped, the periodic
// re-subscription resumes from the expected offset), queued, and applied one at a time: wait `apply_delay` (a slow consumer), fold the
// event into the entries, write them to the replica's store, sync, and only then expose them to
// reads and commit the offset to the broker. A crash between the sync and the commit makes the
// broker deliver those events again (at-least-once); idempotent projections absorb them.
//
// After a restart the replica rebuilds its entries from its store and subscribes from the
// group's committed offset at the broker.
//
// Units: virtual time is integer nanoseconds (sim::Duration).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/cqrs/consumer.h"
#include "core/cqrs/events.h"
#include "core/cqrs/projection.h"
#include "core/net/node.h"

namespace txsim::cqrs {

/// Watches applies (the read-history recorder; a test).
class ApplyObserver {
 public:
  virtual ~ApplyObserver() = default;
  /// Run-wide version of the committed event `e` (see recorder.h).
  virtual std::uint64_t global_version(const DomainEvent& e) = 0;
  /// Replica number `replica` made `entry` of `projection` durable and readable after `e`.
  virtual void applied(std::uint32_t replica, std::size_t projection, const DomainEvent& e,
                       const ViewEntry& entry) = 0;
};

struct ReplicaConfig {
  std::string name;
  std::uint32_t group = 0;       // consumer group = replica number
  sim::Duration apply_delay{};   // REQUIRES: >= 0
  sim::Duration resubscribe_interval = sim::milliseconds(200);
  sim::Duration call_timeout = sim::milliseconds(1000);
};

class ViewReplica {
 public:
  static constexpr std::uint64_t kUnknown = BrokerConsumer::kUnknown;

  /// REQUIRES: projections and observer (may be null) outlive the replica.
  ViewReplica(net::Node& node, net::NodeId broker, std::uint32_t partitions, ReplicaConfig config,
              const std::vector<std::unique_ptr<Projection>>& projections, ApplyObserver* observer);
  ViewReplica(const ViewReplica&) = delete;
  ViewReplica& operator=(const ViewReplica&) = delete;

  /// Starts the periodic subscription (a root process).
  void start();
  const std::string& name() const { return config_.name; }
  net::Node& node() const { return node_; }
  /// The readable entry of an aggregate, or nullptr. REQUIRES: the node is up.
  const ViewEntry* entry(std::size_t projection, std::uint64_t aggregate);
  /// Every readable entry of a projection, by aggregate. REQUIRES: the node is up.
  const std::map<std::uint64_t, ViewEntry>& view(std::size_t projection);
  /// Next offset the replica accepts in `partition` (kUnknown before it subscribed).
  std::uint64_t next_offset(std::uint32_t partition);
  /// Accepted events not yet applied.
  std::size_t queued() const { return queue_.size(); }
  std::uint64_t applied() const { return applied_; }
  /// Called after each apply (for read-your-writes waits).
  void set_on_applied(std::function<void(std::uint64_t aggregate)> hook) { on_applied_ = std::move(hook); }

 private:
  void ensure_current() { consumer_.ensure_current(); }
  void on_new_incarnation();
  void on_accept(const Delivery& d);
  sim::Task<void> apply_loop(std::uint32_t incarnation);

  net::Node& node_;
  ReplicaConfig config_;
  const std::vector<std::unique_ptr<Projection>>& projections_;
  ApplyObserver* observer_;
  std::function<void(std::uint64_t)> on_applied_;
  BrokerConsumer consumer_;
  std::uint32_t incarnation_ = 0;
  std::vector<std::map<std::uint64_t, ViewEntry>> entries_;  // [projection] aggregate -> entry
  std::deque<Delivery> queue_;
  bool applying_ = false;
  std::uint64_t applied_ = 0;
};

}  // namespace txsim::cqrs
