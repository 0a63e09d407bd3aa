// Exclusive key locks for strict two-phase locking, with FIFO waiters and a wait deadline.
//
// A transaction takes each lock before it touches the key and keeps all of them until its
// decision has been applied (release_all): strict two-phase locking (Bernstein, Hadzilacos &
// Goodman, "Concurrency Control and Recovery in Database Systems", 1987, sec. 3.8). Waiters
// are granted in arrival order. A waiter whose deadline passes gives up (acquire returns
// false) — the participant then votes no — so a deadlock or a lock held by an in-doubt
// transaction never blocks a waiter forever.
//
// The table is volatile: a crash loses it (clear()); recovery re-takes the locks of in-doubt
// transactions (take()). Locks are re-entrant for the same transaction.
// Counters: time waited for locks and time each lock was held (first grant to release).
// Units: virtual time in integer nanoseconds. Thread-safety: none (single-threaded run).
// REQUIRES: the awaiting coroutine is destroyed (not leaked) if it never resumes.
#pragma once

#include <coroutine>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "core/metrics/histogram.h"
#include "core/sim/simulator.h"
#include "core/txn/twopc/resource.h"

namespace txsim::twopc {

class LockTable {
 public:
  /// `event_kind` labels lock grants and timeouts in the trace.
  LockTable(sim::Simulator& simulator, std::uint32_t event_kind);
  LockTable(const LockTable&) = delete;
  LockTable& operator=(const LockTable&) = delete;

  /// Awaitable: `bool granted = co_await table.acquire(txn, key, deadline);`
  struct Acquire {
    LockTable& table;
    TxnId txn;
    std::string key;
    sim::Time deadline;
    std::coroutine_handle<> waiting{};
    sim::TimerId timer{};
    bool queued = false;
    bool granted = false;

    bool await_ready();
    void await_suspend(std::coroutine_handle<> handle);
    bool await_resume() noexcept { return granted; }
    ~Acquire();
    static void on_timeout(void* self, std::uint64_t);
    static void on_resume(void* self, std::uint64_t);
  };
  Acquire acquire(TxnId txn, std::string key, sim::Time deadline) {
    return Acquire{*this, txn, std::move(key), deadline};
  }

  /// Takes `key` for `txn` at once (recovery of an in-doubt transaction).
  /// REQUIRES: the key is free or held by `txn` (throws std::logic_error otherwise).
  void take(TxnId txn, const std::string& key);
  /// Releases every lock of `txn` and grants each key to its next waiter.
  void release_all(TxnId txn);
  /// Forgets every lock and waiter (a crash). REQUIRES: no coroutine awaits a lock any more.
  void clear();

  bool held_by(TxnId txn, const std::string& key) const;
  std::size_t locks_held() const { return locks_.size(); }
  const metrics::Histogram& hold_ns() const { return hold_ns_; }
  const metrics::Histogram& wait_ns() const { return wait_ns_; }

 private:
  struct KeyLock {
    TxnId owner = 0;
    sim::Time since;
    std::deque<Acquire*> waiters;
  };
  bool try_take(TxnId txn, const std::string& key);
  void grant(const std::string& key, KeyLock& lock, TxnId txn);
  void remove_waiter(const std::string& key, Acquire* waiter);

  sim::Simulator& simulator_;
  std::uint32_t kind_;
  std::map<std::string, KeyLock, std::less<>> locks_;
  std::map<TxnId, std::vector<std::string>> held_;
  metrics::Histogram hold_ns_;
  metrics::Histogram wait_ns_;
};

}  // namespace txsim::twopc
