#include "core/txn/saga/barrier_record.h"

#include <gtest/gtest.h>

#include <optional>
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

// Crashes with torn last writes (the store keeps the first half of the last unsynced value).
// Returns the record as read after a crash that tears the write of `second` over `first`
// (synced; nullopt for no earlier write).
BarrierState torn(std::optional<BarrierState> first, BarrierState second) {
  sim::Simulator simulator(1);
  storage::DurableStore store(simulator, storage::StoreConfig{sim::Duration{}, true});
  if (first) first->write(store, BarrierKey(3, 0));
  store.sync_now();
  second.write(store, BarrierKey(3, 0));
  store.crash();
  const storage::Versioned* row = store.find(BarrierKey(3, 0));
  EXPECT_NE(row, nullptr);
  EXPECT_TRUE(row != nullptr && row->torn);
  return BarrierState::of(row);
}

TEST(BarrierState, ATornActionWriteNeverReadsAsSucceeded) {
  // The local transaction's business writes came before the barrier write and were rolled back
  // with it: a duplicate must not be told the action succeeded.
  BarrierState succeeded;
  succeeded.action = BarrierState::kSucceeded;
  const BarrierState read = torn(std::nullopt, succeeded);
  EXPECT_FALSE(read.action_succeeded());
  EXPECT_TRUE(read.action_ran()) << "as the old action row: present, not 'S'";
  EXPECT_FALSE(read.compensated);
}

TEST(BarrierState, ATornCompensationWriteStillReadsAsCompensated) {
  BarrierState succeeded;
  succeeded.action = BarrierState::kSucceeded;
  BarrierState compensated = succeeded;
  compensated.compensated = true;
  EXPECT_TRUE(torn(succeeded, compensated).compensated);
  BarrierState null_compensation;
  null_compensation.compensated = true;
  EXPECT_TRUE(torn(std::nullopt, null_compensation).compensated)
      << "a later action must still be refused as hanging";
}

}  // namespace
}  // namespace txsim::saga
