#include "core/sim/event_queue.h"

#include <cassert>
#include <stdexcept>

namespace txsim::sim {
namespace {
constexpr std::size_t kArity = 4;
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
  const HeapEntry entry{at.ns(), (next_sequence_++ << kSlotBits) | slot};
  heap_.push_back(entry);
  sift_up(heap_.size() - 1, entry);
  ++live_;
  return TimerId{slot, record.generation};
}

bool EventQueue::cancel(TimerId id) {
  if (!id.valid() || id.slot >= records_.size()) return false;
  Record& record = records_[id.slot];
  if (record.generation != id.generation || record.fn == nullptr) return false;
  // The heap entry stays until it surfaces; pop() then frees the slot.
  record.fn = nullptr;
  --live_;
  return true;
}

void EventQueue::remove_top() {
  const HeapEntry last = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) sift_down_from_root(last);
}

bool EventQueue::pop(FiredEvent& out, Time limit) {
  while (!heap_.empty()) {
    const HeapEntry top = heap_[0];
    const auto slot = static_cast<std::uint32_t>(top.order & kSlotMask);
    Record& record = records_[slot];
    if (record.fn == nullptr) {  // cancelled: discard and look again
      remove_top();
      release_slot(slot);
      continue;
    }
    if (top.time > limit.ns()) return false;
    out = FiredEvent{Time::from_ns(top.time), top.order >> kSlotBits, record.kind,
                     record.fn,               record.context,          record.argument};
    remove_top();
    release_slot(slot);
    --live_;
    return true;
  }
  return false;
}

void EventQueue::sift_up(std::size_t index, HeapEntry entry) {
  while (index > 0) {
    const std::size_t parent = (index - 1) / kArity;
    if (!before(entry, heap_[parent])) break;
    heap_[index] = heap_[parent];
    index = parent;
  }
  heap_[index] = entry;
}

void EventQueue::sift_down_from_root(HeapEntry entry) {
  const std::size_t size = heap_.size();
  std::size_t index = 0;
  for (;;) {
    const std::size_t first = index * kArity + 1;
    if (first >= size) break;
    const std::size_t end = first + kArity < size ? first + kArity : size;
    std::size_t best = first;
    for (std::size_t child = first + 1; child < end; ++child) {
      if (before(heap_[child], heap_[best])) best = child;
    }
    if (!before(heap_[best], entry)) break;
    heap_[index] = heap_[best];
    index = best;
  }
  heap_[index] = entry;
}

std::size_t EventQueue::memory_bytes() const {
  return heap_.capacity() * sizeof(HeapEntry) + records_.capacity() * sizeof(Record) +
         free_slots_.capacity() * sizeof(std::uint32_t);
}

void EventQueue::reserve(std::size_t events) {
  heap_.reserve(events);
  records_.reserve(events);
  free_slots_.reserve(events);
}

}  // namespace txsim::sim
