#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <set>
#include <vector>

#include "core/cqrs/broker.h"
#include "core/cqrs/outbox.h"
#include "core/net/network.h"

namespace txsim::cqrs {
namespace {

struct Crash {
  std::int64_t at_ms;
  std::int64_t down_ms;
  bool broker;  // crash the broker's node rather than the service's
};

// A service node writing one event per millisecond in its own local transactions, a relay on it,
// and a broker on a second node.
struct OutboxWorld {
  sim::Simulator simulator{11};
  net::Network network{simulator, {}};
  net::Node& service = network.add_node({"service", "", "", {}});
  net::Node& broker_node = network.add_node({"broker", "", "", {}});
  Broker broker{broker_node, {4, 16}};
  OutboxRelay relay{service, broker_node.id()};
  std::set<std::uint64_t> committed;  // aggregates whose transaction became durable
  std::set<std::uint64_t> written;

  sim::Task<void> commit(std::uint64_t aggregate) {
    co_await service.store().sync();
    committed.insert(aggregate);
  }
  sim::Task<void> writer(std::uint64_t count) {
    for (std::uint64_t a = 1; a <= count; ++a) {
      co_await simulator.sleep(sim::milliseconds(1));
      if (!service.is_up()) continue;
      service.store().put("state/" + std::to_string(a), "x");
      write_outbox_row(service.store(), {a, 0, 0, false, EventKind::kOther});
      written.insert(a);
      service.spawn(commit(a));
    }
  }
  sim::Task<void> faults(std::vector<Crash> crashes) {
    for (const Crash& c : crashes) {
      net::Node& node = c.broker ? broker_node : service;
      if (simulator.now() < sim::Time::zero() + sim::milliseconds(c.at_ms)) {
        co_await simulator.sleep(sim::Time::zero() + sim::milliseconds(c.at_ms) - simulator.now());
      }
      if (!node.crash()) continue;
      co_await simulator.sleep(sim::milliseconds(c.down_ms));
      node.restart();
    }
  }
  std::multiset<std::uint64_t> published() {
    std::multiset<std::uint64_t> out;
    for (std::uint32_t p = 0; p < broker.partitions(); ++p) {
      for (std::uint64_t o = 0; o < broker.end(p); ++o) out.insert(broker.entry(p, o).aggregate);
    }
    return out;
  }
};

TEST(OutboxTest, PublishesEveryCommittedEventOnceWithoutFaults) {
  OutboxWorld w;
  w.relay.start();
  w.simulator.spawn(w.writer(200));
  w.simulator.run(sim::Time::zero() + sim::seconds(2));
  EXPECT_EQ(w.committed.size(), 200u);
  const auto published = w.published();
  EXPECT_EQ(published.size(), 200u);  // no fault: no duplicate either
  for (const auto a : w.committed) EXPECT_EQ(published.count(a), 1u) << a;
  EXPECT_TRUE(w.relay.idle());
}

// Invariant: whatever the relay, service and broker crashes, once they heal every event whose
// local transaction committed is in the broker's log (at least once), and nothing else is.
RC_GTEST_PROP(OutboxProperty, RelayCrashesRedeliverButNeverLoseCommittedEvents, ()) {
  const auto n = *rc::gen::inRange<std::size_t>(0, 6);
  std::vector<Crash> crashes;
  std::int64_t t = 0;
  for (std::size_t i = 0; i < n; ++i) {
    t += *rc::gen::inRange<std::int64_t>(1, 60);
    const auto down = *rc::gen::inRange<std::int64_t>(1, 40);
    crashes.push_back({t, down, *rc::gen::arbitrary<bool>()});
    t += down;
  }
  OutboxWorld w;
  w.relay.start();
  w.simulator.spawn(w.writer(150));
  w.simulator.spawn(w.faults(crashes));
  w.simulator.run(sim::Time::zero() + sim::seconds(5));
  RC_ASSERT(w.service.is_up() && w.broker_node.is_up());
  const auto published = w.published();
  for (const auto a : w.committed) RC_ASSERT(published.count(a) >= 1u);
  for (const auto a : published) RC_ASSERT(w.written.count(a) == 1u);
  RC_ASSERT(w.relay.idle());
}

}  // namespace
}  // namespace txsim::cqrs
