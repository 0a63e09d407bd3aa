// Throughput of message send + delivery through net::Network, and allocations per message.
//
// BM_SendThenDeliver/batch: send `batch` messages between random node pairs, then run the
// simulator until all are delivered. BM_Ring/in_flight: `in_flight` messages circulate, each
// handler forwarding the message to the next node (steady state: one send per delivery).
// The allocs_per_msg counter comes from a replaced global operator new in this binary only.
#include <benchmark/benchmark.h>

#include "core/net/network.h"
#include "tests/core/net/count_allocations.h"

namespace txsim::net {
namespace {

constexpr MessageType kPing = 1;
constexpr int kNodes = 16;

struct Bench {
  sim::Simulator simulator{1};
  Network network;
  std::uint64_t received = 0;
  explicit Bench(NetworkConfig config, bool forward) : network(simulator, std::move(config)) {
    for (int i = 0; i < kNodes; ++i) {
      Node& node = network.add_node({"n" + std::to_string(i), "z", "r", {}});
      node.on(kPing, [this, forward](Node& self, const Message& m) {
        ++received;
        if (forward) self.send((self.id() + 1) % kNodes, kPing, m.payload);
      });
    }
  }
};

NetworkConfig faulty(bool with_faults) {
  NetworkConfig config;
  config.default_latency = LatencyModel::exponential(1.0);
  if (with_faults) {
    config.loss_probability = 0.01;
    config.duplication_probability = 0.01;
    config.reorder_probability = 0.01;
  }
  return config;
}

void BM_SendThenDeliver(benchmark::State& state) {
  Bench bench(faulty(false), false);
  sim::Rng rng(7);
  const auto batch = static_cast<std::uint64_t>(state.range(0));
  Payload payload;
  payload.set_key("order-42");
  std::uint64_t allocations = 0;
  for (auto _ : state) {
    std::uint64_t before = testing::allocation_count();
    for (std::uint64_t i = 0; i < batch; ++i) {
      auto from = static_cast<NodeId>(rng.below(kNodes));
      bench.network.node(from).send(static_cast<NodeId>(rng.below(kNodes)), kPing, payload);
    }
    bench.simulator.run();
    allocations += testing::allocation_count() - before;
  }
  auto messages = static_cast<double>(state.iterations() * batch);
  state.SetItemsProcessed(static_cast<std::int64_t>(messages));
  state.counters["msgs_per_s"] = benchmark::Counter(messages, benchmark::Counter::kIsRate);
  state.counters["allocs_per_msg"] = static_cast<double>(allocations) / messages;
}
BENCHMARK(BM_SendThenDeliver)->Arg(1000)->Arg(100000);

void ring(benchmark::State& state, bool with_faults) {
  Bench bench(faulty(with_faults), true);
  const auto in_flight = state.range(0);
  for (std::int64_t i = 0; i < in_flight; ++i) {
    bench.network.node(static_cast<NodeId>(i % kNodes)).send((i + 1) % kNodes, kPing, {});
  }
  bench.simulator.run(sim::Time::zero(), 1'000'000);  // warm the slab and the event queue
  constexpr std::uint64_t kEventsPerIteration = 100'000;
  std::uint64_t allocations = 0;
  std::uint64_t delivered_before = bench.network.stats().messages_delivered;
  for (auto _ : state) {
    std::uint64_t before = testing::allocation_count();
    bench.simulator.run(sim::Time::max(), kEventsPerIteration);
    allocations += testing::allocation_count() - before;
  }
  auto delivered = static_cast<double>(bench.network.stats().messages_delivered - delivered_before);
  state.SetItemsProcessed(static_cast<std::int64_t>(delivered));
  state.counters["msgs_per_s"] = benchmark::Counter(delivered, benchmark::Counter::kIsRate);
  state.counters["allocs_per_msg"] = static_cast<double>(allocations) / delivered;
}

void BM_Ring(benchmark::State& state) { ring(state, false); }
void BM_RingWithLossDupReorder(benchmark::State& state) { ring(state, true); }
BENCHMARK(BM_Ring)->Arg(1000)->Arg(100000);
BENCHMARK(BM_RingWithLossDupReorder)->Arg(1000);

}  // namespace
}  // namespace txsim::net
