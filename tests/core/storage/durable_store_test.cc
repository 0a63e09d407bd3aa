#include "core/storage/durable_store.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace txsim::storage {
namespace {

using sim::Duration;
using sim::Simulator;
using sim::Task;

Task<void> sync_once(DurableStore& store, int& completed) {
  co_await store.sync();
  ++completed;
}

TEST(DurableStore, ReadsSeeUnsyncedWritesButCrashLosesThem) {
  Simulator simulator(1);
  DurableStore store(simulator);
  store.put("a", "1");
  ASSERT_TRUE(store.get("a").has_value());
  EXPECT_EQ(store.get("a")->value, "1");
  store.crash();
  EXPECT_FALSE(store.get("a").has_value());
  EXPECT_EQ(store.stats().lost_writes, 1u);
  EXPECT_EQ(store.stats().writes, 1u);
  EXPECT_EQ(store.stats().reads, 3u);
}

TEST(DurableStore, SyncTakesItsLatencyAndCoversOnlyEarlierWrites) {
  Simulator simulator(1);
  DurableStore store(simulator, StoreConfig{sim::milliseconds(5), false});
  int completed = 0;
  store.put("a", "1");
  simulator.spawn(sync_once(store, completed));
  simulator.run(sim::Time::zero());  // starts the sync at t = 0
  store.put("b", "2");               // issued after the sync started: not covered
  simulator.run(sim::Time::zero() + sim::milliseconds(5) - sim::nanoseconds(1));
  EXPECT_EQ(completed, 0);
  EXPECT_TRUE(store.durable_contents().empty());
  simulator.run();
  EXPECT_EQ(completed, 1);
  EXPECT_EQ(simulator.now().ns(), sim::milliseconds(5).ns());
  EXPECT_EQ(store.durable_contents().count("a"), 1u);
  EXPECT_EQ(store.durable_contents().count("b"), 0u);
  store.crash();
  EXPECT_EQ(store.contents().size(), 1u);
  EXPECT_EQ(store.stats().lost_writes, 1u);
}

TEST(DurableStore, CancelledSyncPersistsNothing) {
  Simulator simulator(1);
  DurableStore store(simulator, StoreConfig{sim::milliseconds(1), false});
  sim::ProcessGroup group(simulator);
  int completed = 0;
  store.put("a", "1");
  simulator.spawn(sync_once(store, completed), &group);
  simulator.run(sim::Time::zero() + sim::microseconds(500));
  group.cancel_all();
  store.crash();
  simulator.run();
  EXPECT_EQ(completed, 0);
  EXPECT_TRUE(store.contents().empty());
  EXPECT_EQ(store.stats().syncs, 0u);
}

TEST(DurableStore, TornLastWriteKeepsHalfOfTheLastValue) {
  Simulator simulator(1);
  DurableStore store(simulator, StoreConfig{Duration{}, true});
  store.put("a", "old");
  store.sync_now();
  store.put("b", "lost");
  store.put("a", "abcdef");
  store.crash();
  ASSERT_TRUE(store.get("a").has_value());
  EXPECT_EQ(store.get("a")->value, "abc");
  EXPECT_TRUE(store.get("a")->torn);
  EXPECT_FALSE(store.get("b").has_value());
  EXPECT_EQ(store.stats().torn_writes, 1u);
  EXPECT_EQ(store.stats().lost_writes, 1u);
}

TEST(DurableStore, VersionsAreNeverReusedAfterACrash) {
  Simulator simulator(1);
  DurableStore store(simulator);
  std::uint64_t lost = store.put("a", "1");
  store.crash();
  EXPECT_GT(store.put("a", "2"), lost);
}

TEST(DurableStore, NegativeSyncLatencyIsRejected) {
  Simulator simulator(1);
  EXPECT_THROW(DurableStore(simulator, StoreConfig{sim::nanoseconds(-1), false}),
               std::invalid_argument);
}

// The reference: a base map of what survived earlier crashes, the log of writes since, and the
// highest write sequence covered by a completed sync. Trivially correct by construction.
struct ReferenceStore {
  std::map<std::string, std::string> base;
  std::vector<std::tuple<std::uint64_t, std::string, std::string>> log;
  std::uint64_t synced_up_to = 0;

