// The pending-event set of the simulation kernel.
//
// Events are ordered by (time, insertion sequence): two events at the same virtual time fire in
// the order they were scheduled (FIFO), never by address. Cancellation is lazy: a cancelled
// event keeps its entry until the queue reaches it, where it is skipped.
//
// Layout (why it is fast): a radix heap (Ahuja, Mehlhorn, Orlin & Tarjan, "Faster Algorithms for
// the Shortest Path Problem", JACM 1990) of 16-byte keys {time, sequence<<24 | slot}, and a slab
// of 32-byte event records indexed by slot. A discrete-event simulator pops times that never
// decrease, which is exactly the monotone case a radix heap serves: a key lives in the bucket
// named by the highest bit in which it differs from the last popped time, and buckets are only
// appended to and scanned sequentially, so a pop costs no cache-missing tree walk however many
// events are pending; the records of imminent events are prefetched. Bucket 0 holds the keys equal
// to the last popped time, kept in sequence order, which makes ties FIFO. Scheduling earlier than
// the last popped time (never done by the Simulator, which schedules at >= now) is allowed but
// rebuilds the buckets: O(pending). Memory per pending event is 16 (bucket entry) + 32 (record) + 4
// (free-slot stack) bytes, plus vector growth slack; bench/kernel measures it.
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
  TimerId schedule(Time at, std::uint32_t kind, EventFn fn, void* context, std::uint64_t argument);

  /// Cancels a pending event. Returns false if it already fired, was cancelled, or never existed.
  bool cancel(TimerId id);

  /// Removes the earliest live event into `out` if its time is <= `limit`. Returns false when no
  /// live event is pending at or before `limit`. Cancelled entries are discarded as they are
  /// reached.
  bool pop(FiredEvent& out, Time limit = Time::max());

  /// Time of the earliest pending entry (which may be a cancelled one); Time::max() if none.
  Time next_time() const;

  /// Live (scheduled, not yet fired or cancelled) events.
  std::size_t live_size() const { return live_; }
  bool empty() const { return live_ == 0; }

  /// Queue entries, including cancelled events not yet discarded.
  std::size_t heap_size() const { return entries_; }

  /// Bytes reserved by the queue's containers (capacity, not size).
  std::size_t memory_bytes() const;

  /// Pre-allocates the records of `events` pending events (bucket entries grow as needed).
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

  // Bucket b > 0 holds keys whose highest bit differing from last_key_ is bit b - 1.
  static constexpr int kBuckets = 65;
  // A drained bucket keeps its buffer up to this many entries; larger ones are freed, so that
  // the memory held tracks the pending events rather than the largest bucket ever seen.
  static constexpr std::size_t kKeptBucketCapacity = 4096;

  // Times as unsigned keys with the same order (the sign bit flipped).
  static std::uint64_t key_of(std::int64_t time) {
    return static_cast<std::uint64_t>(time) ^ (std::uint64_t{1} << 63);
  }
  int bucket_of(std::uint64_t key) const;
  void push_entry(const HeapEntry& entry);
  bool refill(Time limit);
  void rebase(std::uint64_t key);
  void sort_bucket_zero();
  std::uint32_t allocate_slot();
  void release_slot(std::uint32_t slot);

  std::vector<HeapEntry> buckets_[kBuckets];
  std::size_t head_ = 0;        // entries of bucket 0 before head_ were popped
  std::uint64_t occupied_ = 0;  // bit b - 1 set iff bucket b > 0 is non-empty
  std::uint64_t last_key_ = 0;  // key of the last popped (or rebased-to) time
  std::size_t entries_ = 0;     // entries in all buckets, cancelled ones included
  std::vector<Record> records_;
  std::vector<std::uint32_t> free_slots_;
  std::uint64_t next_sequence_ = 0;
  std::size_t live_ = 0;
};

}  // namespace txsim::sim
