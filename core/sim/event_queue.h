// The pending-event set of the simulation kernel.
//
// Events are ordered by (time, insertion sequence): two events at the same virtual time fire in
// the order they were scheduled (FIFO), never by address. Cancellation is lazy: a cancelled
// event keeps its heap entry until it reaches the top, where it is skipped.
//
// Layout (why it is fast): a 4-ary min-heap of 16-byte keys {time, sequence<<24 | slot}, so the
// four children of a node span 64 bytes (one or two cache lines), and a slab of 32-byte event records
// indexed by slot. The payload never moves while the heap is reordered. Memory per pending event
// is 16 (heap) + 32 (record) + 4 (free-slot stack) bytes, plus vector growth slack.
//
// Limits (asserted, see kMaxPendingEvents/kMaxSequence): at most 2^24 (16.7 million) events
// pending at once and 2^40 (1.1e12) events scheduled over one run.
//
// Thread-safety: none; a simulation run is single-threaded by design.
#pragma once

#include <cstdint>
#include <vector>

#include "core/sim/time.h"

namespace txsim::sim {

/// What an event does when it fires: a plain function with a context pointer and a 64-bit
/// argument, so that scheduling never allocates. `context` must outlive the event (or the event
/// must be cancelled first).
using EventFn = void (*)(void* context, std::uint64_t argument);

/// Handle to a scheduled event, for cancellation. A default-constructed id names no event.
struct TimerId {
  std::uint32_t slot = 0;
  std::uint32_t generation = 0;  // 0 is never a live generation
  constexpr bool valid() const { return generation != 0; }
};

/// An event taken from the queue, ready to run.
struct FiredEvent {
  Time at;
  std::uint64_t sequence;  // insertion sequence number, unique per queue
  std::uint32_t kind;      // caller-chosen event kind, fed to the trace hash
  EventFn fn;
  void* context;
  std::uint64_t argument;
};

class EventQueue {
 public:
  static constexpr std::uint32_t kSlotBits = 24;
  static constexpr std::uint64_t kMaxPendingEvents = std::uint64_t{1} << kSlotBits;
  static constexpr std::uint64_t kMaxSequence = std::uint64_t{1} << (64 - kSlotBits);

  /// Schedules `fn(context, argument)` at `at`. `kind` is an opaque label recorded in the trace.
  /// REQUIRES: fn != nullptr. Throws std::length_error past the limits above.
  TimerId schedule(Time at, std::uint32_t kind, EventFn fn, void* context,
                   std::uint64_t argument);

  /// Cancels a pending event. Returns false if it already fired, was cancelled, or never existed.
  bool cancel(TimerId id);

  /// Removes the earliest live event into `out` if its time is <= `limit`. Returns false when no
  /// live event is pending at or before `limit`; cancelled entries on top are discarded either way.
  bool pop(FiredEvent& out, Time limit = Time::max());

  /// Time of the earliest pending entry (which may be a cancelled one); Time::max() if none.
  Time next_time() const { return heap_.empty() ? Time::max() : Time::from_ns(heap_[0].time); }

  /// Live (scheduled, not yet fired or cancelled) events.
  std::size_t live_size() const { return live_; }
  bool empty() const { return live_ == 0; }

  /// Heap entries, including cancelled events not yet discarded.
  std::size_t heap_size() const { return heap_.size(); }

  /// Bytes reserved by the queue's containers (capacity, not size).
  std::size_t memory_bytes() const;

  /// Pre-allocates room for `events` pending events.
  void reserve(std::size_t events);

 private:
  struct HeapEntry {
    std::int64_t time;
    std::uint64_t order;  // sequence << kSlotBits | slot: unique, so ties never compare equal
  };
  struct Record {
    EventFn fn;  // nullptr while the slot is free or its event was cancelled
    void* context;
    std::uint64_t argument;
    std::uint32_t generation;
    std::uint32_t kind;
  };
  static_assert(sizeof(HeapEntry) == 16);
  static_assert(sizeof(Record) == 32);

  static bool before(const HeapEntry& a, const HeapEntry& b) {
    return a.time < b.time || (a.time == b.time && a.order < b.order);
  }
  void remove_top();
  void sift_up(std::size_t index, HeapEntry entry);
  void sift_down_from_root(HeapEntry entry);
  std::uint32_t allocate_slot();
  void release_slot(std::uint32_t slot);

  std::vector<HeapEntry> heap_;
  std::vector<Record> records_;
  std::vector<std::uint32_t> free_slots_;
  std::uint64_t next_sequence_ = 0;
  std::size_t live_ = 0;
};

}  // namespace txsim::sim
