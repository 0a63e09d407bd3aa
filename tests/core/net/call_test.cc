#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <optional>

#include "core/net/network.h"

namespace txsim::net {
namespace {

constexpr MessageType kEcho = 3;
using sim::milliseconds;
using sim::Task;
using sim::Time;

// Replies word + 1 after `service` of service time, in a coroutine of the server's incarnation.
Task<void> serve(Node& node, Message request, sim::Duration service) {
  co_await node.sleep(service);
  Payload answer;
  answer.words[0] = request.payload.words[0] + 1;
  node.reply(request, answer);
}

struct Outcome {
  CallResult result;
  Time at;
};

Task<void> client(Node& node, NodeId to, sim::Duration timeout, std::optional<Outcome>& out) {
  Payload payload;
  payload.words[0] = 41;
  CallResult result = co_await node.call(to, kEcho, payload, timeout);
  out = Outcome{result, node.simulator().now()};
}

struct EchoPair {
  sim::Simulator simulator{3};
  Network network;
  Node& caller;
  Node& server;
  explicit EchoPair(double latency_ms, sim::Duration service = {})
      : network(simulator, config(latency_ms)),
        caller(network.add_node({"caller", "", "", {}})),
        server(network.add_node({"server", "", "", {}})) {
    server.on(kEcho, [service](Node& self, const Message& request) {
      self.spawn(serve(self, request, service));
    });
  }
  static NetworkConfig config(double latency_ms) {
    NetworkConfig c;
    c.default_latency = LatencyModel::constant(latency_ms);
    return c;
  }
};

enum class Peer { kUp, kCrashed, kRequestBlocked, kReplyBlocked };

// Invariant: call() returns the peer's reply exactly when the peer is up, neither direction is
// partitioned and the round trip (2 x latency + service time) beats the timeout; otherwise it
// times out exactly at the timeout. It never succeeds silently and leaves no pending call.
RC_GTEST_PROP(Call, RepliesWhenReachableAndTimesOutOtherwise, ()) {
  const int latency_ms = *rc::gen::inRange(1, 6);
  const int service_ms = *rc::gen::inRange(0, 6);
  const int timeout_ms = *rc::gen::inRange(1, 25);
  const auto peer = static_cast<Peer>(*rc::gen::inRange(0, 4));
  EchoPair pair(latency_ms, milliseconds(service_ms));
  if (peer == Peer::kCrashed) pair.server.crash();
  if (peer == Peer::kRequestBlocked) pair.network.partition({0}, {1}, PartitionMode::kOneWay);
  if (peer == Peer::kReplyBlocked) pair.network.partition({1}, {0}, PartitionMode::kOneWay);
  std::optional<Outcome> outcome;
  pair.caller.spawn(client(pair.caller, pair.server.id(), milliseconds(timeout_ms), outcome));
  pair.simulator.run();

  RC_ASSERT(outcome.has_value());
  const int round_trip_ms = 2 * latency_ms + service_ms;
  if (peer == Peer::kUp && round_trip_ms < timeout_ms) {
    RC_ASSERT(outcome->result.status == CallStatus::kReply);
    RC_ASSERT(outcome->result.reply.payload.words[0] == 42u);
    RC_ASSERT(outcome->at == Time::zero() + milliseconds(round_trip_ms));
  } else {
    RC_ASSERT(outcome->result.status == CallStatus::kTimeout);
    RC_ASSERT(outcome->at == Time::zero() + milliseconds(timeout_ms));
  }
  RC_ASSERT(pair.caller.pending_calls() == 0u);
  RC_ASSERT(pair.network.stats().calls == 1u);
}

TEST(Call, LateReplyIsDroppedAndCounted) {
  EchoPair pair(5.0);
  std::optional<Outcome> outcome;
  pair.caller.spawn(client(pair.caller, pair.server.id(), milliseconds(6), outcome));
  pair.simulator.run();
  EXPECT_EQ(outcome->result.status, CallStatus::kTimeout);
  EXPECT_EQ(pair.network.stats().dropped_late_reply, 1u);
  EXPECT_EQ(pair.network.stats().call_timeouts, 1u);
}

TEST(Call, CrashedCallerSendsNothing) {
  EchoPair pair(1.0);
  pair.caller.crash();
  std::optional<Outcome> outcome;
  // A process outside the node's incarnation (root group) tries to call through it.
  pair.simulator.spawn(client(pair.caller, pair.server.id(), milliseconds(10), outcome));
  pair.simulator.run();
  EXPECT_EQ(outcome->result.status, CallStatus::kSenderDown);
  EXPECT_EQ(pair.network.stats().messages_sent, 0u);
}

TEST(Call, CallerCrashEndsThePendingCall) {
  EchoPair pair(1.0, milliseconds(50));
  std::optional<Outcome> outcome;
  pair.caller.spawn(client(pair.caller, pair.server.id(), milliseconds(100), outcome));
  pair.simulator.run(Time::zero() + milliseconds(10));
  EXPECT_EQ(pair.caller.pending_calls(), 1u);
  pair.caller.crash();
  EXPECT_EQ(pair.caller.pending_calls(), 0u);
  pair.caller.restart();
  pair.simulator.run();
  EXPECT_FALSE(outcome.has_value());  // the coroutine died with its incarnation
  EXPECT_EQ(pair.network.stats().dropped_stale_incarnation, 1u);  // the reply
}

TEST(NodeLifecycle, CrashCancelsHandlerCoroutinesAndUnsyncedWrites) {
  EchoPair pair(1.0, milliseconds(5));
  pair.server.store().put("k", "volatile");
  std::optional<Outcome> outcome;
  pair.caller.spawn(client(pair.caller, pair.server.id(), milliseconds(20), outcome));
  pair.simulator.run(Time::zero() + milliseconds(3));  // the server is in its service time
  ASSERT_TRUE(pair.server.crash());
  EXPECT_FALSE(pair.server.crash());
  pair.simulator.run();
  EXPECT_EQ(outcome->result.status, CallStatus::kTimeout);
  EXPECT_EQ(pair.network.stats().messages_sent, 1u);  // the reply was never sent
  EXPECT_FALSE(pair.server.store().get("k").has_value());
  EXPECT_EQ(pair.network.storage_stats().lost_writes, 1u);
  EXPECT_EQ(pair.network.storage_stats().writes, 1u);
  EXPECT_EQ(pair.server.state(), NodeState::kCrashed);
}

Task<void> slow_recovery(Node& node, std::string& recovered) {
  co_await node.sleep(milliseconds(10));
  recovered = node.store().get("checkpoint")->value;
}

TEST(NodeLifecycle, RestartRunsRecoveryAndDropsMessagesUntilUp) {
  EchoPair pair(1.0);
  std::string recovered;
  int volatile_state = 7;
  pair.server.set_on_crash([&](Node&) { volatile_state = 0; });
  pair.server.set_recovery([&](Node& node) { return slow_recovery(node, recovered); });
  pair.server.store().put("checkpoint", "stage-2");
  pair.server.store().sync_now();
  pair.server.crash();
  EXPECT_EQ(volatile_state, 0);
  ASSERT_TRUE(pair.server.restart());
  EXPECT_EQ(pair.server.state(), NodeState::kRestarting);
  EXPECT_EQ(pair.server.incarnation(), 2u);
  pair.caller.send(pair.server.id(), kEcho, {});  // arrives at 1 ms, during recovery
  pair.simulator.run();
  EXPECT_EQ(pair.server.state(), NodeState::kUp);
  EXPECT_EQ(recovered, "stage-2");
  EXPECT_EQ(pair.network.stats().dropped_node_down, 1u);
}

Task<void> sleeper(Node& node, Time& woke) {
  co_await node.sleep(milliseconds(10));
  woke = node.simulator().now();
}

TEST(NodeLifecycle, TimerStretchSkewsTheNodesTimers) {
  EchoPair pair(1.0);
  pair.caller.set_timer_stretch(1.5);
  Time woke;
  pair.caller.spawn(sleeper(pair.caller, woke));
  pair.simulator.run();
  EXPECT_EQ(woke, Time::zero() + milliseconds(15));
  EXPECT_THROW(pair.caller.set_timer_stretch(0), std::invalid_argument);
}

}  // namespace
}  // namespace txsim::net
