// The simulation kernel: virtual clock, event loop, RNG streams, coroutine processes, trace hash.
//
// Determinism rules (see docs/determinism.md):
//  1. Every component draws from its own stream: `stream("component-name")`.
//  2. Events fire in (time, insertion sequence) order; ties are FIFO.
//  3. Every executed event is folded into the trace hash (time, sequence, kind).
//  4. Virtual time is integer nanoseconds (core/sim/time.h); it never goes backwards.
//
// Two ways to put work on the timeline:
//  - callbacks: `schedule_at/after(time, kind, fn, context, arg)` — no allocation, for hot paths
//    such as message delivery and queue service completions;
//  - coroutines: `spawn(task)` starts a root process; inside it `co_await sim.sleep(d)`.
//
// Thread-safety: none. One Simulator per run, used from one thread.
#pragma once

#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "core/sim/event_queue.h"
#include "core/sim/random.h"
#include "core/sim/task.h"
#include "core/sim/time.h"
#include "core/sim/trace.h"

namespace txsim::sim {

class Simulator;

/// A set of root processes that end together, e.g. everything one node incarnation runs.
/// Cancelling the group destroys every member's coroutine chain and so cancels their timers.
/// REQUIRES: the group outlives its processes or is cancelled first (the destructor cancels);
/// `cancel_all` is not called from inside one of the group's own processes.
class ProcessGroup {
 public:
  explicit ProcessGroup(Simulator& simulator) : simulator_(simulator) {}
  ~ProcessGroup() { cancel_all(); }
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  /// Destroys every live process of the group, in spawn order. Returns how many were ended.
  std::size_t cancel_all();
  std::size_t size() const { return size_; }
  Simulator& simulator() const { return simulator_; }

 private:
  friend class Simulator;
  friend struct detail::PromiseBase;
  void link(detail::PromiseBase& promise);
  void unlink(detail::PromiseBase& promise);

  Simulator& simulator_;
  detail::PromiseBase* head_ = nullptr;
  detail::PromiseBase* tail_ = nullptr;
  std::size_t size_ = 0;
};

/// Why a run loop returned.
enum class StopReason { kQuiescent, kTimeLimit, kEventLimit };

class Simulator {
 public:
  /// Built-in event kinds (see register_kind for more).
  static constexpr std::uint32_t kKindResume = 0;  // a coroutine resumes after a sleep
  static constexpr std::uint32_t kKindSpawn = 1;   // a root process starts

  explicit Simulator(std::uint64_t seed);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  Time now() const { return now_; }
  std::uint64_t seed() const { return seed_; }

  /// The RNG stream of component `name` (same name, same stream; see core/sim/random.h).
  Rng stream(std::string_view name) const { return Rng::derive(seed_, name); }

  /// Registers a named event kind for traces; returns its id. Ids are assigned in call order,
  /// so register kinds in a deterministic order (e.g. at setup).
  std::uint32_t register_kind(std::string_view name);
  const std::string& kind_name(std::uint32_t kind) const { return kind_names_.at(kind); }

  /// Schedules a callback. REQUIRES: at >= now() and `kind` registered (throws std::logic_error
  /// otherwise).
  TimerId schedule_at(Time at, std::uint32_t kind, EventFn fn, void* context,
                      std::uint64_t argument = 0) {
    if (at < now_ || kind >= kind_names_.size()) [[unlikely]]
      reject_schedule(at, kind);
    return queue_.schedule(at, kind, fn, context, argument);
  }
  /// REQUIRES: delay >= 0 (throws std::logic_error otherwise).
  TimerId schedule_after(Duration delay, std::uint32_t kind, EventFn fn, void* context,
                         std::uint64_t argument = 0) {
    return schedule_at(now_ + delay, kind, fn, context, argument);
  }
  bool cancel(TimerId id) { return queue_.cancel(id); }

  /// Starts `task` as a root process at the current time (after events already due now), in
  /// `group` or the simulator's own group.
  void spawn(Task<void> task, ProcessGroup* group = nullptr);

  /// Awaitable: suspends the calling coroutine for `delay` of virtual time (0 yields: the
  /// coroutine resumes after the events already due now). Destroying the coroutine while it
  /// sleeps cancels the timer. REQUIRES: delay >= 0.
  struct SleepAwaiter {
    Simulator& simulator;
    Duration delay;
    TimerId timer;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> handle);
    void await_resume() noexcept { timer = {}; }
    ~SleepAwaiter() {
      if (timer.valid()) simulator.cancel(timer);
    }
  };
  SleepAwaiter sleep(Duration delay) { return SleepAwaiter{*this, delay, {}}; }

  /// Runs until no event is pending, `until` is passed, or `max_events` have run. The clock is
  /// left at the last executed event (or at `until` when stopped by the time limit; a limit
  /// earlier than now() leaves the clock where it is). Rethrows an exception that escaped a root
  /// process.
  StopReason run(Time until = Time::max(), std::uint64_t max_events = UINT64_MAX);

  std::uint64_t events_processed() const { return events_processed_; }
  const TraceHash& trace_hash() const { return trace_hash_; }
  EventQueue& queue() { return queue_; }
  const EventQueue& queue() const { return queue_; }
  ProcessGroup& root_group() { return root_group_; }

  /// Installs a sink that sees every executed event (nullptr removes it). Not owned.
  void set_trace_sink(TraceSink* sink) { trace_sink_ = sink; }

 private:
  friend struct detail::PromiseBase;
  static void resume_coroutine(void* address, std::uint64_t);
  [[noreturn]] void reject_schedule(Time at, std::uint32_t kind) const;
  void record_failure(std::exception_ptr failure);

  std::uint64_t seed_;
  Time now_ = Time::zero();
  EventQueue queue_;
  TraceHash trace_hash_;
  TraceSink* trace_sink_ = nullptr;
  std::uint64_t events_processed_ = 0;
  std::vector<std::string> kind_names_;
  std::exception_ptr failure_;
  ProcessGroup root_group_{*this};
};

}  // namespace txsim::sim
