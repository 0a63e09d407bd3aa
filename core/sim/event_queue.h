// The pending-event set of the simulation kernel.
//
// Events are ordered by (time, insertion sequence): two events at the same virtual time fire in
// the order they were scheduled (FIFO), never by address. Virtual time is integer nanoseconds.
//
// Layout (why it is fast): a radix heap (Ahuja, Mehlhorn, Orlin & Tarjan, "Faster Algorithms for
// the Shortest Path Problem", JACM 1990) with 8-bit digits, whose 48-byte entries carry the whole
// event (time, sequence, callback, context, argument, kind), so that popping an event reads one
// sequential buffer and never a separate record store. A discrete-event simulator pops times that
// never decrease, which is the monotone case a radix heap serves: an entry lives in the bucket
// (level, digit) named by the highest 8-bit digit in which its time differs from the last popped
// time and by its own value of that digit. Buckets are only appended to and drained whole; a
// drained bucket's entries move to lower levels around its minimum, so an entry moves at most
// once per level (3 times for delays up to 16 ms) and a pop costs no cache-missing tree walk
// however many events are pending. Entries equal to the last popped time sit in a ready list kept
// in sequence order, which makes ties FIFO. Scheduling earlier than the last popped time (never
// done by the Simulator, which schedules at >= now) is allowed but rebuilds the buckets:
// O(pending).
//
// Memory: buckets are linked lists of 4 KiB blocks from a shared pool, so the queue holds about
// 48 bytes per pending event plus 8 bytes of slot table (generation + free-slot stack) and at
// most one part-filled block per non-empty bucket, with no vector growth slack; bench/kernel
// measures it.
//
// Cancellation is by generation: a TimerId names a slot and the slot's generation when the event
// was scheduled. Cancelling bumps the generation and frees the slot at once; the entry stays in
// its bucket as a tombstone that pop() or the next move of its bucket recognises (its generation
// no longer matches) and drops.
//
// Limits (asserted, see kMaxPendingEvents/kMaxSequence): at most 2^24 (16.7 million) events
// pending at once and 2^40 (1.1e12) events scheduled over one run. A tombstone could be mistaken
// for a live event only if its slot were reused 2^31 times before the tombstone is reached.
//
// Thread-safety: none; a simulation run is single-threaded by design.
#pragma once

