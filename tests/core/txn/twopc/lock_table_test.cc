#include "core/txn/twopc/lock_table.h"

#include <gtest/gtest.h>

#include <vector>

namespace txsim::twopc {
namespace {

struct Log {
  std::vector<std::pair<TxnId, bool>> events;  // (txn, granted) in the order they resumed
};

sim::Task<void> take(LockTable& table, TxnId txn, std::string key, sim::Time deadline, Log& log,
                     sim::Simulator& simulator, sim::Duration hold) {
  const bool granted = co_await table.acquire(txn, key, deadline);
  log.events.emplace_back(txn, granted);
  if (!granted) co_return;
  co_await simulator.sleep(hold);
  table.release_all(txn);
}

TEST(LockTable, WaitersAreGrantedInArrivalOrder) {
  sim::Simulator simulator(1);
  LockTable table(simulator, simulator.register_kind("lock"));
  Log log;
  const auto far = sim::Time::zero() + sim::seconds(10);
  for (TxnId txn : {3, 1, 2}) simulator.spawn(take(table, txn, "k", far, log, simulator, sim::milliseconds(5)));
  simulator.run();
  ASSERT_EQ(log.events.size(), 3u);
  EXPECT_EQ(log.events[0].first, 3u);
  EXPECT_EQ(log.events[1].first, 1u);
  EXPECT_EQ(log.events[2].first, 2u);
  EXPECT_EQ(table.locks_held(), 0u);
  EXPECT_EQ(table.hold_ns().count(), 3u);
  EXPECT_EQ(table.hold_ns().max(), sim::milliseconds(5).ns());
  // The third waited for two holds of 5 ms.
  EXPECT_EQ(table.wait_ns().max(), sim::milliseconds(10).ns());
}

TEST(LockTable, AWaiterGivesUpAtItsDeadline) {
  sim::Simulator simulator(1);
  LockTable table(simulator, simulator.register_kind("lock"));
  Log log;
  simulator.spawn(take(table, 1, "k", sim::Time::max(), log, simulator, sim::seconds(5)));
  simulator.spawn(take(table, 2, "k", sim::Time::zero() + sim::seconds(1), log, simulator, {}));
  simulator.run(sim::Time::zero() + sim::seconds(2));
  ASSERT_EQ(log.events.size(), 2u);
  EXPECT_EQ(log.events[1], std::make_pair(TxnId{2}, false));
  EXPECT_TRUE(table.held_by(1, "k"));
}

TEST(LockTable, LocksAreReentrantForTheSameTransaction) {
  sim::Simulator simulator(1);
  LockTable table(simulator, simulator.register_kind("lock"));
  table.take(1, "k");
  table.take(1, "k");
  EXPECT_THROW(table.take(2, "k"), std::logic_error);
  table.release_all(1);
  EXPECT_EQ(table.locks_held(), 0u);
}

}  // namespace
}  // namespace txsim::twopc
