#include "core/sim/event_queue.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <stdexcept>

namespace txsim::sim {
namespace {
constexpr std::uint64_t kSlotMask = (std::uint64_t{1} << EventQueue::kSlotBits) - 1;
}  // namespace

std::uint32_t EventQueue::allocate_slot() {
  if (!free_slots_.empty()) {
    const std::uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    return slot;
  }
  if (records_.size() >= kMaxPendingEvents) {
    throw std::length_error("event queue: more than 2^24 events pending at once");
  }
  records_.push_back(Record{nullptr, nullptr, 0, 0, 0});
  return static_cast<std::uint32_t>(records_.size() - 1);
}

void EventQueue::release_slot(std::uint32_t slot) {
  Record& record = records_[slot];
  record.fn = nullptr;
  // Generation 0 is reserved for "no event", so skip it on wrap-around.
  record.generation = record.generation + 1 == 0 ? 1 : record.generation + 1;
  free_slots_.push_back(slot);
}

int EventQueue::bucket_of(std::uint64_t key) const {
  const std::uint64_t differing = key ^ last_key_;
  return differing == 0 ? 0 : 64 - std::countl_zero(differing);
}

void EventQueue::push_entry(const HeapEntry& entry) {
  const int bucket = bucket_of(key_of(entry.time));
  buckets_[bucket].push_back(entry);
  if (bucket > 0) occupied_ |= std::uint64_t{1} << (bucket - 1);
}

TimerId EventQueue::schedule(Time at, std::uint32_t kind, EventFn fn, void* context,
                             std::uint64_t argument) {
  assert(fn != nullptr);
  if (next_sequence_ >= kMaxSequence) {
    throw std::length_error("event queue: more than 2^40 events scheduled in one run");
  }
  const std::uint32_t slot = allocate_slot();
  Record& record = records_[slot];
  if (record.generation == 0) record.generation = 1;
  record.fn = fn;
  record.context = context;
  record.argument = argument;
  record.kind = kind;
  if (key_of(at.ns()) < last_key_) rebase(key_of(at.ns()));
  // A new entry has the highest sequence so far, so appending to bucket 0 keeps it in order.
  push_entry(HeapEntry{at.ns(), (next_sequence_++ << kSlotBits) | slot});
  ++entries_;
  ++live_;
  return TimerId{slot, record.generation};
}

bool EventQueue::cancel(TimerId id) {
  if (!id.valid() || id.slot >= records_.size()) return false;
  Record& record = records_[id.slot];
  if (record.generation != id.generation || record.fn == nullptr) return false;
  // The entry stays until pop() reaches it and frees the slot.
  record.fn = nullptr;
  --live_;
  return true;
}

void EventQueue::sort_bucket_zero() {
  auto& bucket = buckets_[0];
  if (bucket.size() - head_ > 1) {
    std::sort(bucket.begin() + static_cast<std::ptrdiff_t>(head_), bucket.end(),
              [](const HeapEntry& a, const HeapEntry& b) { return a.order < b.order; });
  }
}

// Bucket 0 is used up: moves the smallest non-empty bucket's entries down, around its minimum.
// Returns false, changing nothing, if no entry is pending at or before `limit`, so that the
// last popped time never runs ahead of what the caller has executed.
bool EventQueue::refill(Time limit) {
  buckets_[0].clear();
  head_ = 0;
  if (occupied_ == 0) return false;
  const int index = std::countr_zero(occupied_) + 1;
  std::vector<HeapEntry>& source = buckets_[index];
  std::int64_t minimum = source.front().time;
  for (const HeapEntry& entry : source) minimum = std::min(minimum, entry.time);
  if (minimum > limit.ns()) return false;
  // Every entry of `source` agrees with the new minimum above bit index - 1, so each lands in a
  // lower bucket and `source` is not appended to while it is read.
  last_key_ = key_of(minimum);
  for (const HeapEntry& entry : source) {
    push_entry(entry);
    // Entries within 16 ns of the new minimum are among the next pops: start loading their
    // records (a random slot of a large slab) so that the miss overlaps with earlier events.
    // This pays off on dense timelines -- many pending events over a short span, exactly when
    // the slab outgrows the cache; the window of 16 ns was the best of 4/16/64 ns measured on
    // the 1M-event hold model (bench/kernel).
    if (bucket_of(key_of(entry.time)) <= 4) __builtin_prefetch(&records_[entry.order & kSlotMask]);
  }
  if (source.capacity() > kKeptBucketCapacity) {
    std::vector<HeapEntry>().swap(source);
  } else {
    source.clear();
  }
  occupied_ &= ~(std::uint64_t{1} << (index - 1));
  sort_bucket_zero();
  return true;
}

// Scheduling before the last popped time: rebuilds every bucket around the new, lower key.
void EventQueue::rebase(std::uint64_t key) {
  std::vector<HeapEntry> all(buckets_[0].begin() + static_cast<std::ptrdiff_t>(head_),
                             buckets_[0].end());
  buckets_[0].clear();
  head_ = 0;
  for (int b = 1; b < kBuckets; ++b) {
    all.insert(all.end(), buckets_[b].begin(), buckets_[b].end());
    buckets_[b].clear();
  }
  occupied_ = 0;
  last_key_ = key;
  for (const HeapEntry& entry : all) push_entry(entry);
  sort_bucket_zero();
}

bool EventQueue::pop(FiredEvent& out, Time limit) {
  for (;;) {
    if (head_ == buckets_[0].size()) {
      if (!refill(limit)) return false;
      continue;
    }
    const HeapEntry top = buckets_[0][head_];
    const auto slot = static_cast<std::uint32_t>(top.order & kSlotMask);
    Record& record = records_[slot];
    if (record.fn == nullptr) {  // cancelled: discard and look again
      ++head_;
      --entries_;
      release_slot(slot);
      continue;
    }
    if (top.time > limit.ns()) return false;
    out = FiredEvent{Time::from_ns(top.time), top.order >> kSlotBits, record.kind, record.fn,
                     record.context,          record.argument};
    ++head_;
    --entries_;
    release_slot(slot);
    --live_;
    return true;
  }
}

Time EventQueue::next_time() const {
  if (head_ < buckets_[0].size()) return Time::from_ns(buckets_[0][head_].time);
  if (occupied_ == 0) return Time::max();
  const auto& smallest = buckets_[std::countr_zero(occupied_) + 1];
  std::int64_t minimum = smallest.front().time;
  for (const HeapEntry& entry : smallest) minimum = std::min(minimum, entry.time);
  return Time::from_ns(minimum);
}

std::size_t EventQueue::memory_bytes() const {
  std::size_t bytes =
      records_.capacity() * sizeof(Record) + free_slots_.capacity() * sizeof(std::uint32_t);
  for (const auto& bucket : buckets_) bytes += bucket.capacity() * sizeof(HeapEntry);
  return bytes;
}

void EventQueue::reserve(std::size_t events) {
  records_.reserve(events);
  free_slots_.reserve(events);
}

}  // namespace txsim::sim
