// The simulated network: nodes, links, latency, loss, duplication, reordering and partitions.
//
// Model (see docs/network.md for the full description):
//  - A message sent at t from A to B is delivered at t + latency(A->B) * slow_factor(A->B),
//    where latency is drawn from the link's LatencyModel. The model of a directed link is, in
//    order of precedence: an explicit set_link() override; the latency matrix entry for the two
//    nodes' zones (or regions), halved because the published values are round trips, optionally
//    with jitter (uniform in mean * [1 - jitter_fraction, 1 + jitter_fraction]); the default model.
//  - Loss: each send is lost with the link's loss probability (combined with any fault window:
//    p = 1 - (1 - p_link)(1 - p_fault)). Duplication: a message that is not lost gets a second
//    copy, with the SAME message id and its own latency draw, with the duplication probability.
//    Reordering: each copy, with the reorder probability, gets an extra delay uniform in
//    [0, reorder_delay_max_ms); random latency models also reorder messages on their own.
//  - Partitions block directed links. A message on a blocked link is dropped at send, and a
//    message in flight when a partition starts is dropped at delivery: nothing crosses a
//    partition while it holds. Overlapping partitions nest (a link is open when all are healed).
//  - Delivery to a node that is not up, or whose incarnation changed since the send, is dropped.
//  - Bandwidth, message size, queueing in switches and TCP behaviour are NOT modelled.
//
// Performance: send and delivery do not allocate per message. In-flight messages live in a slab
// with a free list; delivery is a Simulator::schedule_at callback carrying the slot index.
//
// Randomness: streams "net/latency", "net/loss", "net/duplication", "net/reorder".
// Units: latencies in milliseconds in configuration, integer nanoseconds (sim::Duration) inside.
// Errors: bad configuration (probability outside [0, 1], factor <= 0, duplicate node name, a
// zone/region missing from the matrix) throws std::invalid_argument or LatencyMatrixError.
// Thread-safety: none; a simulation run is single-threaded by design.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "core/net/latency_matrix.h"
#include "core/net/latency_model.h"
#include "core/net/message.h"
#include "core/net/node.h"
#include "core/sim/simulator.h"

namespace txsim::net {

/// Which placement name keys the latency matrix.
enum class MatrixLevel { kZone, kRegion };

struct NetworkConfig {
  /// Latency of links with no matrix entry and no set_link() override.
  LatencyModel default_latency = LatencyModel::constant(1.0);
  /// Optional measured matrix (see LatencyMatrix); looked up by zone or region names.
  std::shared_ptr<const LatencyMatrix> latency_matrix;
  MatrixLevel matrix_level = MatrixLevel::kZone;
  /// Jitter around a matrix mean, as a fraction of it. REQUIRES: in [0, 1].
  double jitter_fraction = 0.0;
  double loss_probability = 0.0;         // REQUIRES: in [0, 1]
  double duplication_probability = 0.0;  // REQUIRES: in [0, 1]
  double reorder_probability = 0.0;      // REQUIRES: in [0, 1]
  double reorder_delay_max_ms = 10.0;    // REQUIRES: >= 0
  /// In-flight slab slots allocated up front (the slab grows, amortised, beyond it).
  std::size_t in_flight_capacity = 4096;
};

/// Per-link overrides; unset fields inherit the network-wide value.
struct LinkConfig {
  std::optional<LatencyModel> latency;
  std::optional<double> loss_probability;
  std::optional<double> duplication_probability;
  std::optional<double> reorder_probability;
};

/// Counters for the `network` report section.
/// Conservation: messages_sent + messages_duplicated ==
///               messages_delivered + messages_dropped + in_flight().
struct NetworkStats {
  std::uint64_t messages_sent = 0;
  std::uint64_t messages_delivered = 0;
  std::uint64_t messages_dropped = 0;  // sum of the dropped_* reasons below
  std::uint64_t messages_duplicated = 0;
  std::uint64_t messages_reordered = 0;  // copies given an extra reorder delay
  std::uint64_t dropped_loss = 0;
  std::uint64_t dropped_partition = 0;
  std::uint64_t dropped_node_down = 0;          // receiver crashed or restarting
  std::uint64_t dropped_stale_incarnation = 0;  // receiver restarted since the send
  std::uint64_t dropped_no_handler = 0;         // no handler for the type
  std::uint64_t dropped_late_reply = 0;         // reply after its call timed out or ended
  std::uint64_t calls = 0;
  std::uint64_t call_timeouts = 0;
};

/// Sees every message the network drops, for timelines (--trace-json). An observer: it must not
/// change the simulation. `reason` names the NetworkStats counter, e.g. "partition", "loss",
/// "node down", "stale incarnation", "late reply", "no handler".
class DropObserver {
 public:
  virtual ~DropObserver() = default;
  virtual void on_dropped(const Message& message, const char* reason, sim::Time at) = 0;
};

enum class PartitionMode { kSymmetric, kOneWay };  // one way: a -> b blocked, b -> a open
using PartitionId = std::uint32_t;

class Network {
 public:
  /// Throws std::invalid_argument on an invalid config (naming the field).
  Network(sim::Simulator& simulator, NetworkConfig config);
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  /// Adds a node; ids are assigned 0, 1, 2... Throws std::invalid_argument on a duplicate or
  /// empty name, LatencyMatrixError if its zone/region is missing from the matrix.
  Node& add_node(NodeConfig config);
  Node& node(NodeId id) { return *nodes_.at(id); }
  const Node& node(NodeId id) const { return *nodes_.at(id); }
  /// nullptr if no node has that name.
  Node* find_node(std::string_view name);
  std::size_t size() const { return nodes_.size(); }

