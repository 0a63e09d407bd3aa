// Tests of the pending-event set: model-based against a sorted vector, plus plain cases.
#include "core/sim/event_queue.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <tuple>
#include <vector>

namespace txsim::sim {
namespace {

void noop(void*, std::uint64_t) {}

// The trivially correct reference: every live event as (time, sequence, argument), kept sorted
// by (time, sequence). Popping takes the front; cancelling erases by argument.
struct ReferenceQueue {
  struct Entry {
    std::int64_t time;
    std::uint64_t sequence;
    std::uint64_t argument;
    auto operator<=>(const Entry&) const = default;
  };
  std::vector<Entry> live;
  std::uint64_t next_sequence = 0;

  void schedule(std::int64_t time, std::uint64_t argument) {
    live.push_back({time, next_sequence++, argument});
    std::sort(live.begin(), live.end());
  }
  bool cancel(std::uint64_t argument) {
    const auto it = std::find_if(live.begin(), live.end(),
                                 [&](const Entry& e) { return e.argument == argument; });
    if (it == live.end()) return false;
    live.erase(it);
    return true;
  }
  bool pop(Entry& out, std::int64_t limit) {
    if (live.empty() || live.front().time > limit) return false;
    out = live.front();
    live.erase(live.begin());
    return true;
  }
};

// Invariant: over any sequence of schedule/cancel/pop operations, the queue pops exactly the
// events the sorted reference pops, in (time, insertion sequence) order, and agrees on which
// cancellations succeed and on the live count.
RC_GTEST_PROP(EventQueueModel, MatchesSortedReference, ()) {
  // (operation, time or limit, pick). Times come from a small range so ties are frequent.
  const auto ops = *rc::gen::resize(
      400, rc::gen::container<std::vector<std::tuple<std::uint8_t, std::uint8_t, std::uint16_t>>>(
               rc::gen::arbitrary<std::tuple<std::uint8_t, std::uint8_t, std::uint16_t>>()));
  EventQueue queue;
  ReferenceQueue reference;
  std::vector<TimerId> issued;  // every id ever returned, index = argument
  for (const auto& [op, t, pick] : ops) {
    switch (op % 5) {
      case 0:
      case 1: {  // schedule: mostly a few small times (ties), sometimes far apart or negative
        std::int64_t time = t % 8;
        if (t % 4 == 3) time = static_cast<std::int64_t>(pick) << (t % 48);
        if (t % 16 == 15) time = -static_cast<std::int64_t>(pick);
        const std::uint64_t argument = issued.size();
        issued.push_back(queue.schedule(Time::from_ns(time), 7, &noop, nullptr, argument));
        reference.schedule(time, argument);
        break;
      }
      case 2: {  // cancel any id ever issued (live, fired or cancelled), or one never issued
        if (pick % 8 == 0 || issued.empty()) {
          RC_ASSERT(!queue.cancel(TimerId{}));
          RC_ASSERT(!queue.cancel(TimerId{std::uint32_t{1} << 30, 1u + pick}));
          break;
        }
        const std::uint64_t argument = pick % issued.size();
        RC_ASSERT(queue.cancel(issued[argument]) == reference.cancel(argument));
        break;
      }
      default: {  // pop with a limit, sometimes unbounded
        std::int64_t limit = t % 10;
        if (t % 16 == 15) limit = Time::max().ns();
        if (t % 16 == 14) limit = static_cast<std::int64_t>(pick) << (t % 48);
        FiredEvent fired{};
        ReferenceQueue::Entry expected{};
        const bool got = queue.pop(fired, Time::from_ns(limit));
        RC_ASSERT(got == reference.pop(expected, limit));
        if (got) {
          RC_ASSERT(fired.at.ns() == expected.time);
          RC_ASSERT(fired.sequence == expected.sequence);
          RC_ASSERT(fired.argument == expected.argument);
          RC_ASSERT(fired.kind == 7u);
          RC_ASSERT(fired.fn == &noop);
        }
        break;
      }
    }
    RC_ASSERT(queue.live_size() == reference.live.size());
    RC_ASSERT(queue.empty() == reference.live.empty());
    RC_ASSERT(queue.heap_size() >= queue.live_size());
  }
  // Drain: the remaining events come out in the reference's order.
  FiredEvent fired{};
  for (const auto& expected : reference.live) {
    RC_ASSERT(queue.pop(fired));
    RC_ASSERT(fired.argument == expected.argument);
    RC_ASSERT(fired.at.ns() == expected.time);
  }
  RC_ASSERT(!queue.pop(fired));
  RC_ASSERT(queue.heap_size() == 0u);
}

// Invariant: in a hold model (each pop followed by a schedule at or after the popped time) with
// random cancellations of pending events and enough events that buckets span several storage
// blocks, the queue pops exactly the live events a std::set of (time, sequence) would, in order,
// and every cancellation of a pending event succeeds exactly once.
RC_GTEST_PROP(EventQueueModel, HoldModelWithCancellationsMatchesOrderedSet, ()) {
  const auto pending = *rc::gen::inRange<std::uint64_t>(1, 1500);
  const auto steps = *rc::gen::inRange(0, 3000);
  // Delays are drawn below 2^span ns: small spans pile hundreds of events into one bucket.
  const auto span = *rc::gen::inRange(0, 40);
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  std::uint64_t x = seed | 1;
  auto next = [&x] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  auto delay = [&] { return static_cast<std::int64_t>(next() & ((std::uint64_t{1} << span) - 1)); };
  using Key = std::pair<std::int64_t, std::uint64_t>;  // (time, sequence)
  std::set<Key> reference;
  std::map<std::uint64_t, std::pair<Key, TimerId>> by_argument;  // live events
  std::uint64_t sequence = 0;
  EventQueue queue;
  auto add = [&](std::int64_t at) {
    const std::uint64_t argument = sequence;
    const TimerId id = queue.schedule(Time::from_ns(at), 3, &noop, nullptr, argument);
    reference.insert({at, sequence});
    by_argument[argument] = {{at, sequence}, id};
    ++sequence;
  };
  for (std::uint64_t i = 0; i < pending; ++i) add(delay());
  for (int step = 0; step < steps; ++step) {
    if (next() % 4 == 0 && !by_argument.empty()) {  // cancel a random live event, twice
      auto it = by_argument.lower_bound(next() % sequence);
      if (it == by_argument.end()) it = by_argument.begin();
      RC_ASSERT(queue.cancel(it->second.second));
      RC_ASSERT(!queue.cancel(it->second.second));
      reference.erase(it->second.first);
      by_argument.erase(it);
    }
    FiredEvent fired{};
    const bool got = queue.pop(fired);
    RC_ASSERT(got == !reference.empty());
    if (!got) break;
    const Key expected = *reference.begin();
    reference.erase(reference.begin());
    RC_ASSERT(fired.at.ns() == expected.first);
    RC_ASSERT(fired.sequence == expected.second);
    RC_ASSERT(fired.argument == expected.second);
    RC_ASSERT(!queue.cancel(by_argument.at(fired.argument).second));  // already fired
    by_argument.erase(fired.argument);
    add(fired.at.ns() + delay());
    RC_ASSERT(queue.live_size() == reference.size());
  }
  for (const Key& expected : reference) {
    FiredEvent fired{};
    RC_ASSERT(queue.pop(fired));
    RC_ASSERT(fired.at.ns() == expected.first);
    RC_ASSERT(fired.sequence == expected.second);
  }
  FiredEvent fired{};
  RC_ASSERT(!queue.pop(fired));
  RC_ASSERT(queue.empty());
  RC_ASSERT(queue.heap_size() == 0u);  // every tombstone was discarded
}

TEST(EventQueue, EqualTimesPopInScheduleOrder) {
  EventQueue queue;
  for (std::uint64_t i = 0; i < 1000; ++i) queue.schedule(Time::from_ns(5), 0, &noop, nullptr, i);
  FiredEvent fired{};
  for (std::uint64_t i = 0; i < 1000; ++i) {
    ASSERT_TRUE(queue.pop(fired));
    EXPECT_EQ(fired.argument, i);
  }
  EXPECT_FALSE(queue.pop(fired));
}

TEST(EventQueue, PopRespectsLimitInclusively) {
  EventQueue queue;
  queue.schedule(Time::from_ns(10), 0, &noop, nullptr, 1);
  queue.schedule(Time::from_ns(20), 0, &noop, nullptr, 2);
  FiredEvent fired{};
  EXPECT_FALSE(queue.pop(fired, Time::from_ns(9)));
  EXPECT_EQ(queue.live_size(), 2u);
  ASSERT_TRUE(queue.pop(fired, Time::from_ns(10)));  // the limit itself is included
  EXPECT_EQ(fired.argument, 1u);
  EXPECT_FALSE(queue.pop(fired, Time::from_ns(19)));
  EXPECT_EQ(queue.next_time(), Time::from_ns(20));
  ASSERT_TRUE(queue.pop(fired));
  EXPECT_EQ(fired.argument, 2u);
  EXPECT_EQ(queue.next_time(), Time::max());
}

TEST(EventQueue, CancelSemantics) {
  EventQueue queue;
  const TimerId a = queue.schedule(Time::from_ns(1), 0, &noop, nullptr, 1);
  const TimerId b = queue.schedule(Time::from_ns(2), 0, &noop, nullptr, 2);
  EXPECT_EQ(queue.live_size(), 2u);
  EXPECT_TRUE(queue.cancel(a));
  EXPECT_EQ(queue.live_size(), 1u);
  EXPECT_FALSE(queue.cancel(a)) << "second cancel of the same id";
  EXPECT_EQ(queue.live_size(), 1u);
  // The cancelled entry stays in the heap until it surfaces (lazy deletion).
  EXPECT_EQ(queue.heap_size(), 2u);
  FiredEvent fired{};
  ASSERT_TRUE(queue.pop(fired));
  EXPECT_EQ(fired.argument, 2u);
  EXPECT_FALSE(queue.cancel(b)) << "cancel after the event fired";
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(queue.heap_size(), 0u);
  EXPECT_FALSE(queue.cancel(TimerId{})) << "default id names no event";
  EXPECT_FALSE(queue.cancel(TimerId{12345, 1})) << "slot never allocated";
}

TEST(EventQueue, StaleIdDoesNotCancelEventReusingItsSlot) {
  EventQueue queue;
  const TimerId old_id = queue.schedule(Time::from_ns(1), 0, &noop, nullptr, 1);
  FiredEvent fired{};
  ASSERT_TRUE(queue.pop(fired));
  const TimerId new_id = queue.schedule(Time::from_ns(2), 0, &noop, nullptr, 2);
  ASSERT_EQ(new_id.slot, old_id.slot) << "the freed slot is reused";
  EXPECT_FALSE(queue.cancel(old_id));
  EXPECT_EQ(queue.live_size(), 1u);
  EXPECT_TRUE(queue.cancel(new_id));
}

TEST(EventQueue, CancelFreesTheSlotAtOnceAndTheTombstoneIsSkipped) {
  EventQueue queue;
  const TimerId a = queue.schedule(Time::from_ns(5), 0, &noop, nullptr, 1);
  ASSERT_TRUE(queue.cancel(a));
  // The slot is reused while a's entry still waits in the queue as a tombstone.
  const TimerId b = queue.schedule(Time::from_ns(5), 0, &noop, nullptr, 2);
  EXPECT_EQ(b.slot, a.slot);
  EXPECT_NE(b.generation, a.generation);
  EXPECT_EQ(queue.heap_size(), 2u);
  EXPECT_EQ(queue.live_size(), 1u);
  EXPECT_FALSE(queue.cancel(a)) << "the old id must not cancel the slot's new event";
  EXPECT_FALSE(queue.cancel(TimerId{a.slot, a.generation + 1})) << "an id never issued";
  FiredEvent fired{};
  ASSERT_TRUE(queue.pop(fired));
  EXPECT_EQ(fired.argument, 2u);
  EXPECT_FALSE(queue.pop(fired));
  EXPECT_EQ(queue.heap_size(), 0u);
}

TEST(EventQueue, PopDiscardsCancelledTopEvenWhenBeyondLimit) {
  EventQueue queue;
  const TimerId a = queue.schedule(Time::from_ns(1), 0, &noop, nullptr, 1);
  queue.schedule(Time::from_ns(50), 0, &noop, nullptr, 2);
  queue.cancel(a);
  FiredEvent fired{};
  EXPECT_FALSE(queue.pop(fired, Time::from_ns(10)));
  EXPECT_EQ(queue.heap_size(), 1u);
  EXPECT_EQ(queue.next_time(), Time::from_ns(50));
}

TEST(EventQueue, MemoryBytesCoversWhatIsHeld) {
  EventQueue queue;
  queue.reserve(1000);
  // A 4-byte slot generation and a 4-byte free-slot entry per reserved event.
  EXPECT_GE(queue.memory_bytes(), 1000u * (4 + 4));
  for (std::uint64_t i = 0; i < 1000; ++i) {
    queue.schedule(Time::from_ns(static_cast<std::int64_t>(i * 7919 % 1000)), 0, &noop, nullptr, i);
  }
  // Plus a 48-byte entry per pending event.
  EXPECT_GE(queue.memory_bytes(), 1000u * (48 + 4 + 4));
}

TEST(EventQueue, NextTimeIsTheEarliestPendingTime) {
  EventQueue queue;
  EXPECT_EQ(queue.next_time(), Time::max());
  queue.schedule(Time::from_ns(300), 0, &noop, nullptr, 1);
  queue.schedule(Time::from_ns(70), 0, &noop, nullptr, 2);
  queue.schedule(Time::from_ns(1'000'000), 0, &noop, nullptr, 3);
  EXPECT_EQ(queue.next_time(), Time::from_ns(70));
  FiredEvent fired{};
  ASSERT_TRUE(queue.pop(fired));
  EXPECT_EQ(queue.next_time(), Time::from_ns(300));
  queue.schedule(Time::from_ns(5), 0, &noop, nullptr, 4);  // earlier than the last pop
  EXPECT_EQ(queue.next_time(), Time::from_ns(5));
  ASSERT_TRUE(queue.pop(fired));
  EXPECT_EQ(fired.argument, 4u);
}

TEST(EventQueue, HoldModelKeepsMemoryPerPendingEventBounded) {
  // Steady state of the hold model: each pop is followed by one schedule a pseudo-random delay
  // later. Drained buckets must not keep their peak buffers: memory tracks the pending count.
  EventQueue queue;
  constexpr std::uint64_t kPending = 50'000;
  std::uint64_t x = 1;
  auto next_delay = [&x] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::int64_t>(x >> 44);  // up to ~1 ms
  };
  for (std::uint64_t i = 0; i < kPending; ++i) {
    queue.schedule(Time::from_ns(next_delay()), 0, &noop, nullptr, i);
  }
  FiredEvent fired{};
  for (int i = 0; i < 300'000; ++i) {
    ASSERT_TRUE(queue.pop(fired));
    queue.schedule(fired.at + Duration::from_ns(next_delay()), 0, &noop, nullptr, 0);
  }
  EXPECT_EQ(queue.live_size(), kPending);
  EXPECT_LE(queue.memory_bytes() / kPending, 96u) << queue.memory_bytes() / double(kPending);
}

}  // namespace
}  // namespace txsim::sim
