#include "core/net/network.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace txsim::net {
namespace {

void require_probability(double p, const char* field) {
  if (!(p >= 0.0 && p <= 1.0)) {
    throw std::invalid_argument(std::string("network ") + field + " must be in [0, 1], got " +
                                std::to_string(p));
  }
}

sim::Duration scale(sim::Duration d, double factor) {
  if (factor == 1.0) return d;
  return sim::Duration::from_ns(std::llround(static_cast<double>(d.ns()) * factor));
}

}  // namespace

Network::Network(sim::Simulator& simulator, NetworkConfig config)
    : simulator_(simulator),
      config_(std::move(config)),
      kind_deliver_(simulator.register_kind("net/deliver")),
      kind_call_timeout_(simulator.register_kind("net/call_timeout")),
      kind_sync_(simulator.register_kind("storage/sync")),
      latency_rng_(simulator.stream("net/latency")),
      loss_rng_(simulator.stream("net/loss")),
      duplication_rng_(simulator.stream("net/duplication")),
      reorder_rng_(simulator.stream("net/reorder")) {
  require_probability(config_.loss_probability, "loss_probability");
  require_probability(config_.duplication_probability, "duplication_probability");
  require_probability(config_.reorder_probability, "reorder_probability");
  require_probability(config_.jitter_fraction, "jitter_fraction");
  if (!(config_.reorder_delay_max_ms >= 0.0) || !std::isfinite(config_.reorder_delay_max_ms)) {
    throw std::invalid_argument("network reorder_delay_max_ms must be >= 0");
  }
  slab_.reserve(config_.in_flight_capacity);
  free_slots_.reserve(config_.in_flight_capacity);
}

Node& Network::add_node(NodeConfig config) {
  if (config.name.empty()) throw std::invalid_argument("node name must not be empty");
  if (find_node(config.name) != nullptr) {
    throw std::invalid_argument("duplicate node name '" + config.name + "'");
  }
  if (config_.latency_matrix != nullptr) {
    bool by_zone = config_.matrix_level == MatrixLevel::kZone;
    config_.latency_matrix->require_names({by_zone ? config.zone : config.region},
                                          by_zone ? "zone" : "region");
  }
  auto id = static_cast<NodeId>(nodes_.size());
  nodes_.push_back(std::make_unique<Node>(*this, id, std::move(config), kind_sync_));
  grow_links();
  return *nodes_.back();
}

storage::StoreStats Network::storage_stats() const {
  storage::StoreStats total;
  for (const auto& node : nodes_) total += node->store().stats();
  return total;
}

Node* Network::find_node(std::string_view name) {
  for (auto& node : nodes_) {
    if (node->name() == name) return node.get();
  }
  return nullptr;
}

void Network::grow_links() {
  std::size_t n = nodes_.size();
  std::vector<Link> grown(n * n);
  for (std::size_t from = 0; from < n; ++from) {
    for (std::size_t to = 0; to < n; ++to) {
      Link& cell = grown[from * n + to];
      if (from < n - 1 && to < n - 1) cell = std::move(links_[from * (n - 1) + to]);
    }
  }
  links_ = std::move(grown);
  for (std::size_t other = 0; other < n; ++other) {
    link(static_cast<NodeId>(n - 1), static_cast<NodeId>(other)).latency =
        resolve_latency(static_cast<NodeId>(n - 1), static_cast<NodeId>(other));
    link(static_cast<NodeId>(other), static_cast<NodeId>(n - 1)).latency =
        resolve_latency(static_cast<NodeId>(other), static_cast<NodeId>(n - 1));
  }
}

LatencyModel Network::resolve_latency(NodeId from, NodeId to) const {
  const Link& current = link(from, to);
  if (current.overrides.latency) return *current.overrides.latency;
  if (config_.latency_matrix != nullptr) {
    bool by_zone = config_.matrix_level == MatrixLevel::kZone;
    const Node& a = *nodes_[from];
    const Node& b = *nodes_[to];
    auto mean = config_.latency_matrix->one_way_ms(by_zone ? a.zone() : a.region(),
                                                   by_zone ? b.zone() : b.region());
    if (mean) {
      if (config_.jitter_fraction == 0.0) return LatencyModel::constant(*mean);
      return LatencyModel::uniform(*mean * (1.0 - config_.jitter_fraction),
                                   *mean * (1.0 + config_.jitter_fraction));
    }
  }
  return config_.default_latency;
}

void Network::set_link(NodeId from, NodeId to, const LinkConfig& overrides) {
  for (auto p : {overrides.loss_probability, overrides.duplication_probability,
                 overrides.reorder_probability}) {
    if (p) require_probability(*p, "link probability");
  }
  Link& cell = link(node(from).id(), node(to).id());
  cell.overrides = overrides;
  cell.latency = resolve_latency(from, to);
}

void Network::set_slow_factor(NodeId from, NodeId to, double factor) {
  if (!(factor > 0.0) || !std::isfinite(factor)) {
    throw std::invalid_argument("slow link factor must be > 0, got " + std::to_string(factor));
  }
  link(node(from).id(), node(to).id()).slow_factor = factor;
}

