#include "core/txn/saga/barrier_record.h"

#include <gtest/gtest.h>

#include <string>

#include "core/sim/simulator.h"

namespace txsim::saga {
namespace {

TEST(BarrierKey, NamesSagaAndStepInDecimal) {
  EXPECT_EQ(std::string_view(BarrierKey(0, 0)), "b/0/0");
  EXPECT_EQ(std::string_view(BarrierKey(1234567, 4)), "b/1234567/4");
  EXPECT_EQ(std::string_view(BarrierKey(UINT64_MAX, UINT32_MAX)),
            "b/" + std::to_string(UINT64_MAX) + "/" + std::to_string(UINT32_MAX));
}

TEST(BarrierState, AnAbsentRecordMeansNothingRan) {
  const BarrierState state = BarrierState::of(nullptr);
  EXPECT_FALSE(state.action_ran());
  EXPECT_FALSE(state.compensated);
}

TEST(BarrierState, EveryStateReadsBackAsWritten) {
  sim::Simulator simulator(1);
  storage::DurableStore store(simulator);
  for (const char action : {BarrierState::kNoAction, BarrierState::kSucceeded, BarrierState::kFailed}) {
    for (const bool compensated : {false, true}) {
      BarrierState written;
      written.action = action;
      written.compensated = compensated;
      written.write(store, BarrierKey(7, 2));
      const BarrierState read = BarrierState::of(store.find(BarrierKey(7, 2)));
      EXPECT_EQ(read.action, action);
      EXPECT_EQ(read.compensated, compensated);
      EXPECT_EQ(read.action_succeeded(), action == BarrierState::kSucceeded);
    }
  }
  EXPECT_EQ(store.contents().size(), 1u) << "one row per (saga, step)";
}

TEST(BarrierState, ATornCompensationKeepsTheActionAndLosesTheMark) {
  sim::Simulator simulator(1);
  storage::DurableStore store(simulator, storage::StoreConfig{sim::Duration{}, true});
  BarrierState state;
  state.action = BarrierState::kSucceeded;
  state.write(store, BarrierKey(3, 0));
  store.sync_now();
  state.compensated = true;
  state.write(store, BarrierKey(3, 0));
  store.crash();  // the unsynced compensation mark is torn: half of its two bytes survive
  const storage::Versioned* row = store.find(BarrierKey(3, 0));
  ASSERT_NE(row, nullptr);
  ASSERT_TRUE(row->torn);
  const BarrierState read = BarrierState::of(row);
  EXPECT_TRUE(read.action_succeeded());
  EXPECT_FALSE(read.compensated);
}

}  // namespace
}  // namespace txsim::saga