#include <bit>
#include <cassert>
#include <cstdint>
#include <memory>
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
  std::uint32_t generation = 0;  // odd while the event is pending; 0 is never issued
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

  EventQueue();
  ~EventQueue();
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;

  /// Schedules `fn(context, argument)` at `at`. `kind` is an opaque label recorded in the trace.
  /// REQUIRES: fn != nullptr. Throws std::length_error past the limits above.
  TimerId schedule(Time at, std::uint32_t kind, EventFn fn, void* context, std::uint64_t argument) {
    assert(fn != nullptr);
    if (next_sequence_ >= kMaxSequence) [[unlikely]]
      throw_sequence_exhausted();
    const std::uint32_t slot = allocate_slot();
    const std::uint32_t generation = slot_generation_[slot];
    const std::uint64_t key = key_of(at.ns());
    if (key < last_key_) rebase(key);
    push_entry(Entry{at.ns(), (next_sequence_++ << kSlotBits) | slot, fn, context, argument, kind,
                     generation},
               key);
    ++entries_;
    ++live_;
    return TimerId{slot, generation};
  }

  /// Cancels a pending event. Returns false if it already fired, was cancelled, or never existed.
  bool cancel(TimerId id);

  /// Removes the earliest live event into `out` if its time is <= `limit`. Returns false when no
  /// live event is pending at or before `limit`. Cancelled entries are discarded as they are
  /// reached.
  bool pop(FiredEvent& out, Time limit = Time::max()) {
    // Fast path: the next entry is ready and no tombstone can be among the entries.
    if (head_ < ready_.size() && tombstones_ == 0) {
      const Entry& top = ready_[head_];
      if (top.time > limit.ns()) return false;
      fire(top, out);
      return true;
    }
    return pop_slow(out, limit);
  }

  /// Time of the earliest pending entry (which may be a cancelled one); Time::max() if none.
  Time next_time() const;

  /// Live (scheduled, not yet fired or cancelled) events.
  std::size_t live_size() const { return live_; }
  bool empty() const { return live_ == 0; }

  /// Queue entries, including cancelled events not yet discarded.
  std::size_t heap_size() const { return entries_; }

  /// Bytes held by the queue: its own object, bucket blocks (in use or pooled), the ready list and
  /// the slot table, by capacity, not size.
  std::size_t memory_bytes() const;

  /// Pre-allocates the slot table of `events` pending events (bucket blocks grow as needed).
  void reserve(std::size_t events);

 private:
  struct Entry {
    std::int64_t time;
    std::uint64_t order;  // sequence << kSlotBits | slot: unique, so ties never compare equal
    EventFn fn;
    void* context;
    std::uint64_t argument;
    std::uint32_t kind;
    std::uint32_t generation;  // the slot's generation when scheduled; stale means cancelled
  };
  static_assert(sizeof(Entry) == 48);

  // One 4 KiB unit of bucket storage; a bucket is a singly linked list of blocks, newest first.
  // Every block but the newest is full; the newest holds fill_[level][digit] entries (kept apart
  // from the block so that appending reads a small hot array, not a block header).
  static constexpr std::uint32_t kBlockEntries = 85;
  struct Block {
    Block* next;  // first, so that it shares a cache line with the first entries
    Entry entries[kBlockEntries];
  };
  static_assert(sizeof(Block) <= 4096);

  static constexpr int kDigitBits = 8;
  static constexpr int kDigits = 1 << kDigitBits;
  static constexpr int kLevels = 64 / kDigitBits;
  static constexpr std::uint64_t kSlotMask = (std::uint64_t{1} << kSlotBits) - 1;

  // Times as unsigned keys with the same order (the sign bit flipped).
  static std::uint64_t key_of(std::int64_t time) {
    return static_cast<std::uint64_t>(time) ^ (std::uint64_t{1} << 63);
  }

  [[gnu::always_inline]] void push_entry(const Entry& entry, std::uint64_t key) {
    if (key == last_key_) {
      // The newest sequence so far: appending keeps the ready list in sequence order.
      ready_.push_back(entry);
      return;
    }
    const int level = (63 - std::countl_zero(key ^ last_key_)) / kDigitBits;
    const int digit = static_cast<int>(key >> (level * kDigitBits)) & (kDigits - 1);
    std::uint32_t& fill = fill_[level][digit];
    if (fill == kBlockEntries) [[unlikely]]
      grow_bucket(level, digit);  // also when empty
    buckets_[level][digit]->entries[fill++] = entry;
    std::uint64_t& minimum = bucket_minimum_[level][digit];
    minimum = key < minimum ? key : minimum;
  }

  std::uint32_t allocate_slot() {
    if (!free_slots_.empty()) [[likely]] {
      const std::uint32_t slot = free_slots_.back();
      free_slots_.pop_back();
      ++slot_generation_[slot];  // even (free) -> odd (pending)
      return slot;
    }
    return new_slot();
  }
  void release_slot(std::uint32_t slot) {
    ++slot_generation_[slot];  // odd (pending) -> even (free): every id of it goes stale
    free_slots_.push_back(slot);
  }

  void fire(const Entry& top, FiredEvent& out) {
    out = FiredEvent{Time::from_ns(top.time),
                     top.order >> kSlotBits,
                     top.kind,
                     top.fn,
                     top.context,
                     top.argument};
    ++head_;
    --entries_;
    --live_;
    release_slot(static_cast<std::uint32_t>(top.order & kSlotMask));
  }

  std::uint32_t new_slot();
  [[noreturn]] static void throw_sequence_exhausted();
  void grow_bucket(int level, int digit);
  Block* take_block();
  void give_block(Block* block);
  bool pop_slow(FiredEvent& out, Time limit);
  bool refill(Time limit);
  bool lowest_bucket(int& level, int& digit) const;
  void rebase(std::uint64_t key);
  void sort_ready();

  Block* buckets_[kLevels][kDigits] = {};
  std::uint32_t fill_[kLevels][kDigits];  // entries in the newest block; kBlockEntries when empty
  std::uint64_t bucket_minimum_[kLevels][kDigits];      // smallest key; all ones when empty
  std::uint64_t occupied_[kLevels][kDigits / 64] = {};  // bit per non-empty bucket
  std::uint32_t occupied_levels_ = 0;                   // bit per level with a non-empty bucket
  std::vector<Entry> ready_;    // entries at the last popped time, in sequence order
  std::size_t head_ = 0;        // entries of ready_ before head_ were popped
  std::uint64_t last_key_ = 0;  // key of the last popped (or rebased-to) time
  std::size_t entries_ = 0;     // entries in the ready list and buckets, tombstones included
  std::size_t tombstones_ = 0;  // cancelled entries not yet discarded
  std::size_t live_ = 0;
  std::uint64_t next_sequence_ = 0;
  std::vector<std::uint32_t> slot_generation_;
  std::vector<std::uint32_t> free_slots_;
  Block* free_blocks_ = nullptr;                // pool of empty blocks, linked through Block::next
  std::vector<std::unique_ptr<Block>> blocks_;  // owns every block, in use or pooled
};

}  // namespace txsim::sim