  /// Overrides one directed link. REQUIRES: both nodes exist, probabilities in [0, 1].
  void set_link(NodeId from, NodeId to, const LinkConfig& link);
  /// Latency factor of a directed link (slow link fault). REQUIRES: factor > 0.
  void set_slow_factor(NodeId from, NodeId to, double factor);
  double slow_factor(NodeId from, NodeId to) const { return link(from, to).slow_factor; }

  /// Extra loss/duplication applied on top of every link (fault windows). REQUIRES: in [0, 1].
  void set_fault_loss_probability(double p);
  void set_fault_duplication_probability(double p);

  /// Blocks side_a -> side_b (and side_b -> side_a if symmetric) until heal(id).
  PartitionId partition(const std::vector<NodeId>& side_a, const std::vector<NodeId>& side_b,
                        PartitionMode mode);
  /// Returns false if the partition was already healed or never existed.
  bool heal(PartitionId id);
  /// Heals every active partition; returns how many.
  std::size_t heal_all();
  bool blocked(NodeId from, NodeId to) const { return link(from, to).blocked > 0; }
  std::size_t active_partitions() const { return active_partitions_; }

  /// The latency model in force on a directed link (before the slow factor).
  const LatencyModel& latency_model(NodeId from, NodeId to) const { return link(from, to).latency; }

  const NetworkStats& stats() const { return stats_; }
  /// Installs (or, with nullptr, removes) the drop observer. Not owned.
  void set_drop_observer(DropObserver* observer) { drop_observer_ = observer; }
  /// Sum of every node's DurableStore counters (the `storage` report section).
  storage::StoreStats storage_stats() const;
  std::size_t in_flight() const { return in_flight_; }
  sim::Simulator& simulator() const { return simulator_; }
  std::uint32_t sync_event_kind() const { return kind_sync_; }

 private:
  friend class Node;
  struct Link {
    LatencyModel latency;
    LinkConfig overrides;
    double slow_factor = 1.0;
    std::uint32_t blocked = 0;  // active partitions blocking this direction
  };
  struct InFlight {
    Message message;
    std::uint32_t to_incarnation;
  };
  struct PartitionRecord {
    std::vector<std::pair<NodeId, NodeId>> links;
    bool active;
  };

  Link& link(NodeId from, NodeId to) { return links_[from * nodes_.size() + to]; }
  const Link& link(NodeId from, NodeId to) const { return links_[from * nodes_.size() + to]; }
  LatencyModel resolve_latency(NodeId from, NodeId to) const;
  void grow_links();

  /// Sends a fully built message from `sender` (called by Node). Returns its id.
  std::uint64_t send(Node& sender, Message message, std::uint32_t to_incarnation);
  void launch_copy(const Message& message, std::uint32_t to_incarnation, const Link& link);
  static void deliver(void* network, std::uint64_t slot);
  void drop(std::uint64_t& counter, const Message& message, const char* reason) {
    ++counter;
    ++stats_.messages_dropped;
    if (drop_observer_ != nullptr) drop_observer_->on_dropped(message, reason, simulator_.now());
  }

  sim::Simulator& simulator_;
  NetworkConfig config_;
  std::uint32_t kind_deliver_;
  std::uint32_t kind_call_timeout_;
  std::uint32_t kind_sync_;
  sim::Rng latency_rng_;
  sim::Rng loss_rng_;
  sim::Rng duplication_rng_;
  sim::Rng reorder_rng_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<Link> links_;  // nodes_.size()^2, row = from
  std::vector<InFlight> slab_;
  std::vector<std::uint32_t> free_slots_;
  std::vector<PartitionRecord> partitions_;
  std::size_t active_partitions_ = 0;
  std::size_t in_flight_ = 0;
  double fault_loss_probability_ = 0.0;
  double fault_duplication_probability_ = 0.0;
  std::uint64_t next_message_id_ = 1;
  NetworkStats stats_;
  DropObserver* drop_observer_ = nullptr;
};

}  // namespace txsim::net
