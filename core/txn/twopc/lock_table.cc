#include "core/txn/twopc/lock_table.h"

#include <algorithm>
#include <stdexcept>

namespace txsim::twopc {

LockTable::LockTable(sim::Simulator& simulator, std::uint32_t event_kind)
    : simulator_(simulator), kind_(event_kind) {}

bool LockTable::try_take(TxnId txn, const std::string& key) {
  auto it = locks_.find(key);
  if (it == locks_.end()) {
    grant(key, locks_[key], txn);
    return true;
  }
  return it->second.owner == txn;
}

void LockTable::grant(const std::string& key, KeyLock& lock, TxnId txn) {
  lock.owner = txn;
  lock.since = simulator_.now();
  held_[txn].push_back(key);
}

void LockTable::take(TxnId txn, const std::string& key) {
  if (!try_take(txn, key)) {
    throw std::logic_error("lock '" + key + "' is held by another transaction at recovery");
  }
}

bool LockTable::held_by(TxnId txn, const std::string& key) const {
  const auto it = locks_.find(key);
  return it != locks_.end() && it->second.owner == txn;
}

void LockTable::release_all(TxnId txn) {
  const auto held = held_.find(txn);
  if (held == held_.end()) return;
  const std::vector<std::string> keys = std::move(held->second);
  held_.erase(held);
  for (const auto& key : keys) {
    auto it = locks_.find(key);
    if (it == locks_.end() || it->second.owner != txn) continue;
    KeyLock& lock = it->second;
    hold_ns_.record((simulator_.now() - lock.since).ns());
    if (lock.waiters.empty()) {
      locks_.erase(it);
      continue;
    }
    Acquire* next = lock.waiters.front();
    lock.waiters.pop_front();
    next->queued = false;
    next->granted = true;
    grant(key, lock, next->txn);
    simulator_.cancel(next->timer);
    next->timer = simulator_.schedule_after(sim::Duration{}, kind_, &Acquire::on_resume, next);
  }
}

void LockTable::clear() {
  for (auto& [key, lock] : locks_) {
    if (!lock.waiters.empty()) throw std::logic_error("lock table cleared with waiters on " + key);
  }
  locks_.clear();
  held_.clear();
}

void LockTable::remove_waiter(const std::string& key, Acquire* waiter) {
  auto it = locks_.find(key);
  if (it == locks_.end()) return;
  auto& waiters = it->second.waiters;
  waiters.erase(std::remove(waiters.begin(), waiters.end(), waiter), waiters.end());
}

bool LockTable::Acquire::await_ready() {
  granted = table.try_take(txn, key);
  if (granted) table.wait_ns_.record(0);
  return granted;
}

void LockTable::Acquire::await_suspend(std::coroutine_handle<> handle) {
  waiting = handle;
  queued = true;
  table.locks_[key].waiters.push_back(this);
  const sim::Time now = table.simulator_.now();
  timer = table.simulator_.schedule_at(std::max(deadline, now), table.kind_, &on_timeout, this);
  deadline = now;  // from here on: when the wait began, for the wait histogram
}

LockTable::Acquire::~Acquire() {
  if (timer.valid()) table.simulator_.cancel(timer);
  if (queued) table.remove_waiter(key, this);
}

void LockTable::Acquire::on_timeout(void* self, std::uint64_t) {
  auto& a = *static_cast<Acquire*>(self);
  a.timer = {};
  a.table.remove_waiter(a.key, &a);
  a.queued = false;
  a.table.wait_ns_.record((a.table.simulator_.now() - a.deadline).ns());
  a.waiting.resume();
}

void LockTable::Acquire::on_resume(void* self, std::uint64_t) {
  auto& a = *static_cast<Acquire*>(self);
  a.timer = {};
  a.table.wait_ns_.record((a.table.simulator_.now() - a.deadline).ns());
  a.waiting.resume();
}

}  // namespace txsim::twopc