  std::map<std::string, std::string> fold(std::uint64_t up_to) const {
    auto result = base;
    for (const auto& [sequence, key, value] : log) {
      if (sequence <= up_to) result[key] = value;
    }
    return result;
  }
  void crash() {
    base = fold(synced_up_to);
    log.clear();
  }
};

std::map<std::string, std::string> values_of(const DurableStore::Map& map) {
  std::map<std::string, std::string> result;
  for (const auto& [key, versioned] : map) result[key] = versioned.value;
  return result;
}

// A store and its reference driven together: writes, syncs that start now and complete
// kLatency later (unless a crash cancels them), time passing, crashes.
struct ModelRun {
  static constexpr sim::Duration kLatency = sim::microseconds(100);

  explicit ModelRun(std::uint64_t seed)
      : simulator(seed), store(simulator, StoreConfig{kLatency, false}), group(simulator) {}

  /// Writes to both; returns the store's version of the write.
  std::uint64_t write(const std::string& key, const std::string& value) {
    const std::uint64_t version = store.put(key, value);
    reference.log.emplace_back(++sequence, key, value);
    return version;
  }
  void start_sync() {
    simulator.spawn(sync_once(store, completed), &group);
    simulator.run(simulator.now());  // the sync starts now, covering writes so far
    syncs_in_flight.emplace_back(simulator.now() + kLatency, sequence);
  }
  void advance(sim::Duration by) {
    const sim::Time until = simulator.now() + by;
    simulator.run(until);
    for (const auto& [at, covers] : syncs_in_flight) {
      if (at <= until) reference.synced_up_to = std::max(reference.synced_up_to, covers);
    }
    std::erase_if(syncs_in_flight, [&](const auto& sync) { return sync.first <= until; });
  }
  void crash() {
    group.cancel_all();
    store.crash();
    reference.crash();
    syncs_in_flight.clear();
  }

