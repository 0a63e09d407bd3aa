#include "core/storage/durable_store.h"

#include <stdexcept>

namespace txsim::storage {

StoreStats& StoreStats::operator+=(const StoreStats& other) {
  reads += other.reads;
  writes += other.writes;
  syncs += other.syncs;
  lost_writes += other.lost_writes;
  torn_writes += other.torn_writes;
  crashes += other.crashes;
  return *this;
}

DurableStore::DurableStore(sim::Simulator& simulator, StoreConfig config,
                           std::uint32_t sync_event_kind)
    : simulator_(simulator), config_(config), sync_event_kind_(sync_event_kind) {
  if (config_.sync_latency < sim::Duration{}) {
    throw std::invalid_argument("storage sync_latency must be >= 0, got " +
                                std::to_string(config_.sync_latency.ns()) + " ns");
  }
}

std::optional<Versioned> DurableStore::get(std::string_view key) {
  ++stats_.reads;
  auto it = current_.find(key);
  if (it == current_.end()) return std::nullopt;
  return it->second;
}

std::uint64_t DurableStore::put(std::string_view key, std::string_view value) {
  ++stats_.writes;
  Versioned versioned{std::string(value), ++last_sequence_, false};
  current_.insert_or_assign(std::string(key), versioned);
  pending_.push_back(PendingWrite{std::string(key), std::move(versioned)});
  return last_sequence_;
}

std::uint64_t DurableStore::erase(std::string_view key) {
  ++stats_.writes;
  const auto it = current_.find(key);
  if (it != current_.end()) current_.erase(it);
  pending_.push_back(PendingWrite{std::string(key), Versioned{"", ++last_sequence_, false}, true});
  return last_sequence_;
}

void DurableStore::persist_up_to(std::uint64_t sequence) {
  while (!pending_.empty() && pending_.front().value.version <= sequence) {
    PendingWrite& write = pending_.front();
    if (write.erase) {
      const auto it = durable_.find(write.key);
      if (it != durable_.end()) durable_.erase(it);
    } else {
      durable_.insert_or_assign(std::move(write.key), std::move(write.value));
    }
    pending_.pop_front();
  }
}

void DurableStore::sync_now() {
  persist_up_to(last_sequence_);
  ++stats_.syncs;
}

void DurableStore::crash() {
  ++stats_.crashes;
  if (pending_.empty()) return;
  std::uint64_t lost = pending_.size();
  if (config_.torn_last_write && !pending_.back().erase) {
    PendingWrite& last = pending_.back();
    last.value.value.resize(last.value.value.size() / 2);
    last.value.torn = true;
    durable_.insert_or_assign(std::move(last.key), std::move(last.value));
    ++stats_.torn_writes;
    --lost;
  }
  stats_.lost_writes += lost;
  pending_.clear();
  current_ = durable_;
}

void DurableStore::SyncAwaiter::await_suspend(std::coroutine_handle<> handle) {
  covers_up_to = store.last_sequence_;
  waiting = handle;
  timer = store.simulator_.schedule_after(store.config_.sync_latency, store.sync_event_kind_,
                                          &DurableStore::on_sync_done, this);
}

DurableStore::SyncAwaiter::~SyncAwaiter() {
  if (timer.valid()) store.simulator_.cancel(timer);
}

void DurableStore::on_sync_done(void* context, std::uint64_t) {
  auto& awaiter = *static_cast<SyncAwaiter*>(context);
  awaiter.timer = {};
  awaiter.store.persist_up_to(awaiter.covers_up_to);
  ++awaiter.store.stats_.syncs;
  awaiter.waiting.resume();
}

}  // namespace txsim::storage
