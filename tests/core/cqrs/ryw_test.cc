#include <gtest/gtest.h>

#include "core/cqrs/broker.h"
#include "core/cqrs/outbox.h"
#include "core/cqrs/readers.h"
#include "core/net/network.h"

namespace txsim::cqrs {
namespace {

// One upload committed by hand at a service node, a relay, a broker, and one slow replica
// (100 ms per event); session 1 wrote the upload and reads it once it is published.
struct RywWorld {
  sim::Simulator simulator{9};
  net::Network network{simulator, {}};
  net::Node& service = network.add_node({"service", "", "", {}});
  net::Node& broker_node = network.add_node({"broker", "", "", {}});
  net::Node& replica_node = network.add_node({"replica", "", "", {}});
  Broker broker{broker_node, {2, 64}};
  OutboxRelay relay{service, broker_node.id()};
  std::vector<std::unique_ptr<Projection>> projections;
  std::unique_ptr<ReadRecorder> recorder;
  std::unique_ptr<ViewReplica> replica;
  std::unique_ptr<ReaderWorkload> readers;

  explicit RywWorld(sim::Duration token_timeout, bool token = true) {
    projections.push_back(make_projection("feed.join", {}, true));
    recorder = std::make_unique<ReadRecorder>(simulator, *projections[0], 0,
                                              std::vector<std::string>{"r"}, 1);
    ReplicaConfig config;
    config.name = "r";
    config.apply_delay = sim::milliseconds(100);
    replica = std::make_unique<ViewReplica>(replica_node, broker_node.id(), 2, config, projections,
                                            recorder.get());
    ReadersConfig rc;
    rc.sessions = 1;
    rc.rate_per_s = 0;  // only the uploader's own read
    rc.read_your_writes = token;
    rc.ryw_timeout = token_timeout;
    readers = std::make_unique<ReaderWorkload>(
        simulator, rc, std::vector<ViewReplica*>{replica.get()}, *recorder,
        [](const std::string&, const std::string&) { return sim::milliseconds(1); },
        std::vector<net::Node*>{&service});
    relay.start();
    replica->start();
    readers->start();
  }
  sim::Task<void> commit_upload() {
    const EventKind kinds[] = {EventKind::kIngested, EventKind::kDescribed, EventKind::kPublished};
    for (std::uint32_t step = 0; step < 3; ++step) {
      const DomainEvent e{42, step, step, false, kinds[step]};
      write_outbox_row(service.store(), e);
      recorder->written(e);
      co_await service.store().sync();
      recorder->committed(42, step, false, simulator.now());
      co_await simulator.sleep(sim::milliseconds(10));
    }
  }
  void run() {
    simulator.spawn(commit_upload());
    simulator.run(sim::Time::zero() + sim::seconds(3));
  }
};

TEST(ReadYourWritesTest, TokenReadWaitsUntilTheReplicaAppliedTheWrite) {
  RywWorld w(sim::milliseconds(2000));
  w.run();
  const auto& h = w.recorder->history();
  ASSERT_EQ(h.commits.size(), 3u);
  ASSERT_EQ(h.reads.size(), 1u);
  const auto& read = h.reads[0];
  EXPECT_EQ(read.session, 1u);
  EXPECT_FALSE(read.timed_out);
  EXPECT_EQ(read.version_seen, 3u);
  sim::Time applied_v3;
  for (const auto& a : h.applies) {
    if (a.version == 3) applied_v3 = a.applied_at;
  }
  // The answer leaves after the apply and takes the 1 ms trip back.
  EXPECT_EQ(read.answered_at, applied_v3 + sim::milliseconds(1));
  EXPECT_GT(read.answered_at - read.issued_at, sim::milliseconds(100));  // it did wait
}

TEST(ReadYourWritesTest, TokenWaitTimesOut) {
  RywWorld w(sim::milliseconds(50));
  w.run();
  const auto& h = w.recorder->history();
  ASSERT_EQ(h.reads.size(), 1u);
  EXPECT_TRUE(h.reads[0].timed_out);
  EXPECT_EQ(h.reads[0].version_seen, 0u);
}

TEST(ReadYourWritesTest, WithoutTokenTheReadAnswersAtOnceAndMissesTheWrite) {
  RywWorld w(sim::milliseconds(2000), false);
  w.run();
  const auto& h = w.recorder->history();
  ASSERT_EQ(h.reads.size(), 1u);
  EXPECT_FALSE(h.reads[0].timed_out);
  EXPECT_LT(h.reads[0].version_seen, 3u);
  EXPECT_EQ(h.reads[0].answered_at - h.reads[0].issued_at, sim::milliseconds(2));
}

}  // namespace
}  // namespace txsim::cqrs
