#include "core/sim/simulator.h"

#include <cstdio>
#include <stdexcept>

namespace txsim::sim {

std::string TraceHash::hex() const {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(state_));
  return buffer;
}

void ProcessGroup::link(detail::PromiseBase& promise) {
  promise.group = this;
  promise.prev_in_group = tail_;
  promise.next_in_group = nullptr;
  if (tail_ != nullptr) {
    tail_->next_in_group = &promise;
  } else {
    head_ = &promise;
  }
  tail_ = &promise;
  ++size_;
}

void ProcessGroup::unlink(detail::PromiseBase& promise) {
  if (promise.prev_in_group != nullptr) {
    promise.prev_in_group->next_in_group = promise.next_in_group;
  } else {
    head_ = promise.next_in_group;
  }
  if (promise.next_in_group != nullptr) {
    promise.next_in_group->prev_in_group = promise.prev_in_group;
  } else {
    tail_ = promise.prev_in_group;
  }
  promise.prev_in_group = promise.next_in_group = nullptr;
  promise.group = nullptr;
  --size_;
}

std::size_t ProcessGroup::cancel_all() {
  std::size_t ended = 0;
  while (head_ != nullptr) {
    detail::PromiseBase& promise = *head_;
    unlink(promise);
    simulator_.cancel(promise.start_timer);
    promise.self.destroy();  // runs awaiter destructors, which cancel pending timers
    ++ended;
  }
  return ended;
}

void detail::PromiseBase::finish_root(PromiseBase& promise) noexcept {
  ProcessGroup& group = *promise.group;
  group.unlink(promise);
  if (promise.exception) group.simulator().record_failure(promise.exception);
  promise.self.destroy();
}

Simulator::Simulator(std::uint64_t seed) : seed_(seed) {
  register_kind("resume");
  register_kind("spawn");
}

Simulator::~Simulator() { root_group_.cancel_all(); }

std::uint32_t Simulator::register_kind(std::string_view name) {
  kind_names_.emplace_back(name);
  return static_cast<std::uint32_t>(kind_names_.size() - 1);
}

void Simulator::reject_schedule(Time at, std::uint32_t kind) const {
  if (at < now_) {
    throw std::logic_error("event scheduled in the past: at " + std::to_string(at.ns()) +
                           " ns, now " + std::to_string(now_.ns()) + " ns");
  }
  if (kind >= kind_names_.size()) {
    throw std::logic_error("event kind " + std::to_string(kind) + " was never registered");
  }
  throw std::logic_error("reject_schedule called for a valid event");
}

void Simulator::resume_coroutine(void* address, std::uint64_t) {
  std::coroutine_handle<>::from_address(address).resume();
}

void Simulator::spawn(Task<void> task, ProcessGroup* group) {
  auto handle = task.release();
  auto& promise = handle.promise();
  promise.self = handle;
  (group != nullptr ? *group : root_group_).link(promise);
  promise.start_timer = schedule_at(now_, kKindSpawn, &resume_coroutine, handle.address());
}

void Simulator::SleepAwaiter::await_suspend(std::coroutine_handle<> handle) {
  if (delay < Duration{}) {
    throw std::logic_error("sleep with a negative duration: " + std::to_string(delay.ns()) + " ns");
  }
  timer = simulator.schedule_after(delay, kKindResume, &resume_coroutine, handle.address());
}

void Simulator::record_failure(std::exception_ptr failure) {
  if (!failure_) failure_ = std::move(failure);
}

StopReason Simulator::run(Time until, std::uint64_t max_events) {
  FiredEvent event;
  for (std::uint64_t executed = 0; executed < max_events; ++executed) {
    if (!queue_.pop(event, until)) {
      if (queue_.empty()) return StopReason::kQuiescent;
      // A limit earlier than now stops the run without moving the clock: time never goes back.
      if (until > now_) now_ = until;
      return StopReason::kTimeLimit;
    }
    now_ = event.at;
    trace_hash_.add(event.at.ns(), event.sequence, event.kind);
    if (trace_sink_ != nullptr) trace_sink_->on_event(event, kind_names_[event.kind]);
    ++events_processed_;
    event.fn(event.context, event.argument);
    if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
  }
  return queue_.empty() ? StopReason::kQuiescent : StopReason::kEventLimit;
}

}  // namespace txsim::sim
