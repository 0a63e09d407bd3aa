// Coroutine tasks: how simulated processes are written.
//
// A `Task<T>` is a lazily started C++20 coroutine returning T. A task runs when it is awaited by
// another task (`T value = co_await child;`, with symmetric transfer, so deep chains do not grow
// the stack) or when it is spawned as a root process with `Simulator::spawn`. An exception
// thrown inside a task propagates to its awaiter; one escaping a root process stops the run
// (`Simulator::run` rethrows it) because it means a broken invariant.
//
// Cancellation: destroying a suspended task destroys its whole chain of awaited children; every
// pending awaiter (such as a sleep) cancels its timer in its destructor. `ProcessGroup` uses this
// to end all processes of a node incarnation at once.
//
// Thread-safety: single-threaded, like the whole kernel.
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

#include "core/sim/event_queue.h"
#include "core/sim/frame_pool.h"

namespace txsim::sim {

class ProcessGroup;

namespace detail {

/// State shared by all task promises. The intrusive links are used only for root processes.
struct PromiseBase {
  std::coroutine_handle<> continuation;  // resumed when this task finishes; empty for roots
  std::exception_ptr exception;
  ProcessGroup* group = nullptr;  // non-null for a root process
  PromiseBase* prev_in_group = nullptr;
  PromiseBase* next_in_group = nullptr;
  std::coroutine_handle<> self;  // set for root processes, to destroy the frame on finish
  TimerId start_timer;           // a root's first resumption, cancelled if the group ends first

  // Frames come from the recycling pool (frame_pool.h).
  static void* operator new(std::size_t size) { return allocate_frame(size); }
  static void operator delete(void* frame, std::size_t size) noexcept { free_frame(frame, size); }

  std::suspend_always initial_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept { exception = std::current_exception(); }

  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    template <typename Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> handle) noexcept {
      PromiseBase& promise = handle.promise();
      if (promise.continuation) return promise.continuation;
      if (promise.group != nullptr) finish_root(promise);  // destroys the frame
      return std::noop_coroutine();
    }
    void await_resume() noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }

  /// Unlinks a finished root process from its group, hands a pending exception to the
  /// simulator, and destroys the frame. Defined in simulator.cc.
  static void finish_root(PromiseBase& promise) noexcept;
};

}  // namespace detail

template <typename T = void>
class [[nodiscard]] Task {
 public:
  struct promise_type : detail::PromiseBase {
    std::optional<T> value;
    Task get_return_object() {
      return Task(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    template <typename U>
    void return_value(U&& v) {
      value.emplace(std::forward<U>(v));
    }
  };
  using Handle = std::coroutine_handle<promise_type>;

  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      if (handle_) handle_.destroy();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() {
    if (handle_) handle_.destroy();
  }

  auto operator co_await() && noexcept {
    struct Awaiter {
      Handle handle;
      bool await_ready() noexcept { return false; }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
        handle.promise().continuation = awaiting;
        return handle;
      }
      T await_resume() {
        if (handle.promise().exception) std::rethrow_exception(handle.promise().exception);
        return std::move(*handle.promise().value);
      }
    };
    return Awaiter{handle_};
  }

  /// Gives up ownership of the frame (used by Simulator::spawn).
  Handle release() noexcept { return std::exchange(handle_, {}); }

 private:
  explicit Task(Handle handle) : handle_(handle) {}
  Handle handle_;
};

template <>
class [[nodiscard]] Task<void> {
 public:
  struct promise_type : detail::PromiseBase {
    Task get_return_object() {
      return Task(std::coroutine_handle<promise_type>::from_promise(*this));
    }
    void return_void() noexcept {}
  };
  using Handle = std::coroutine_handle<promise_type>;

  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      if (handle_) handle_.destroy();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() {
    if (handle_) handle_.destroy();
  }

  auto operator co_await() && noexcept {
    struct Awaiter {
      Handle handle;
      bool await_ready() noexcept { return false; }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
        handle.promise().continuation = awaiting;
        return handle;
      }
      void await_resume() {
        if (handle.promise().exception) std::rethrow_exception(handle.promise().exception);
      }
    };
    return Awaiter{handle_};
  }

  Handle release() noexcept { return std::exchange(handle_, {}); }

 private:
  explicit Task(Handle handle) : handle_(handle) {}
  Handle handle_;
};

}  // namespace txsim::sim
