#include "core/net/node.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "core/net/network.h"

namespace txsim::net {

const char* to_string(NodeState state) {
  switch (state) {
    case NodeState::kUp:
      return "up";
    case NodeState::kCrashed:
      return "crashed";
    case NodeState::kRestarting:
      return "restarting";
  }
  return "unknown";
}

const char* to_string(CallStatus status) {
  switch (status) {
    case CallStatus::kReply:
      return "reply";
    case CallStatus::kTimeout:
      return "timeout";
    case CallStatus::kSenderDown:
      return "sender_down";
  }
  return "unknown";
}

Node::Node(Network& network, NodeId id, NodeConfig config, std::uint32_t sync_event_kind)
    : network_(network),
      id_(id),
      config_(std::move(config)),
      store_(network.simulator(), config_.store, sync_event_kind),
      group_(network.simulator()) {}

sim::Simulator& Node::simulator() const { return network_.simulator(); }

void Node::on(MessageType type, Handler handler) {
  if (type >= kMaxMessageTypes) {
    throw std::invalid_argument("message type " + std::to_string(type) + " >= kMaxMessageTypes");
  }
  if (handlers_.size() <= type) handlers_.resize(type + 1);
  handlers_[type] = std::move(handler);
}

void Node::spawn(sim::Task<void> task) { simulator().spawn(std::move(task), &group_); }

sim::Duration Node::stretched(sim::Duration d) const {
  if (timer_stretch_ == 1.0) return d;
  return sim::Duration::from_ns(std::llround(static_cast<double>(d.ns()) * timer_stretch_));
}

sim::Simulator::SleepAwaiter Node::sleep(sim::Duration delay) {
  return simulator().sleep(stretched(delay));
}

void Node::set_timer_stretch(double stretch) {
  if (!(stretch > 0.0) || !std::isfinite(stretch)) {
    throw std::invalid_argument("timer stretch must be > 0, got " + std::to_string(stretch));
  }
  timer_stretch_ = stretch;
}

std::uint64_t Node::send(NodeId to, MessageType type, const Payload& payload) {
  if (state_ == NodeState::kCrashed) return 0;
  Message message{};
  message.header.to = network_.node(to).id();
  message.header.type = type;
  message.payload = payload;
  return network_.send(*this, message, network_.node(to).incarnation());
}

std::uint64_t Node::reply(const Message& request, const Payload& payload) {
  if (state_ == NodeState::kCrashed) return 0;
  if ((request.header.flags & kFlagRequest) == 0) {
    throw std::logic_error("reply to a message that is not a request (type " +
                           std::to_string(request.header.type) + ")");
  }
  Message message{};
  message.header.to = request.header.from;
  message.header.type = request.header.type;
  message.header.flags = kFlagReply;
  message.header.correlation_id = request.header.correlation_id;
  message.payload = payload;
  return network_.send(*this, message, request.header.from_incarnation);
}

bool Node::dispatch(const Message& message) {
  MessageType type = message.header.type;
  if (type >= handlers_.size() || !handlers_[type]) return false;
  handlers_[type](*this, message);
  return true;
}

// Correlation ids pack (generation << 32 | slot), so a reply to an ended call never matches the
// slot's next occupant.
std::uint32_t Node::allocate_call(CallAwaiter& awaiter) {
  std::uint32_t slot;
  if (!free_call_slots_.empty()) {
    slot = free_call_slots_.back();
    free_call_slots_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(call_slots_.size());
    call_slots_.emplace_back();
  }
  CallSlot& entry = call_slots_[slot];
  entry.awaiter = &awaiter;
  ++entry.generation;
  ++pending_calls_;
  return slot;
}

void Node::release_call(std::uint32_t slot) {
  call_slots_[slot].awaiter = nullptr;
  free_call_slots_.push_back(slot);
  --pending_calls_;
}

bool Node::complete_call(const Message& reply) {
  auto slot = static_cast<std::uint32_t>(reply.header.correlation_id & 0xffffffffu);
  auto generation = static_cast<std::uint32_t>(reply.header.correlation_id >> 32);
  if (slot >= call_slots_.size()) return false;
  CallSlot& entry = call_slots_[slot];
  if (entry.awaiter == nullptr || entry.generation != generation) return false;
  CallAwaiter& awaiter = *entry.awaiter;
  simulator().cancel(awaiter.timer);
  awaiter.timer = {};
  release_call(slot);
  awaiter.slot = kNoSlot;
  awaiter.result.status = CallStatus::kReply;
  awaiter.result.reply = reply;
  awaiter.waiting.resume();
  return true;
}

bool Node::CallAwaiter::await_ready() noexcept {
  if (node.state_ != NodeState::kCrashed) return false;
  result.status = CallStatus::kSenderDown;
  return true;
}

void Node::CallAwaiter::await_suspend(std::coroutine_handle<> handle) {
  if (timeout < sim::Duration{}) {
    throw std::logic_error("call with a negative timeout: " + std::to_string(timeout.ns()) + " ns");
  }
  waiting = handle;
  slot = node.allocate_call(*this);
  ++node.network_.stats_.calls;
  Message request{};
  request.header.to = node.network_.node(to).id();
  request.header.type = type;
  request.header.flags = kFlagRequest;
  request.header.correlation_id =
      (std::uint64_t{node.call_slots_[slot].generation} << 32) | slot;
  request.payload = payload;
  node.network_.send(node, request, node.network_.node(to).incarnation());
  timer = node.simulator().schedule_after(node.stretched(timeout),
                                          node.network_.kind_call_timeout_,
                                          &Node::on_call_timeout, this);
}

void Node::on_call_timeout(void* context, std::uint64_t) {
  auto& awaiter = *static_cast<CallAwaiter*>(context);
  awaiter.timer = {};
  awaiter.node.release_call(awaiter.slot);
  awaiter.slot = kNoSlot;
  ++awaiter.node.network_.stats_.call_timeouts;
  awaiter.result.status = CallStatus::kTimeout;
  awaiter.waiting.resume();
}

Node::CallAwaiter::~CallAwaiter() {
  if (timer.valid()) node.simulator().cancel(timer);
  if (slot != kNoSlot) node.release_call(slot);
}

bool Node::crash() {
  if (state_ == NodeState::kCrashed) return false;
  state_ = NodeState::kCrashed;
  group_.cancel_all();
  store_.crash();
  if (on_crash_) on_crash_(*this);
  return true;
}

bool Node::restart() {
  if (state_ != NodeState::kCrashed) return false;
  ++incarnation_;
  state_ = NodeState::kRestarting;
  if (!recovery_) {
    state_ = NodeState::kUp;
    return true;
  }
  spawn(recover());
  return true;
}

sim::Task<void> Node::recover() {
  co_await recovery_(*this);
  state_ = NodeState::kUp;
}

}  // namespace txsim::net
