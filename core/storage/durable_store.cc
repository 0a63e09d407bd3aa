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
  const Versioned* row = find(key);
  if (row == nullptr) return std::nullopt;
  return *row;
}

DurableStore::Map::iterator DurableStore::lower_bound_from_hint(std::string_view key) {
  const auto hint = search_hint_;
  if (hint != current_.end()) {
    if (hint->first == key) return hint;
    if (KeyLess::less(key, hint->first) &&
        (hint == current_.begin() || KeyLess::less(std::prev(hint)->first, key))) {
      return hint;
    }
  }
  return current_.lower_bound(key);
}

void DurableStore::erase_row(Map::iterator it) {
  if (search_hint_ == it) search_hint_ = current_.end();
  current_.erase(it);
}

const Versioned* DurableStore::find(std::string_view key) {
  ++stats_.reads;
  const auto it = current_.lower_bound(key);
  search_hint_ = it;
  return it == current_.end() || it->first != key ? nullptr : &it->second;
}

std::uint64_t DurableStore::put(std::string_view key, std::string_view value) {
  return put(key, std::string(value));
}

std::uint64_t DurableStore::put(std::string_view key, std::string&& value) {
  ++stats_.writes;
  ++last_sequence_;
  // At most one tree walk: the lower bound is both the lookup and the insertion hint.
  auto it = lower_bound_from_hint(key);
  if (it == current_.end() || it->first != key) {
    it = current_.emplace_hint(it, std::string(key), Versioned{});
    pending_.push_back(PendingWrite{it->first, last_sequence_, std::nullopt});
  } else {
    // The replaced value moves into the undo record; the map keeps the new one.
    pending_.push_back(PendingWrite{it->first, last_sequence_, std::move(it->second)});
  }
  it->second = Versioned{std::move(value), last_sequence_, false};
  return last_sequence_;
}

std::uint64_t DurableStore::erase(std::string_view key) {
  ++stats_.writes;
  ++last_sequence_;
  const auto it = current_.find(key);
  if (it == current_.end()) {
    pending_.push_back(PendingWrite{std::string(key), last_sequence_, std::nullopt});
  } else {
    pending_.push_back(PendingWrite{it->first, last_sequence_, std::move(it->second)});
    erase_row(it);
  }
  return last_sequence_;
}

bool DurableStore::prune(std::string_view key) {
  const auto it = current_.find(key);
  if (it == current_.end()) return false;
  for (const PendingWrite& write : pending()) {
    if (write.key == key) return false;
  }
  erase_row(it);
  return true;
}

void DurableStore::persist_up_to(std::uint64_t sequence) {
  while (pending_head_ < pending_.size() && pending_[pending_head_].version <= sequence) {
    ++pending_head_;
  }
  if (pending_head_ == pending_.size()) {
    pending_.clear();
    pending_head_ = 0;
  } else if (pending_head_ > 64 && pending_head_ * 2 > pending_.size()) {
    // Syncs that never catch up with the writes: drop the synced prefix, so the log's memory
    // stays proportional to the unsynced writes (amortised O(1) per write).
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(pending_head_));
    pending_head_ = 0;
  }
}

void DurableStore::sync_now() {
  persist_up_to(last_sequence_);
  ++stats_.syncs;
}

void DurableStore::crash() {
  ++stats_.crashes;
  if (pending_writes() == 0) return;
  std::uint64_t lost = pending_writes();
  // The torn copy of the last write, taken before the roll-back undoes it.
  std::optional<std::pair<std::string, Versioned>> torn;
  if (config_.torn_last_write) {
    const auto last = current_.find(pending_.back().key);
    if (last != current_.end() && last->second.version == pending_.back().version) {
      Versioned kept = last->second;
      kept.value.resize(kept.value.size() / 2);
      kept.torn = true;
      torn.emplace(last->first, std::move(kept));
    }
  }
  // Roll back newest first, so each key ends with what its oldest unsynced write replaced.
  while (pending_.size() > pending_head_) {
    PendingWrite& write = pending_.back();
    if (write.before) {
      current_.insert_or_assign(std::move(write.key), std::move(*write.before));
    } else {
      const auto it = current_.find(write.key);
      if (it != current_.end()) current_.erase(it);
    }
    pending_.pop_back();
  }
  pending_.clear();
  pending_head_ = 0;
  search_hint_ = current_.end();  // the roll-back may have erased its row
  if (torn) {
    current_.insert_or_assign(std::move(torn->first), std::move(torn->second));
    ++stats_.torn_writes;
    --lost;
  }
  stats_.lost_writes += lost;
}

DurableStore::Map DurableStore::durable_contents() const {
  Map durable = current_;
  // Newest first: each key ends with what its oldest unsynced write replaced.
  const auto unsynced = pending();
  for (auto write = unsynced.rbegin(); write != unsynced.rend(); ++write) {
    if (write->before) {
      durable.insert_or_assign(write->key, *write->before);
    } else {
      durable.erase(write->key);
    }
  }
  return durable;
}

std::vector<std::pair<std::string, Versioned>> DurableStore::durable_prefix(
    std::string_view prefix) const {
  const auto in_range = [&](std::string_view key) { return key.starts_with(prefix); };
  std::map<std::string_view, std::optional<Versioned>> rows;
  for (auto it = current_.lower_bound(prefix); it != current_.end() && in_range(it->first); ++it) {
    rows.emplace(it->first, it->second);
  }
  // Keys with unsynced writes take their durable value (try_emplace keeps the oldest write's).
  std::map<std::string_view, const PendingWrite*> oldest;
  for (const PendingWrite& write : pending()) {
    if (in_range(write.key)) oldest.try_emplace(write.key, &write);
  }
  for (const auto& [key, write] : oldest) rows.insert_or_assign(key, write->before);
  std::vector<std::pair<std::string, Versioned>> out;
  for (auto& [key, value] : rows) {
    if (value) out.emplace_back(std::string(key), std::move(*value));
  }
  return out;
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
