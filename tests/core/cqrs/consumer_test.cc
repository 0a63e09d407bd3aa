// BrokerConsumer (core/cqrs/consumer.h): in-order acceptance per partition, subscription, and
// offset commits that never pass an offset whose effects are not done.
#include "core/cqrs/consumer.h"

#include <gtest/gtest.h>

#include <vector>

#include "core/cqrs/broker.h"
#include "core/net/network.h"

namespace txsim::cqrs {
namespace {

// A broker with one partition, a producer that publishes with calls, and a consumer node.
struct ConsumerWorld {
  sim::Simulator simulator{9};
  net::Network network;
  net::Node& producer;
  net::Node& consumer_node;
  net::Node& broker_node;
  Broker broker;
  std::vector<Delivery> accepted;
  BrokerConsumer consumer;

  explicit ConsumerWorld(ConsumerConfig config, net::LatencyModel latency = net::LatencyModel::constant(1.0))
      : network(simulator, network_config(latency)),
        producer(network.add_node({"producer", "", "", {}})),
        consumer_node(network.add_node({"consumer", "", "", {}})),
        broker_node(network.add_node({"broker", "", "", {}})),
        broker(broker_node, {1, 1000}),
        consumer(consumer_node, broker_node.id(), config, "test consumer",
                 [this](const Delivery& d) { accepted.push_back(d); }, {}) {}

  static net::NetworkConfig network_config(net::LatencyModel latency) {
    net::NetworkConfig config;
    config.default_latency = latency;
    return config;
  }
  sim::Task<void> publish(std::uint64_t count) {
    for (std::uint64_t a = 1; a <= count; ++a) {
      net::Payload p;
      put_event(p, {a, 0, 0, false, EventKind::kOther});
      const auto r = co_await producer.call(broker_node.id(), kPublish, p, sim::seconds(1));
      EXPECT_EQ(r.status, net::CallStatus::kReply);
    }
  }
  void run_for(sim::Duration d) { simulator.run(simulator.now() + d); }
};

ConsumerConfig config(bool eager, std::uint64_t commit_every, sim::Duration commit_delay = {}) {
  ConsumerConfig c;
  c.partitions = 1;
  c.eager_subscribe = eager;
  c.commit_every = commit_every;
  c.commit_delay = commit_delay;
  return c;
}

TEST(BrokerConsumer, EagerSubscriptionAcceptsEveryEntryInOrderWithoutWaitingAnInterval) {
  // Exponential link latency: pushes often overtake the subscription's reply.
  ConsumerWorld w(config(true, 1), net::LatencyModel::exponential(1.0));
  w.simulator.spawn(w.publish(30));
  w.run_for(sim::milliseconds(150));  // every publish acknowledged, no subscription yet
  ASSERT_EQ(w.broker.end(0), 30u);
  w.consumer.start();
  w.run_for(sim::milliseconds(50));  // well before the first resubscribe tick (200 ms)
  ASSERT_EQ(w.accepted.size(), 30u);
  for (std::uint64_t i = 0; i < 30; ++i) EXPECT_EQ(w.accepted[i].offset, i);
}

TEST(BrokerConsumer, ALazyConsumerWaitsForTheFirstResubscribeTick) {
  ConsumerWorld w(config(false, 1));
  w.simulator.spawn(w.publish(5));
  w.run_for(sim::milliseconds(50));
  w.consumer.start();
  w.run_for(sim::milliseconds(150));
  EXPECT_TRUE(w.accepted.empty());
  w.run_for(sim::milliseconds(100));
  EXPECT_EQ(w.accepted.size(), 5u);
}

TEST(BrokerConsumer, CommitsTheLowestOffsetNotDone) {
  ConsumerWorld w(config(true, 1));
  w.simulator.spawn(w.publish(5));
  w.run_for(sim::milliseconds(50));
  w.consumer.start();
  w.run_for(sim::milliseconds(50));
  ASSERT_EQ(w.accepted.size(), 5u);
  // Done out of order (different aggregates processed concurrently): after each, the broker's
  // committed offset is the lowest offset still open, or 5 once every one is done.
  const std::vector<std::pair<std::uint64_t, std::uint64_t>> steps = {
      {2, 0}, {0, 1}, {1, 3}, {4, 3}, {3, 5}};
  for (const auto& [done, committed] : steps) {
    w.consumer.done(0, done);
    w.run_for(sim::milliseconds(10));
    EXPECT_EQ(w.broker.committed(0, 0), committed) << "after done(" << done << ")";
  }
  EXPECT_EQ(w.consumer.in_progress(), 0u);
  EXPECT_THROW(w.consumer.done(0, 3), std::logic_error);
}

TEST(BrokerConsumer, LazyCommitsWaitForEnoughCompletionsOrTheDelay) {
  ConsumerWorld w(config(true, 4, sim::milliseconds(50)));
  w.simulator.spawn(w.publish(10));
  w.run_for(sim::milliseconds(50));
  w.consumer.start();
  w.run_for(sim::milliseconds(20));
  ASSERT_EQ(w.accepted.size(), 10u);
  // The first completion has nothing sent to count from: it waits for the delay.
  w.consumer.done(0, 0);
  w.run_for(sim::milliseconds(10));
  EXPECT_EQ(w.broker.committed(0, 0), 0u);
  w.run_for(sim::milliseconds(45));
  EXPECT_EQ(w.broker.committed(0, 0), 1u);
  // Three more completions are fewer than four: still the delay.
  for (std::uint64_t o = 1; o <= 3; ++o) w.consumer.done(0, o);
  w.run_for(sim::milliseconds(10));
  EXPECT_EQ(w.broker.committed(0, 0), 1u);
  // The fourth since the last commit goes out at once.
  w.consumer.done(0, 4);
  w.run_for(sim::milliseconds(5));
  EXPECT_EQ(w.broker.committed(0, 0), 5u);
}

}  // namespace
}  // namespace txsim::cqrs
