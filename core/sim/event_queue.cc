#include "core/sim/event_queue.h"

#include <algorithm>
#include <stdexcept>

namespace txsim::sim {
namespace {
std::int64_t time_of(std::uint64_t key) {
  return static_cast<std::int64_t>(key ^ (std::uint64_t{1} << 63));
}
}  // namespace

EventQueue::EventQueue() {
  for (auto& level : bucket_minimum_) {
    std::fill(std::begin(level), std::end(level), ~std::uint64_t{0});
  }
  for (auto& level : fill_) std::fill(std::begin(level), std::end(level), kBlockEntries);
}
EventQueue::~EventQueue() = default;

void EventQueue::throw_sequence_exhausted() {
  throw std::length_error("event queue: more than 2^40 events scheduled in one run");
}

std::uint32_t EventQueue::new_slot() {
  if (slot_generation_.size() >= kMaxPendingEvents) {
    throw std::length_error("event queue: more than 2^24 events pending at once");
  }
  slot_generation_.push_back(1);  // odd: pending
  return static_cast<std::uint32_t>(slot_generation_.size() - 1);
}

EventQueue::Block* EventQueue::take_block() {
  if (free_blocks_ != nullptr) {
    Block* block = free_blocks_;
    free_blocks_ = block->next;
    return block;
  }
  blocks_.push_back(std::unique_ptr<Block>(new Block));
  return blocks_.back().get();
}

void EventQueue::give_block(Block* block) {
  block->next = free_blocks_;
  free_blocks_ = block;
}

// The bucket's head block is full or missing: puts a fresh block in front.
void EventQueue::grow_bucket(int level, int digit) {
  Block* block = take_block();
  block->next = buckets_[level][digit];
  fill_[level][digit] = 0;
  buckets_[level][digit] = block;
  occupied_[level][digit / 64] |= std::uint64_t{1} << (digit % 64);
  occupied_levels_ |= 1u << level;
}

bool EventQueue::cancel(TimerId id) {
  if ((id.generation & 1) == 0 || id.slot >= slot_generation_.size()) return false;
  if (slot_generation_[id.slot] != id.generation) return false;
  // The slot is free at once; the entry stays as a tombstone until pop() or rebase reaches it.
  release_slot(id.slot);
  ++tombstones_;
  --live_;
  return true;
}

bool EventQueue::lowest_bucket(int& level, int& digit) const {
  if (occupied_levels_ == 0) return false;
  level = std::countr_zero(occupied_levels_);
  for (int word = 0; word < kDigits / 64; ++word) {
    if (occupied_[level][word] != 0) {
      digit = word * 64 + std::countr_zero(occupied_[level][word]);
      return true;
    }
  }
  throw std::logic_error("event queue: a level is marked occupied but has no bucket");
}

void EventQueue::sort_ready() {
  // Usually one or two entries (one time), nearly in order: insertion sort, std::sort when many.
  const auto less = [](const Entry& a, const Entry& b) { return a.order < b.order; };
  if (ready_.size() - head_ <= 16) {
    for (std::size_t i = head_ + 1; i < ready_.size(); ++i) {
      const Entry entry = ready_[i];
      std::size_t j = i;
      for (; j > head_ && less(entry, ready_[j - 1]); --j) ready_[j] = ready_[j - 1];
      ready_[j] = entry;
    }
  } else {
    std::sort(ready_.begin() + static_cast<std::ptrdiff_t>(head_), ready_.end(), less);
  }
}

// The ready list is used up: drains the lowest non-empty bucket around its minimum, whose
// entries all land in lower levels or the ready list. Returns false, changing nothing, if no
// entry is pending at or before `limit`, so that the last popped time never runs ahead of what
// the caller has executed.
bool EventQueue::refill(Time limit) {
  ready_.clear();
  head_ = 0;
  int level = 0;
  int digit = 0;
  if (!lowest_bucket(level, digit)) return false;
  const std::uint64_t minimum = bucket_minimum_[level][digit];
  if (time_of(minimum) > limit.ns()) return false;
  // Every entry of the bucket agrees with the new minimum above `level`, so none lands back in
  // the bucket being drained; it is detached first all the same.
  last_key_ = minimum;
  Block* block = buckets_[level][digit];
  std::uint32_t count = fill_[level][digit];
  buckets_[level][digit] = nullptr;
  fill_[level][digit] = kBlockEntries;
  bucket_minimum_[level][digit] = ~std::uint64_t{0};
  occupied_[level][digit / 64] &= ~(std::uint64_t{1} << (digit % 64));
  bool level_empty = true;
  for (const std::uint64_t word : occupied_[level]) level_empty = level_empty && word == 0;
  if (level_empty) occupied_levels_ &= ~(1u << level);
  // A level-1 bucket spans the next 256 ns, whose entries are among the next pops (about one
  // per ns at 1M pending in the hold model): start loading the slot generations that firing them
  // writes (a random slot of a large table), so that the misses overlap with earlier events.
  const bool imminent = level == 1;
  while (block != nullptr) {
    // Blocks are scattered: fetch the next one while this one is redistributed.
    if (block->next != nullptr) {
      for (int line = 0; line < 4; ++line) {
        __builtin_prefetch(reinterpret_cast<const char*>(block->next) + 64 * line);
      }
    }
    for (std::uint32_t i = 0; i < count; ++i) {
      const Entry& entry = block->entries[i];
      // A cancelled event is dropped here rather than carried down the remaining levels: a
      // long timeout that is cancelled early (every answered call) would otherwise move once
      // per level before pop() discards it.
      if (tombstones_ != 0 && slot_generation_[entry.order & kSlotMask] != entry.generation) {
        --entries_;
        --tombstones_;
        continue;
      }
      if (imminent) __builtin_prefetch(&slot_generation_[entry.order & kSlotMask], 1);
      push_entry(entry, key_of(entry.time));
    }
    Block* next = block->next;
    give_block(block);
    block = next;
    count = kBlockEntries;
  }
  if (ready_.size() > 1) sort_ready();
  return true;
}

bool EventQueue::pop_slow(FiredEvent& out, Time limit) {
  for (;;) {
    if (head_ == ready_.size()) {
      if (!refill(limit)) return false;
      continue;
    }
    const Entry& top = ready_[head_];
    if (tombstones_ != 0 && slot_generation_[top.order & kSlotMask] != top.generation) {
      ++head_;  // a cancelled event: its slot was freed by cancel()
      --entries_;
      --tombstones_;
      continue;
    }
    if (top.time > limit.ns()) return false;
    fire(top, out);
    return true;
  }
}

// Scheduling before the last popped time: rebuilds every bucket around the new, lower key.
void EventQueue::rebase(std::uint64_t key) {
  std::vector<Entry> all(ready_.begin() + static_cast<std::ptrdiff_t>(head_), ready_.end());
  ready_.clear();
  head_ = 0;
  for (int level = 0; level < kLevels; ++level) {
    for (int digit = 0; digit < kDigits; ++digit) {
      Block* block = buckets_[level][digit];
      std::uint32_t count = fill_[level][digit];
      buckets_[level][digit] = nullptr;
      fill_[level][digit] = kBlockEntries;
      bucket_minimum_[level][digit] = ~std::uint64_t{0};
      while (block != nullptr) {
        all.insert(all.end(), block->entries, block->entries + count);
        Block* next = block->next;
        give_block(block);
        block = next;
        count = kBlockEntries;
      }
    }
    for (std::uint64_t& word : occupied_[level]) word = 0;
  }
  occupied_levels_ = 0;
  last_key_ = key;
  for (const Entry& entry : all) push_entry(entry, key_of(entry.time));
  sort_ready();
}

Time EventQueue::next_time() const {
  if (head_ < ready_.size()) return Time::from_ns(ready_[head_].time);
  int level = 0;
  int digit = 0;
  if (!lowest_bucket(level, digit)) return Time::max();
  return Time::from_ns(time_of(bucket_minimum_[level][digit]));
}

std::size_t EventQueue::memory_bytes() const {
  return sizeof(*this) + blocks_.size() * sizeof(Block) +
         blocks_.capacity() * sizeof(std::unique_ptr<Block>) + ready_.capacity() * sizeof(Entry) +
         (slot_generation_.capacity() + free_slots_.capacity()) * sizeof(std::uint32_t);
}

void EventQueue::reserve(std::size_t events) {
  slot_generation_.reserve(events);
  free_slots_.reserve(events);
}

}  // namespace txsim::sim
