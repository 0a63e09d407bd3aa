// Prune (retention's garbage collection) against a plain map, over random interleavings of
// writes, deletions, runs of prunes in key order, syncs and crashes.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "core/storage/durable_store.h"

namespace txsim::storage {
namespace {

struct Reference {
  std::map<std::string, std::string> current;
  std::map<std::string, std::optional<std::string>> durable_before;  // unsynced keys' durable value
  bool unsynced(const std::string& key) const { return durable_before.count(key) > 0; }
  void remember(const std::string& key) {
    if (unsynced(key)) return;
    const auto it = current.find(key);
    durable_before[key] = it == current.end() ? std::nullopt : std::optional(it->second);
  }
};

std::map<std::string, std::string> values_of(const DurableStore::Map& map) {
  std::map<std::string, std::string> result;
  for (const auto& [key, versioned] : map) result[key] = versioned.value;
  return result;
}

// Invariant: after every operation the store holds exactly the reference's rows; prune drops a
// row iff it exists and has no unsynced write; reads see exactly the reference's rows.
RC_GTEST_PROP(DurableStorePruneModel, PruneDropsExactlySyncedRowsWhateverTheOrder,
              (const std::vector<std::tuple<int, int, int>>& ops)) {
  sim::Simulator simulator(3);
  DurableStore store(simulator, StoreConfig{sim::Duration{}, false});
  Reference reference;
  int written = 0;
  for (const auto& [raw_kind, raw_key, raw_step] : ops) {
    const int kind = (raw_kind % 6 + 6) % 6;
    // Keys with a shared prefix, so that neighbours in key order are pruned one after another.
    const int index = (raw_key % 40 + 40) % 40;
    const std::string key = "b/" + std::to_string(index) + ((raw_step & 1) != 0 ? "/a" : "/c");
    if (kind == 0 || kind == 1) {
      const std::string value = std::to_string(++written);
      reference.remember(key);
      reference.current[key] = value;
      store.put(key, value);
    } else if (kind == 2) {
      reference.remember(key);
      reference.current.erase(key);
      store.erase(key);
    } else if (kind == 3) {
      // A run of prunes in key order from `key`, as retention does for settled sagas.
      const int run = (raw_step % 6 + 6) % 6 + 1;
      for (int i = 0; i < run; ++i) {
        const std::string k = "b/" + std::to_string((index + i) % 40) + (i % 2 == 0 ? "/a" : "/c");
        const bool expected = reference.current.count(k) > 0 && !reference.unsynced(k);
        RC_ASSERT(store.prune(k) == expected);
        if (expected) reference.current.erase(k);
      }
    } else if (kind == 4) {
      store.sync_now();
      reference.durable_before.clear();
    } else {
      store.crash();
      for (const auto& [k, before] : reference.durable_before) {
        if (before) {
          reference.current[k] = *before;
        } else {
          reference.current.erase(k);
        }
      }
      reference.durable_before.clear();
    }
    RC_ASSERT(values_of(store.contents()) == reference.current);
    const auto* row = store.find(key);
    RC_ASSERT((row != nullptr) == (reference.current.count(key) > 0));
  }
}

TEST(DurableStorePrune, PrunesInKeyOrderAndProvesAbsentKeysAbsent) {
  sim::Simulator simulator(1);
  DurableStore store(simulator, StoreConfig{sim::Duration{}, false});
  for (int i = 10; i < 40; ++i) store.put("b/" + std::to_string(i) + "/a", "S");
  store.put("effect/1", "1");
  store.sync_now();
  for (int i = 10; i < 40; ++i) {
    EXPECT_TRUE(store.prune("b/" + std::to_string(i) + "/a")) << i;
    EXPECT_FALSE(store.prune("b/" + std::to_string(i) + "/c")) << i;  // never written
  }
  EXPECT_EQ(store.contents().size(), 1u);
  EXPECT_TRUE(store.prune("effect/1"));
  EXPECT_TRUE(store.contents().empty());
  EXPECT_EQ(store.stats().writes, 31u);  // prunes are not modelled writes
}

}  // namespace
}  // namespace txsim::storage
