#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "core/cqrs/broker.h"
#include "core/net/network.h"

namespace txsim::cqrs {
namespace {

struct Delivered {
  std::uint32_t partition;
  std::uint64_t offset;
  DomainEvent event;
};

// A broker, a producer node that publishes with calls, and a hand-driven consumer node.
struct BrokerWorld {
  sim::Simulator simulator{5};
  net::Network network{simulator, {}};
  net::Node& producer = network.add_node({"producer", "", "", {}});
  net::Node& consumer = network.add_node({"consumer", "", "", {}});
  net::Node& broker_node = network.add_node({"broker", "", "", {}});
  Broker broker{broker_node, {4, 1000}};
  std::vector<Delivered> delivered;

  BrokerWorld() {
    consumer.on(kDeliver, [this](net::Node&, const net::Message& m) {
      delivered.push_back({static_cast<std::uint32_t>(m.payload.words[3] & 0xffffffff), m.payload.words[2],
                           unpack(m.payload.words[0], m.payload.words[1])});
    });
  }
  sim::Task<void> publish(std::vector<DomainEvent> events) {
    for (const auto& e : events) {
      net::Payload p;
      p.words[0] = e.aggregate;
      p.words[1] = pack(e);
      const auto r = co_await producer.call(broker_node.id(), kPublish, p, sim::seconds(1));
      EXPECT_EQ(r.status, net::CallStatus::kReply);
    }
  }
  sim::Task<void> subscribe(std::uint32_t partition, std::uint64_t from, std::uint64_t& start) {
    net::Payload p;
    p.words[0] = 0;
    p.words[1] = partition;
    p.words[2] = from;
    const auto r = co_await consumer.call(broker_node.id(), kSubscribe, p, sim::seconds(1));
    EXPECT_EQ(r.status, net::CallStatus::kReply);
    start = r.reply.payload.words[0];
  }
  void commit(std::uint32_t partition, std::uint64_t next) {
    net::Payload p;
    p.words[0] = 0;
    p.words[1] = partition;
    p.words[2] = next;
    consumer.send(broker_node.id(), kCommitOffset, p);
  }
  void settle() { simulator.run(simulator.now() + sim::seconds(1)); }
};

std::vector<DomainEvent> events(std::uint64_t aggregates, std::uint32_t per_aggregate) {
  std::vector<DomainEvent> out;
  for (std::uint32_t step = 0; step < per_aggregate; ++step) {
    for (std::uint64_t a = 1; a <= aggregates; ++a) out.push_back({a, step, step, false, EventKind::kOther});
  }
  return out;
}

TEST(BrokerTest, DeliversEachPartitionInPublishOrder) {
  BrokerWorld w;
  const auto published = events(20, 5);
  w.simulator.spawn(w.publish(published));
  w.settle();
  std::vector<std::uint64_t> starts(4);
  for (std::uint32_t p = 0; p < 4; ++p) w.simulator.spawn(w.subscribe(p, kFromCommitted, starts[p]));
  w.settle();
  ASSERT_EQ(w.delivered.size(), published.size());
  std::map<std::uint32_t, std::uint64_t> next_offset;
  std::map<std::uint64_t, std::vector<std::uint32_t>> steps;  // aggregate -> steps in delivery order
  for (const auto& d : w.delivered) {
    EXPECT_EQ(d.partition, partition_of(d.event.aggregate, 4));
    EXPECT_EQ(d.offset, next_offset[d.partition]++);  // consecutive offsets per partition
    steps[d.event.aggregate].push_back(d.event.step);
  }
  for (const auto& [aggregate, order] : steps) {
    EXPECT_EQ(order, (std::vector<std::uint32_t>{0, 1, 2, 3, 4})) << "aggregate " << aggregate;
  }
}

TEST(BrokerTest, RedeliversFromTheCommittedOffsetAfterAConsumerRestart) {
  BrokerWorld w;
  const auto published = events(1, 6);  // one aggregate: one partition
  const std::uint32_t p = partition_of(1, 4);
  w.simulator.spawn(w.publish(published));
  w.settle();
  std::uint64_t start = 99;
  w.simulator.spawn(w.subscribe(p, kFromCommitted, start));
  w.settle();
  EXPECT_EQ(start, 0u);
  ASSERT_EQ(w.delivered.size(), 6u);
  w.commit(p, 4);  // applied 0..3 durably; 4 and 5 applied but not committed
  w.settle();
  // The broker crashes too: the committed offset was synced and survives.
  w.broker_node.crash();
  w.broker_node.restart();
  w.settle();
  EXPECT_EQ(w.broker.committed(0, p), 4u);
  w.delivered.clear();
  w.simulator.spawn(w.subscribe(p, kFromCommitted, start));  // a restarted consumer
  w.settle();
  EXPECT_EQ(start, 4u);
  ASSERT_EQ(w.delivered.size(), 2u);  // offsets 4 and 5 again: redelivery
  EXPECT_EQ(w.delivered[0].offset, 4u);
  EXPECT_EQ(w.delivered[0].event, published[4]);
  EXPECT_EQ(w.delivered[1].event, published[5]);
}

sim::Task<void> subscribe_all(net::Node& consumer, net::NodeId broker) {
  net::Payload p;
  p.words[2] = kFromCommitted;
  co_await consumer.call(broker, kSubscribe, p, sim::seconds(1));
}

TEST(BrokerTest, PushesAtMostAWindowBeyondTheCommittedOffset) {
  sim::Simulator simulator{1};
  net::Network network{simulator, {}};
  net::Node& consumer = network.add_node({"consumer", "", "", {}});
  net::Node& broker_node = network.add_node({"broker", "", "", {}});
  Broker broker{broker_node, {1, 3}};
  std::vector<std::uint64_t> offsets;
  consumer.on(kDeliver, [&](net::Node&, const net::Message& m) { offsets.push_back(m.payload.words[2]); });
  for (std::uint64_t a = 1; a <= 10; ++a) {
    broker_node.store().put("l/" + hex16(0) + "/" + hex16(a - 1), to_record({a, 0, 0, false, EventKind::kOther}));
  }
  broker_node.store().sync_now();
  simulator.spawn(subscribe_all(consumer, broker_node.id()));
  simulator.run(sim::Time::zero() + sim::seconds(1));
  EXPECT_EQ(offsets, (std::vector<std::uint64_t>{0, 1, 2}));
}

}  // namespace
}  // namespace txsim::cqrs
