// The store's node pool: blocks are reused, and a copy of a store's rows owes nothing to the
// store it was copied from.
#include <gtest/gtest.h>

#include <memory>

#include "core/sim/address_sanitizer.h"
#include "core/storage/durable_store.h"
#include "core/storage/node_pool.h"

namespace txsim::storage {
namespace {

TEST(NodePool, AFreedBlockIsReusedByTheNextAllocationOfItsSize) {
  if constexpr (sim::kAddressSanitized) GTEST_SKIP() << "nodes come from the heap under ASan";
  NodePool pool;
  void* first = pool.allocate(112);
  pool.deallocate(first, 112);
  EXPECT_EQ(pool.allocate(112), first);
  // Another size is not the pool's: it comes from the heap and goes back there.
  void* other = pool.allocate(48);
  EXPECT_NE(other, first);
  pool.deallocate(other, 48);
}

TEST(NodePool, ACopyOfTheRowsAllocatesFromTheHeapAndOutlivesTheStore) {
  sim::Simulator simulator(1);
  auto store = std::make_unique<DurableStore>(simulator, StoreConfig{sim::Duration{}, false});
  EXPECT_NE(store->contents().get_allocator().pool(), nullptr);
  for (int i = 0; i < 100; ++i) store->put("k" + std::to_string(i), "v");
  store->sync_now();
  const DurableStore::Map copy = store->durable_contents();
  EXPECT_EQ(copy.get_allocator().pool(), nullptr);
  store.reset();
  ASSERT_EQ(copy.size(), 100u);
  EXPECT_EQ(copy.at("k42").value, "v");
}

}  // namespace
}  // namespace txsim::storage