  Simulator simulator;
  DurableStore store;
  sim::ProcessGroup group;
  ReferenceStore reference;
  std::vector<std::pair<sim::Time, std::uint64_t>> syncs_in_flight;  // (completes at, covers)
  std::uint64_t sequence = 0;
  int completed = 0;
};

// Invariant: over any interleaving of writes, syncs, time and crashes, the store's visible
// contents equal every write since the last crash over what survived, after a crash exactly
// the writes covered by a completed sync survive, and synced_through() is the version just
// before the oldest write a crash could still lose.
RC_GTEST_PROP(DurableStoreModel, CrashKeepsExactlyTheSyncedWrites,
              (const std::vector<std::tuple<int, int, int>>& ops)) {
  ModelRun run(7);
  for (const auto& [raw_kind, raw_key, raw_arg] : ops) {
    int kind = (raw_kind % 4 + 4) % 4;
    std::string key = "k" + std::to_string((raw_key % 5 + 5) % 5);
    if (kind == 0) {
      RC_ASSERT(run.write(key, std::to_string(raw_arg)) == run.sequence);
    } else if (kind == 1) {
      run.start_sync();
    } else if (kind == 2) {
      run.advance(sim::microseconds((raw_arg % 150 + 150) % 150));
    } else {
      run.crash();
    }
    RC_ASSERT(values_of(run.store.contents()) == run.reference.fold(run.sequence));
    std::uint64_t oldest_losable = 0;  // the log holds the writes since the last crash
    for (const auto& write : run.reference.log) {
      if (std::get<0>(write) > run.reference.synced_up_to) {
        oldest_losable = std::get<0>(write);
        break;
      }
    }
    RC_ASSERT(run.store.synced_through() ==
              (oldest_losable != 0 ? oldest_losable - 1 : run.sequence));
    const auto durable = run.reference.fold(run.reference.synced_up_to);
    RC_ASSERT(values_of(run.store.durable_contents()) == durable);
    // The durable prefix scan is the durable state restricted to the prefix ("k1" holds only k1).
    std::map<std::string, std::string> scanned;
    for (const auto& [k, v] : run.store.durable_prefix("k1")) scanned[k] = v.value;
    RC_ASSERT(scanned == (durable.count("k1") ? std::map<std::string, std::string>{{"k1", durable.at("k1")}}
                                              : std::map<std::string, std::string>{}));
  }
}

// Syncs that never catch up with the writes (a sync every 4 writes, 30 us apart, each taking
// 100 us) keep the undo log from ever emptying, so its synced prefix is reclaimed while unsynced
// writes remain. A crash must still keep exactly the writes covered by completed syncs.
TEST(DurableStore, LaggingSyncsKeepTheUndoLogExactThroughReclaiming) {
  ModelRun run(3);
  std::size_t peak_pending = 0;
  for (int i = 0; i < 600; ++i) {
    run.write("k" + std::to_string(i % 7), std::to_string(i));
    if (i % 4 == 3) run.start_sync();
    run.advance(sim::microseconds(30));
    peak_pending = std::max(peak_pending, run.store.pending_writes());
    ASSERT_EQ(run.store.pending_writes(), run.sequence - run.reference.synced_up_to)
        << "after write " << i;
  }
  ASSERT_GT(run.completed, 100) << "syncs completed all along";
  ASSERT_GT(run.reference.synced_up_to, 0u);
  ASSERT_LT(peak_pending, 40u) << "the undo log holds the unsynced writes only";
  EXPECT_EQ(values_of(run.store.durable_contents()), run.reference.fold(run.reference.synced_up_to));
  const std::uint64_t unsynced = run.sequence - run.reference.synced_up_to;
  run.crash();
  EXPECT_EQ(values_of(run.store.contents()), run.reference.base);
  EXPECT_EQ(run.store.stats().lost_writes, unsynced);
}

// The store's inline key order (eight bytes at a time) is exactly std::string's byte-wise order,
// including bytes above 0x7f, keys that are prefixes of others, and keys longer than a word.
RC_GTEST_PROP(KeyLessModel, OrdersKeysAsStdStringDoes, ()) {
  const auto key = rc::gen::mapcat(rc::gen::inRange<std::size_t>(0, 24), [](std::size_t length) {
    return rc::gen::container<std::string>(length, rc::gen::element('\0', 'a', 'b', '\x80', '\xff'));
  });
  const std::string a = *key;
  const std::string b = *rc::gen::oneOf(key, rc::gen::just(a + "a"), rc::gen::just(a));
  RC_ASSERT(KeyLess::less(a, b) == (a < b));
  RC_ASSERT(KeyLess::less(b, a) == (b < a));
}

TEST(DurableStore, DurablePrefixSeesSyncedRowsOnlyAndKeyOrder) {
  Simulator simulator(1);
  DurableStore store(simulator);
  store.put("o/2", "b");
  store.put("o/1", "a");
  store.put("p/1", "other prefix");
  store.sync_now();
  store.put("o/3", "unsynced");  // new, not durable: absent
  store.erase("o/1");            // unsynced deletion: still durable
  store.put("o/2", "changed");   // unsynced overwrite: the durable value shows
  const auto rows = store.durable_prefix("o/");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].first, "o/1");
  EXPECT_EQ(rows[0].second.value, "a");
  EXPECT_EQ(rows[1].first, "o/2");
  EXPECT_EQ(rows[1].second.value, "b");
}

TEST(DurableStore, PruneDropsSyncedRowsOutsideTheWriteModel) {
  Simulator simulator(1);
  DurableStore store(simulator);
  store.put("old", "1");
  store.sync_now();
  store.put("fresh", "2");
  EXPECT_FALSE(store.prune("fresh")) << "an unsynced write is needed for the crash roll-back";
  EXPECT_FALSE(store.prune("absent"));
  EXPECT_TRUE(store.prune("old"));
  EXPECT_FALSE(store.get("old").has_value());
  EXPECT_EQ(store.stats().writes, 2u) << "pruning is not a write";
  store.crash();
  EXPECT_FALSE(store.get("old").has_value()) << "a pruned row does not come back";
  EXPECT_FALSE(store.get("fresh").has_value());
}

}  // namespace
}  // namespace txsim::storage