void Network::set_fault_loss_probability(double p) {
  require_probability(p, "fault loss_probability");
  fault_loss_probability_ = p;
}

void Network::set_fault_duplication_probability(double p) {
  require_probability(p, "fault duplication_probability");
  fault_duplication_probability_ = p;
}

PartitionId Network::partition(const std::vector<NodeId>& side_a, const std::vector<NodeId>& side_b,
                               PartitionMode mode) {
  PartitionRecord record{{}, true};
  for (NodeId a : side_a) {
    for (NodeId b : side_b) {
      if (node(a).id() == node(b).id()) continue;
      record.links.emplace_back(a, b);
      if (mode == PartitionMode::kSymmetric) record.links.emplace_back(b, a);
    }
  }
  for (auto [from, to] : record.links) ++link(from, to).blocked;
  partitions_.push_back(std::move(record));
  ++active_partitions_;
  return static_cast<PartitionId>(partitions_.size() - 1);
}

bool Network::heal(PartitionId id) {
  if (id >= partitions_.size() || !partitions_[id].active) return false;
  for (auto [from, to] : partitions_[id].links) --link(from, to).blocked;
  partitions_[id].active = false;
  --active_partitions_;
  return true;
}

std::size_t Network::heal_all() {
  std::size_t healed = 0;
  for (PartitionId id = 0; id < partitions_.size(); ++id) healed += heal(id) ? 1 : 0;
  return healed;
}

std::uint64_t Network::send(Node& sender, Message message, std::uint32_t to_incarnation) {
  Node& receiver = node(message.header.to);
  message.header.id = next_message_id_++;
  message.header.from = sender.id();
  message.header.from_incarnation = sender.incarnation();
  message.header.sent_at_ns = simulator_.now().ns();
  ++stats_.messages_sent;
  const Link& path = link(sender.id(), receiver.id());
  if (path.blocked > 0) {
    drop(stats_.dropped_partition, message, "partition");
    return message.header.id;
  }
  double loss = path.overrides.loss_probability.value_or(config_.loss_probability);
  if (fault_loss_probability_ > 0.0) loss = 1.0 - (1.0 - loss) * (1.0 - fault_loss_probability_);
  if (loss > 0.0 && sim::bernoulli(loss_rng_, loss)) {
    drop(stats_.dropped_loss, message, "loss");
    return message.header.id;
  }
  launch_copy(message, to_incarnation, path);
  double duplication =
      path.overrides.duplication_probability.value_or(config_.duplication_probability);
  if (fault_duplication_probability_ > 0.0) {
    duplication = 1.0 - (1.0 - duplication) * (1.0 - fault_duplication_probability_);
  }
  if (duplication > 0.0 && sim::bernoulli(duplication_rng_, duplication)) {
    ++stats_.messages_duplicated;
    launch_copy(message, to_incarnation, path);
  }
  return message.header.id;
}

void Network::launch_copy(const Message& message, std::uint32_t to_incarnation, const Link& path) {
  sim::Duration delay = scale(path.latency.sample(latency_rng_), path.slow_factor);
  double reorder = path.overrides.reorder_probability.value_or(config_.reorder_probability);
  if (reorder > 0.0 && sim::bernoulli(reorder_rng_, reorder)) {
    ++stats_.messages_reordered;
    delay += sim::duration_from_ms(sim::uniform(reorder_rng_, 0.0, config_.reorder_delay_max_ms));
  }
  std::uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
    slab_[slot] = InFlight{message, to_incarnation};
  } else {
    slot = static_cast<std::uint32_t>(slab_.size());
    slab_.push_back(InFlight{message, to_incarnation});
  }
  ++in_flight_;
  simulator_.schedule_after(delay, kind_deliver_, &Network::deliver, this, slot);
}

void Network::deliver(void* context, std::uint64_t slot) {
  auto& self = *static_cast<Network*>(context);
  const InFlight copy = self.slab_[slot];
  self.free_slots_.push_back(static_cast<std::uint32_t>(slot));
  --self.in_flight_;
  const MessageHeader& header = copy.message.header;
  Node& receiver = *self.nodes_[header.to];
  NetworkStats& stats = self.stats_;
  if (self.link(header.from, header.to).blocked > 0) {
    return self.drop(stats.dropped_partition, copy.message, "partition");
  }
  if (!receiver.is_up()) return self.drop(stats.dropped_node_down, copy.message, "node down");
  if (receiver.incarnation() != copy.to_incarnation) {
    return self.drop(stats.dropped_stale_incarnation, copy.message, "stale incarnation");
  }
  if ((header.flags & kFlagReply) != 0) {
    if (!receiver.complete_call(copy.message)) {
      return self.drop(stats.dropped_late_reply, copy.message, "late reply");
    }
  } else if (!receiver.dispatch(copy.message)) {
    return self.drop(stats.dropped_no_handler, copy.message, "no handler");
  }
  ++stats.messages_delivered;
}

}  // namespace txsim::net
