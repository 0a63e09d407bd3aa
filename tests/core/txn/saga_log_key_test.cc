#include "core/txn/saga/saga_log_key.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>

#include "core/storage/durable_store.h"

namespace txsim::saga {
namespace {

TEST(SagaLogKey, ShortBelowTwoToTheFortyEightAndMarkedAbove) {
  EXPECT_EQ(saga_log_key(0), "sl/000000000000");
  EXPECT_EQ(saga_log_key(0xabc), "sl/000000000abc");
  EXPECT_EQ(saga_log_key((std::uint64_t{1} << 48) - 1), "sl/ffffffffffff");
  EXPECT_EQ(saga_log_key(std::uint64_t{1} << 48), "sl/g0001000000000000");
  EXPECT_EQ(saga_log_key(UINT64_MAX), "sl/gffffffffffffffff");
  EXPECT_LE(saga_log_key((std::uint64_t{1} << 48) - 1).size(), 15u) << "kept inline by std::string";
}

TEST(SagaLogKey, ParsingRefusesWhatItDoesNotWrite) {
  EXPECT_FALSE(parse_saga_log_key("saga/0000000000000001"));
  EXPECT_FALSE(parse_saga_log_key("sl/1"));
  EXPECT_FALSE(parse_saga_log_key("sl/00000000000G"));
  EXPECT_FALSE(parse_saga_log_key("sl/g0000000000000001")) << "a small id written wide";
}

// Invariant: keys sort (in the store's byte order) exactly as their saga ids do, and parse back to
// the same id — so recovery, which walks the log in key order, re-drives sagas in id order.
RC_GTEST_PROP(SagaLogKey, SortsAsSagaIdsAndParsesBack, ()) {
  const auto id = rc::gen::oneOf(rc::gen::arbitrary<std::uint64_t>(),
                                 rc::gen::inRange<std::uint64_t>(0, 1u << 20),
                                 rc::gen::inRange<std::uint64_t>((std::uint64_t{1} << 48) - 1000,
                                                                 (std::uint64_t{1} << 48) + 1000));
  const std::uint64_t a = *id;
  const std::uint64_t b = *id;
  RC_ASSERT(parse_saga_log_key(saga_log_key(a)) == a);
  RC_ASSERT(storage::KeyLess::less(saga_log_key(a), saga_log_key(b)) == (a < b));
}

}  // namespace
}  // namespace txsim::saga
