#include <gtest/gtest.h>

#include "core/net/network.h"
#include "tests/core/net/count_allocations.h"

namespace txsim::net {
namespace {

constexpr MessageType kPing = 1;

// Send + delivery must not allocate per message: after a warm-up that sizes the slab and the
// event queue, 20,000 more sends and deliveries (with loss, duplication, reordering and a
// partition in force) make no call to operator new at all.
TEST(NetworkAllocation, SendAndDeliverDoNotAllocateInSteadyState) {
  // The counter works: an explicit call of the replaceable operator new is counted.
  std::uint64_t probe = testing::allocation_count();
  ::operator delete(::operator new(8));
  ASSERT_EQ(testing::allocation_count(), probe + 1);

  NetworkConfig config;
  config.default_latency = LatencyModel::exponential(1.0);
  config.loss_probability = 0.05;
  config.duplication_probability = 0.05;
  config.reorder_probability = 0.05;
  sim::Simulator simulator(3);
  Network network(simulator, config);
  std::uint64_t received = 0;
  constexpr NodeId kNodes = 8;
  for (NodeId i = 0; i < kNodes; ++i) {
    network.add_node({"n" + std::to_string(i), "z", "r", {}})
        .on(kPing, [&received](Node& self, const Message& m) {
          ++received;
          self.send((self.id() + 1) % kNodes, kPing, m.payload);  // keep the ring going
        });
  }
  network.partition({0}, {5}, PartitionMode::kOneWay);
  sim::Rng rng(1);
  auto refill = [&] {
    while (network.in_flight() < 500) {
      network.node(static_cast<NodeId>(rng.below(kNodes)))
          .send(static_cast<NodeId>(rng.below(kNodes)), kPing, {});
    }
  };
  for (int round = 0; round < 20; ++round) {  // warm-up
    refill();
    simulator.run(sim::Time::max(), 1000);
  }
  std::uint64_t delivered_before = network.stats().messages_delivered;
  std::uint64_t before = testing::allocation_count();
  for (int round = 0; round < 40; ++round) {
    refill();
    simulator.run(sim::Time::max(), 500);
  }
  std::uint64_t allocations = testing::allocation_count() - before;
  const std::uint64_t delivered = network.stats().messages_delivered - delivered_before;
  EXPECT_GE(delivered, 15'000u);
  // No allocation per message. The event queue's radix-heap buckets may still grow now and then
  // (amortised, a handful over the whole run), so allow less than one per thousand messages.
  EXPECT_LT(allocations * 1000, delivered) << allocations << " allocations for " << delivered
                                           << " messages";
}

}  // namespace
}  // namespace txsim::net
