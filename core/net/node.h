// A simulated node: a named process placed in a zone and region, with a lifecycle.
//
// Lifecycle: up -> crashed -> restarting -> up. Each restart starts a new incarnation
// (numbered from 1). Everything an incarnation runs — handler coroutines, sleeps, pending
// calls, syncs — lives in the node's ProcessGroup, so crash() ends all of it at once
// (ProcessGroup::cancel_all). A crash also discards the volatile state: the DurableStore loses
// its unsynced writes, and the service's on_crash hook drops its in-memory state. restart()
// runs the service's recovery hook (a coroutine that rebuilds state from store()); the node is
// up again when the hook returns. Messages addressed to a node that is not up, or sent to an
// earlier incarnation, are dropped and counted (see Network).
//
// Timers: sleep() and call() timeouts are measured by the node's clock. A clock skew fault sets
// `timer_stretch`: a timer of d fires after d * timer_stretch of virtual time (1 = accurate).
//
// Units: virtual time is integer nanoseconds (sim::Duration).
// Thread-safety: none; a simulation run is single-threaded by design.
// REQUIRES: crash() is not called from one of this node's own coroutines (see ProcessGroup).
#pragma once

#include <coroutine>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/net/message.h"
#include "core/sim/simulator.h"
#include "core/storage/durable_store.h"

namespace txsim::net {

class Network;

enum class NodeState { kUp, kCrashed, kRestarting };
const char* to_string(NodeState state);

struct NodeConfig {
  std::string name;
  std::string zone;
  std::string region;
  storage::StoreConfig store;
};

enum class CallStatus {
  kReply,       // the reply arrived before the timeout
  kTimeout,     // no reply in time: the request or reply was lost, or the peer is down
  kSenderDown,  // the calling node is crashed: nothing was sent
};
const char* to_string(CallStatus status);

struct CallResult {
  CallStatus status = CallStatus::kTimeout;
  Message reply{};  // valid only when status == kReply
};

class Node {
 public:
  /// Handles one delivered message. May spawn() a coroutine to model service time.
  using Handler = std::function<void(Node&, const Message&)>;
  /// Rebuilds the service's volatile state from store() after a restart.
  using RecoveryHook = std::function<sim::Task<void>(Node&)>;
  /// Drops the service's volatile state at a crash.
  using CrashHook = std::function<void(Node&)>;

  Node(Network& network, NodeId id, NodeConfig config, std::uint32_t sync_event_kind);
  /// Ends this node's coroutines first: a pending call's awaiter releases its slot in
  /// call_slots_, which must still exist.
  ~Node() { group_.cancel_all(); }
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  NodeId id() const { return id_; }
  const std::string& name() const { return config_.name; }
  const std::string& zone() const { return config_.zone; }
  const std::string& region() const { return config_.region; }
  NodeState state() const { return state_; }
  bool is_up() const { return state_ == NodeState::kUp; }
  std::uint32_t incarnation() const { return incarnation_; }
  storage::DurableStore& store() { return store_; }
  const storage::DurableStore& store() const { return store_; }
  sim::Simulator& simulator() const;
  Network& network() const { return network_; }

  /// REQUIRES: type < kMaxMessageTypes. Replaces an earlier handler of the same type.
  void on(MessageType type, Handler handler);
  void set_recovery(RecoveryHook hook) { recovery_ = std::move(hook); }
  void set_on_crash(CrashHook hook) { on_crash_ = std::move(hook); }

  /// Starts a coroutine in the current incarnation (ended by a crash).
  void spawn(sim::Task<void> task);
  /// Awaitable sleep on this node's clock (see timer_stretch).
  sim::Simulator::SleepAwaiter sleep(sim::Duration delay);

  /// One-way send. Returns the message id, or 0 if this node is crashed (nothing is sent).
  std::uint64_t send(NodeId to, MessageType type, const Payload& payload);
  /// Replies to a request delivered to this node. Returns the message id, or 0 if crashed.
  std::uint64_t reply(const Message& request, const Payload& payload);

  /// Awaitable request/reply: `CallResult r = co_await node.call(to, type, payload, timeout);`
  /// Never succeeds silently: the result is a reply, a timeout, or kSenderDown.
  struct CallAwaiter {
    Node& node;
    NodeId to;
    MessageType type;
    Payload payload;
    sim::Duration timeout;
    CallResult result{};
    std::coroutine_handle<> waiting{};
    std::uint32_t slot = kNoSlot;
    sim::TimerId timer{};

    bool await_ready() noexcept;
    void await_suspend(std::coroutine_handle<> handle);
    CallResult await_resume() noexcept { return result; }
    ~CallAwaiter();
  };
  /// REQUIRES: timeout >= 0.
  CallAwaiter call(NodeId to, MessageType type, const Payload& payload, sim::Duration timeout) {
    return CallAwaiter{*this, to, type, payload, timeout};
  }

  /// Lifecycle (normally driven by fault::FaultInjector). Each returns false and does nothing
  /// when the node is not in the required state: crash() needs up or restarting, restart()
  /// needs crashed.
  bool crash();
  bool restart();

  double timer_stretch() const { return timer_stretch_; }
  /// REQUIRES: stretch > 0 (throws std::invalid_argument).
  void set_timer_stretch(double stretch);

  /// Outstanding calls awaiting a reply (for tests and leak checks).
  std::size_t pending_calls() const { return pending_calls_; }

 private:
  friend class Network;
  static constexpr std::uint32_t kNoSlot = UINT32_MAX;
  struct CallSlot {
    CallAwaiter* awaiter = nullptr;
    std::uint32_t generation = 0;
  };

  /// Delivers a message that passed the network's checks. Returns false if nobody took it
  /// (no handler for its type, or a reply nobody waits for any more).
  bool dispatch(const Message& message);
  bool complete_call(const Message& reply);
  std::uint32_t allocate_call(CallAwaiter& awaiter);
  void release_call(std::uint32_t slot);
  static void on_call_timeout(void* awaiter, std::uint64_t);
  sim::Task<void> recover();
  sim::Duration stretched(sim::Duration d) const;

  Network& network_;
  NodeId id_;
  NodeConfig config_;
  NodeState state_ = NodeState::kUp;
  std::uint32_t incarnation_ = 1;
  double timer_stretch_ = 1.0;
  storage::DurableStore store_;
  sim::ProcessGroup group_;
  std::vector<Handler> handlers_;
  RecoveryHook recovery_;
  CrashHook on_crash_;
  std::vector<CallSlot> call_slots_;
  std::vector<std::uint32_t> free_call_slots_;
  std::size_t pending_calls_ = 0;
};

}  // namespace txsim::net
