#include "core/net/network.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <map>
#include <memory>
#include <tuple>
#include <vector>

namespace txsim::net {
namespace {

constexpr MessageType kPing = 1;
using Ops = std::vector<std::tuple<int, int, int>>;

int pick(int raw, int n) { return (raw % n + n) % n; }

struct Delivery {
  Message message;
  sim::Time at;
  std::uint32_t incarnation;
};

// A network of n nodes that all record every kPing they receive.
struct Harness {
  sim::Simulator simulator;
  Network network;
  std::vector<Delivery> deliveries;

  Harness(std::uint64_t seed, NetworkConfig config, int nodes)
      : simulator(seed), network(simulator, std::move(config)) {
    for (int i = 0; i < nodes; ++i) {
      Node& node = network.add_node({"n" + std::to_string(i), "z", "r", {}});
      node.on(kPing, [this](Node& self, const Message& message) {
        deliveries.push_back({message, simulator.now(), self.incarnation()});
      });
    }
  }
  std::uint64_t send(int from, int to, std::uint64_t word = 0) {
    Payload payload;
    payload.words[0] = word;
    return network.node(from).send(static_cast<NodeId>(to), kPing, payload);
  }
  void advance_us(int raw) { simulator.run(simulator.now() + sim::microseconds(pick(raw, 3000))); }
  bool conserved() const {
    const NetworkStats& s = network.stats();
    return s.messages_sent + s.messages_duplicated ==
           s.messages_delivered + s.messages_dropped + network.in_flight();
  }
};

NetworkConfig exponential_config() {
  NetworkConfig config;
  config.default_latency = LatencyModel::exponential(1.0);
  return config;
}

// Invariant: a message is delivered only to an up node, and only to the incarnation that was
// current when it was sent (checked against a reference model of each node's lifecycle).
RC_GTEST_PROP(NetworkProperties, NothingIsDeliveredToACrashedIncarnation, (const Ops& ops)) {
  constexpr int kNodes = 4;
  Harness h(11, exponential_config(), kNodes);
  std::vector<bool> up(kNodes, true);
  std::vector<std::uint32_t> incarnation(kNodes, 1);
  std::map<std::uint64_t, std::uint32_t> incarnation_at_send;
  std::size_t checked = 0;
  auto check_new_deliveries = [&] {
    for (; checked < h.deliveries.size(); ++checked) {
      const Delivery& d = h.deliveries[checked];
      NodeId to = d.message.header.to;
      RC_ASSERT(up[to]);
      RC_ASSERT(d.incarnation == incarnation[to]);
      RC_ASSERT(incarnation_at_send.at(d.message.header.id) == incarnation[to]);
    }
  };
  for (const auto& [kind, a, b] : ops) {
    int from = pick(a, kNodes), to = pick(b, kNodes);
    switch (pick(kind, 4)) {
      case 0:
        if (std::uint64_t id = h.send(from, to)) incarnation_at_send[id] = incarnation[to];
        RC_ASSERT(up[from] || h.network.stats().messages_sent == incarnation_at_send.size());
        break;
      case 1:
        RC_ASSERT(h.network.node(from).crash() == up[from]);
        up[from] = false;
        break;
      case 2:
        RC_ASSERT(h.network.node(from).restart() == !up[from]);
        if (!up[from]) ++incarnation[from];
        up[from] = true;
        break;
      default:
        h.advance_us(b);
    }
    check_new_deliveries();
  }
  h.simulator.run();
  check_new_deliveries();
  RC_ASSERT(h.conserved());
  RC_ASSERT(h.network.stats().messages_delivered == h.deliveries.size());
}

struct ReferencePartition {
  unsigned side_a;
  unsigned side_b;
  bool symmetric;
  bool active;
};

bool reference_blocked(const std::vector<ReferencePartition>& partitions, int from, int to) {
  if (from == to) return false;
  for (const auto& p : partitions) {
    if (!p.active) continue;
    bool forward = (p.side_a >> from & 1) && (p.side_b >> to & 1);
    bool backward = (p.side_b >> from & 1) && (p.side_a >> to & 1);
    if (forward || (p.symmetric && backward)) return true;
  }
  return false;
}

std::vector<NodeId> members(unsigned mask, int nodes) {
  std::vector<NodeId> result;
  for (int i = 0; i < nodes; ++i) {
    if (mask >> i & 1) result.push_back(static_cast<NodeId>(i));
  }
  return result;
}

// Invariant: no message is delivered across a partition that holds at its delivery time, and
// none sent while a partition blocked its link is ever delivered (reference: the partitions
// created and healed, recomputed from scratch).
RC_GTEST_PROP(NetworkProperties, NothingCrossesAPartitionWhileItHolds, (const Ops& ops)) {
  constexpr int kNodes = 5;
  Harness h(12, exponential_config(), kNodes);
  std::vector<ReferencePartition> partitions;
  std::map<std::uint64_t, bool> blocked_at_send;
  std::size_t checked = 0;
  auto check_new_deliveries = [&] {
    for (; checked < h.deliveries.size(); ++checked) {
      const MessageHeader& header = h.deliveries[checked].message.header;
      RC_ASSERT(!reference_blocked(partitions, static_cast<int>(header.from),
                                   static_cast<int>(header.to)));
      RC_ASSERT(!blocked_at_send.at(header.id));
    }
  };
  for (const auto& [kind, a, b] : ops) {
    switch (pick(kind, 4)) {
      case 0: {
        int from = pick(a, kNodes), to = pick(b, kNodes);
        blocked_at_send[h.send(from, to)] = reference_blocked(partitions, from, to);
        break;
      }
      case 1: {
        auto side_a = static_cast<unsigned>(pick(a, 32)),
             side_b = static_cast<unsigned>(pick(b, 32));
        bool symmetric = pick(kind, 8) < 4;
        PartitionId id =
            h.network.partition(members(side_a, kNodes), members(side_b, kNodes),
                                symmetric ? PartitionMode::kSymmetric : PartitionMode::kOneWay);
        RC_ASSERT(id == partitions.size());
        partitions.push_back({side_a, side_b, symmetric, true});
        break;
      }
      case 2:
        if (!partitions.empty()) {
          auto id = static_cast<PartitionId>(pick(a, static_cast<int>(partitions.size())));
          RC_ASSERT(h.network.heal(id) == partitions[id].active);
          partitions[id].active = false;
        }
        break;
      default:
        h.advance_us(b);
    }
    for (int from = 0; from < kNodes; ++from) {
      for (int to = 0; to < kNodes; ++to) {
        RC_ASSERT(h.network.blocked(from, to) == reference_blocked(partitions, from, to));
      }
    }
    check_new_deliveries();
  }
  h.simulator.run();
  check_new_deliveries();
  const NetworkStats& s = h.network.stats();
  RC_ASSERT(s.messages_delivered + s.dropped_partition == s.messages_sent);
}

// Invariant: with loss probability p the dropped fraction is within 5 binomial standard errors
// (sqrt(p(1-p)/n)) of p.
RC_GTEST_PROP(NetworkProperties, DroppedFractionConvergesToTheLossProbability, ()) {
  const double p = *rc::gen::inRange(0, 101) / 100.0;
  constexpr int kMessages = 4000;
  NetworkConfig config;
  config.loss_probability = p;
  Harness h(*rc::gen::inRange<std::uint64_t>(1, 1'000'000), config, 2);
  for (int i = 0; i < kMessages; ++i) h.send(0, 1);
  h.simulator.run();
  const NetworkStats& s = h.network.stats();
  double fraction = static_cast<double>(s.dropped_loss) / kMessages;
  double standard_error = std::sqrt(p * (1 - p) / kMessages);
  RC_ASSERT(std::abs(fraction - p) <= 5 * standard_error + 1e-12);
  RC_ASSERT(s.messages_delivered + s.dropped_loss == kMessages);
}

// Invariant: a network duplicate is the same message — same id, endpoints and payload — and a
// message is delivered at most twice; the number of ids delivered twice equals the duplicate count.
RC_GTEST_PROP(NetworkProperties, DuplicatesCarryTheSameMessageId, ()) {
  NetworkConfig config = exponential_config();
  config.duplication_probability = *rc::gen::inRange(0, 101) / 100.0;
  config.reorder_probability = 0.3;
  Harness h(*rc::gen::inRange<std::uint64_t>(1, 1'000'000), config, 3);
  constexpr int kMessages = 300;
  for (int i = 0; i < kMessages; ++i) h.send(i % 3, (i + 1) % 3, 1000 + i);
  h.simulator.run();
  std::map<std::uint64_t, std::vector<Message>> by_id;
  for (const auto& d : h.deliveries) by_id[d.message.header.id].push_back(d.message);
  RC_ASSERT(by_id.size() == static_cast<std::size_t>(kMessages));
  std::uint64_t twice = 0;
  for (const auto& [id, copies] : by_id) {
    RC_ASSERT(copies.size() <= 2u);
    if (copies.size() == 1) continue;
    ++twice;
    const Message& a = copies[0];
    const Message& b = copies[1];
    RC_ASSERT(a.header.from == b.header.from && a.header.to == b.header.to);
    RC_ASSERT(a.header.sent_at_ns == b.header.sent_at_ns);
    RC_ASSERT(a.payload.words == b.payload.words);
    RC_ASSERT(a.payload.words[0] == 1000 + (id - 1));  // ids are assigned 1, 2, ... in send order
  }
  RC_ASSERT(twice == h.network.stats().messages_duplicated);
}

// One seeded run with loss, duplication, reordering, crashes and a partition; returns its hash
// and stats.
std::pair<std::uint64_t, NetworkStats> faulted_run(std::uint64_t seed) {
  NetworkConfig config = exponential_config();
  config.loss_probability = 0.1;
  config.duplication_probability = 0.1;
  config.reorder_probability = 0.1;
  Harness h(seed, config, 4);
  sim::Rng workload = h.simulator.stream("test/workload");
  for (int step = 0; step < 2000; ++step) {
    auto r = workload.below(100);
    int a = static_cast<int>(workload.below(4)), b = static_cast<int>(workload.below(4));
    if (r < 80)
      h.send(a, b);
    else if (r < 85)
      h.network.node(a).crash();
    else if (r < 90)
      h.network.node(a).restart();
    else if (r < 92)
      h.network.partition({static_cast<NodeId>(a)}, {static_cast<NodeId>(b)},
                          PartitionMode::kOneWay);
    else if (r < 93)
      h.network.heal_all();
    else
      h.advance_us(static_cast<int>(workload.below(2000)));
  }
  h.simulator.run();
  return {h.simulator.trace_hash().value(), h.network.stats()};
}

// Invariant: a run with network faults is a function of its seed: same seed, same trace hash
// and same counters.
RC_GTEST_PROP(NetworkProperties, FaultedRunIsDeterministic, ()) {
  auto seed = *rc::gen::inRange<std::uint64_t>(1, 1'000'000);
  auto [hash_a, stats_a] = faulted_run(seed);
  auto [hash_b, stats_b] = faulted_run(seed);
  RC_ASSERT(hash_a == hash_b);
  RC_ASSERT(stats_a.messages_delivered == stats_b.messages_delivered);
  RC_ASSERT(stats_a.dropped_loss == stats_b.dropped_loss);
  RC_ASSERT(stats_a.messages_duplicated == stats_b.messages_duplicated);
}

TEST(Network, DifferentSeedsGiveDifferentRuns) {
  EXPECT_NE(faulted_run(1).first, faulted_run(2).first);
}

const std::string kZones = std::string(TXSIM_DATA_DIR) + "/zone-latency-dallas-2024-08-25.csv";
const std::string kRegions = std::string(TXSIM_DATA_DIR) + "/region-latency-2024-08-25.csv";

// Mean delivered one-way latency from `from` to `to` over n messages.
double mean_delivered_ms(const std::shared_ptr<const LatencyMatrix>& matrix, MatrixLevel level,
                         double jitter, const std::string& from, const std::string& to, int n) {
  NetworkConfig config;
  config.latency_matrix = matrix;
  config.matrix_level = level;
  config.jitter_fraction = jitter;
  sim::Simulator simulator(5);
  Network network(simulator, config);
  bool by_zone = level == MatrixLevel::kZone;
  Node& a = network.add_node({"a", by_zone ? from : "", by_zone ? "" : from, {}});
  Node& b = network.add_node({"b", by_zone ? to : "", by_zone ? "" : to, {}});
  double sum_ms = 0;
  int received = 0;
  b.on(kPing, [&](Node&, const Message& m) {
    sum_ms += (simulator.now() - sim::Time::from_ns(m.header.sent_at_ns)).to_ms();
    ++received;
  });
  for (int i = 0; i < n; ++i) a.send(b.id(), kPing, {});
  simulator.run();
  EXPECT_EQ(received, n);
  return sum_ms / n;
}

TEST(NetworkLatencyMatrix, RegionLatencyIsHalfThePublishedRoundTrip) {
  auto matrix = std::make_shared<const LatencyMatrix>(LatencyMatrix::load(kRegions));
  // From the file: Dallas,Frankfurt,123 and Frankfurt,Dallas — looked up in each direction.
  EXPECT_NEAR(mean_delivered_ms(matrix, MatrixLevel::kRegion, 0, "Dallas", "Frankfurt", 10),
              123.0 / 2, 1e-6);
  EXPECT_NEAR(mean_delivered_ms(matrix, MatrixLevel::kRegion, 0, "Frankfurt", "Dallas", 10),
              *matrix->round_trip_ms("Frankfurt", "Dallas") / 2, 1e-6);
}

// Invariant: for any two zones or regions in the shipped files and any jitter, the mean
// delivered latency is the file's value halved, within 6 standard errors of the jitter
// (uniform half-width m*j has stddev m*j/sqrt(3)) plus 1 ns of rounding.
RC_GTEST_PROP(NetworkLatencyMatrix, MeanDeliveredLatencyMatchesTheFile, ()) {
  const bool by_zone = *rc::gen::arbitrary<bool>();
  auto matrix =
      std::make_shared<const LatencyMatrix>(LatencyMatrix::load(by_zone ? kZones : kRegions));
  const auto& names = matrix->names();
  auto i = *rc::gen::inRange<std::size_t>(0, names.size());
  auto j = *rc::gen::inRange<std::size_t>(0, names.size());
  RC_PRE(matrix->round_trip_ms(names[i], names[j]).has_value());
  const double jitter = *rc::gen::inRange(0, 51) / 100.0;
  constexpr int kMessages = 500;
  double mean = *matrix->round_trip_ms(names[i], names[j]) / 2;
  double measured = mean_delivered_ms(matrix, by_zone ? MatrixLevel::kZone : MatrixLevel::kRegion,
                                      jitter, names[i], names[j], kMessages);
  double tolerance = 6 * mean * jitter / std::sqrt(3.0) / std::sqrt(kMessages) + 1e-6;
  RC_ASSERT(std::abs(measured - mean) <= tolerance);
}

TEST(NetworkLatencyMatrix, SameRegionWithoutSelfPairUsesTheDefaultModel) {
  NetworkConfig config;
  config.latency_matrix = std::make_shared<const LatencyMatrix>(LatencyMatrix::load(kRegions));
  config.matrix_level = MatrixLevel::kRegion;
  config.default_latency = LatencyModel::constant(0.25);
  sim::Simulator simulator(1);
  Network network(simulator, config);
  network.add_node({"a", "", "Dallas", {}});
  network.add_node({"b", "", "Dallas", {}});
  EXPECT_EQ(network.latency_model(0, 1).describe(), "constant(latency_ms=0.25)");
  EXPECT_THROW(network.add_node({"c", "", "Atlantis", {}}), LatencyMatrixError);
}

TEST(Network, SlowLinkMultipliesLatency) {
  NetworkConfig config;
  config.default_latency = LatencyModel::constant(2.0);
  Harness h(1, config, 2);
  h.network.set_slow_factor(0, 1, 10);
  h.send(0, 1);
  h.send(1, 0);
  h.simulator.run();
  ASSERT_EQ(h.deliveries.size(), 2u);
  EXPECT_EQ(h.deliveries[0].at, sim::Time::zero() + sim::milliseconds(2));   // 1 -> 0
  EXPECT_EQ(h.deliveries[1].at, sim::Time::zero() + sim::milliseconds(20));  // 0 -> 1, slowed
  EXPECT_THROW(h.network.set_slow_factor(0, 1, 0), std::invalid_argument);
}

TEST(Network, PerLinkOverridesBeatGlobalSettings) {
  NetworkConfig config;
  config.loss_probability = 1.0;
  Harness h(1, config, 3);
  LinkConfig reliable;
  reliable.loss_probability = 0.0;
  reliable.latency = LatencyModel::constant(7);
  h.network.set_link(0, 1, reliable);
  h.send(0, 1);
  h.send(0, 2);
  h.simulator.run();
  ASSERT_EQ(h.deliveries.size(), 1u);
  EXPECT_EQ(h.deliveries[0].at, sim::Time::zero() + sim::milliseconds(7));
  EXPECT_EQ(h.network.stats().dropped_loss, 1u);
}

TEST(Network, MessageWithoutHandlerIsDroppedAndCounted) {
  Harness h(1, {}, 2);
  h.network.node(0).send(1, 77, {});
  h.simulator.run();
  EXPECT_EQ(h.network.stats().dropped_no_handler, 1u);
  EXPECT_EQ(h.network.stats().messages_delivered, 0u);
}

TEST(Network, BadConfigurationIsRejected) {
  sim::Simulator simulator(1);
  NetworkConfig config;
  config.loss_probability = 1.5;
  EXPECT_THROW(Network(simulator, config), std::invalid_argument);
  Network network(simulator, {});
  network.add_node({"a", "", "", {}});
  EXPECT_THROW(network.add_node({"a", "", "", {}}), std::invalid_argument);
  EXPECT_THROW(network.node(0).on(kMaxMessageTypes, nullptr), std::invalid_argument);
  Payload payload;
  EXPECT_THROW(payload.set_key(std::string(Payload::kKeyBytes + 1, 'k')), std::length_error);
}

}  // namespace
}  // namespace txsim::net
