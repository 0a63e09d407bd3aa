// Deletion follows the same durability rule as a write: volatile until a sync covers it.
#include <gtest/gtest.h>

#include "core/storage/durable_store.h"

namespace txsim::storage {
namespace {

TEST(DurableStoreErase, UnsyncedDeletionIsUndoneByACrash) {
  sim::Simulator simulator(1);
  DurableStore store(simulator);
  store.put("k", "v");
  store.sync_now();
  store.erase("k");
  EXPECT_FALSE(store.get("k").has_value()) << "reads see the deletion at once";
  store.crash();
  ASSERT_TRUE(store.get("k").has_value()) << "the deletion was never synced";
  EXPECT_EQ(store.get("k")->value, "v");
  EXPECT_EQ(store.stats().lost_writes, 1u);
}

TEST(DurableStoreErase, SyncedDeletionSurvivesACrash) {
  sim::Simulator simulator(1);
  DurableStore store(simulator);
  store.put("k", "v");
  store.erase("k");
  store.put("other", "x");
  store.sync_now();
  store.crash();
  EXPECT_FALSE(store.get("k").has_value());
  EXPECT_TRUE(store.get("other").has_value());
  EXPECT_EQ(store.durable_contents().size(), 1u);
}

TEST(DurableStoreErase, TornLastWriteDoesNotApplyToADeletion) {
  sim::Simulator simulator(1);
  DurableStore store(simulator, StoreConfig{sim::microseconds(100), true});
  store.put("k", "value");
  store.sync_now();
  store.erase("k");
  store.crash();
  ASSERT_TRUE(store.get("k").has_value());
  EXPECT_EQ(store.get("k")->value, "value");
  EXPECT_EQ(store.stats().torn_writes, 0u);
}

}  // namespace
}  // namespace txsim::storage
