// The W3 transfer service against a trivially correct model (a map of balances and a set of
// applied transfers), and the Zipf key draws of the transfer arrivals.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <vector>

#include "core/sim/simulator.h"
#include "core/storage/durable_store.h"
#include "plugins/transfer/transfer_arrivals.h"
#include "plugins/transfer/transfer_service.h"

namespace txsim::plugins::transfer {
namespace {

saga::StepRequest request(std::uint64_t id, std::uint64_t a, std::uint64_t b) {
  saga::StepRequest r;
  r.saga_id = id;
  r.args = {a, b};
  return r;
}

TEST(TransferService, WithdrawRefusesBelowZeroAndLeavesNoEffect) {
  sim::Simulator simulator(1);
  storage::DurableStore store(simulator);
  TransferService p1(Role::kWithdraw, 1);
  sim::Rng rng = simulator.stream("test");
  EXPECT_EQ(p1.apply_action(store, request(1, 7, 0), rng), saga::StepResult::kSuccess);
  EXPECT_EQ(p1.balance(store, 7), 0);
  EXPECT_EQ(p1.apply_action(store, request(2, 7, 0), rng), saga::StepResult::kFailure);
  EXPECT_FALSE(p1.effect_present(store, 2));
  EXPECT_EQ(p1.balance(store, 7), 0);
  p1.apply_compensation(store, request(1, 7, 0));
  EXPECT_EQ(p1.balance(store, 7), 1);
  EXPECT_EQ(p1.net_change(store), 0);
}

TEST(TransferService, RoleNamesRoundTripAndUnknownRoleIsRejected) {
  for (const Role role : {Role::kWithdraw, Role::kDeposit, Role::kLog}) {
    EXPECT_EQ(parse_role(to_string(role)), role);
  }
  EXPECT_THROW(parse_role("borrow"), std::invalid_argument);
}

TEST(TransferService, DirtyReadsCountReadsBetweenADepositAndItsCompensation) {
  sim::Simulator simulator(1);
  storage::DurableStore store(simulator);
  TransferService p2(Role::kDeposit, 0);
  sim::Rng rng = simulator.stream("test");
  p2.apply_action(store, request(1, 0, 5), rng);  // deposit d1 to row 5
  p2.apply_action(store, request(2, 0, 5), rng);  // reads row 5: sees d1
  p2.apply_action(store, request(3, 0, 6), rng);  // another row: sees nothing of d1
  p2.apply_action(store, request(4, 0, 5), rng);  // sees d1 and d2
  p2.apply_compensation(store, request(1, 0, 5));  // d1 undone: reads by 2 and 4 were dirty
  EXPECT_EQ(p2.dirty_reads(), 2u);
  p2.apply_action(store, request(5, 0, 5), rng);  // after d1's compensation: not dirty for d1
  p2.apply_compensation(store, request(4, 0, 5));  // d4 undone: read by 5 was dirty
  EXPECT_EQ(p2.dirty_reads(), 3u);
  EXPECT_EQ(p2.balance(store, 5), 2);
}

struct Op {
  bool compensate;
  std::uint64_t id;  // transfer id; a compensation may name one never applied
  std::uint64_t key;
};

// Over any sequence of actions and compensations (including compensations of transfers never
// applied, and repeated ones), every row's balance, every effect marker and the dirty-read count
// equal the model's: a map of balances, the set of applied transfers, and a brute-force count of
// (read, later-compensated deposit) pairs.
RC_GTEST_PROP(TransferService, MatchesAMapModel, ()) {
  const auto role = *rc::gen::element(Role::kWithdraw, Role::kDeposit, Role::kLog);
  const auto initial = *rc::gen::inRange<std::int64_t>(0, 4);
  const auto ops = *rc::gen::container<std::vector<Op>>(rc::gen::construct<Op>(
      rc::gen::arbitrary<bool>(), rc::gen::inRange<std::uint64_t>(1, 30),
      rc::gen::inRange<std::uint64_t>(1, 5)));
  sim::Simulator simulator(1);
  storage::DurableStore store(simulator);
  TransferService service(role, initial);
  sim::Rng rng = simulator.stream("test");

  std::map<std::uint64_t, std::int64_t> balance;    // model
  std::map<std::uint64_t, std::uint64_t> applied;   // transfer id -> its key
  std::set<std::uint64_t> ever;                     // ids whose action ran (ids are unique)
  struct Event { bool read; std::uint64_t id, key; };  // deposit reads and compensations
  std::vector<Event> events;
  auto bal = [&](std::uint64_t k) { return balance.count(k) ? balance[k] : initial; };
  for (const auto& op : ops) {
    const auto r = request(op.id, op.key, op.key);
    if (!op.compensate) {
      if (ever.count(op.id)) continue;  // each transfer's action runs once (the barrier's job)
      const auto result = service.apply_action(store, r, rng);
      const bool refuse = role == Role::kWithdraw && bal(op.key) < 1;
      RC_ASSERT(result == (refuse ? saga::StepResult::kFailure : saga::StepResult::kSuccess));
      if (refuse) continue;
      ever.insert(op.id);
      applied[op.id] = op.key;
      if (role == Role::kWithdraw) balance[op.key] = bal(op.key) - 1;
      if (role == Role::kDeposit) {
        balance[op.key] = bal(op.key) + 1;
        events.push_back({true, op.id, op.key});
      }
    } else {
      service.apply_compensation(store, r);
      const auto it = applied.find(op.id);
      if (it == applied.end()) continue;
      if (role == Role::kWithdraw) balance[it->second] = bal(it->second) + 1;
      if (role == Role::kDeposit) {
        balance[it->second] = bal(it->second) - 1;
        events.push_back({false, op.id, it->second});
      }
      applied.erase(it);
    }
  }
  for (std::uint64_t k = 1; k < 5; ++k) RC_ASSERT(service.balance(store, k) == bal(k));
  for (std::uint64_t id = 1; id < 30; ++id) {
    RC_ASSERT(service.effect_present(store, id) == (applied.count(id) > 0));
  }
  std::int64_t net = 0;
  for (const auto& [k, v] : balance) net += v - initial;
  RC_ASSERT(service.net_change(store) == net);
  std::uint64_t dirty = 0;
  for (std::size_t c = 0; c < events.size(); ++c) {
    if (events[c].read) continue;
    std::size_t d = 0;
    while (!(events[d].read && events[d].id == events[c].id)) ++d;
    for (std::size_t r = d + 1; r < c; ++r) dirty += events[r].read && events[r].key == events[c].key;
  }
  RC_ASSERT(service.dirty_reads() == dirty);
}

struct TwoPcOp {
  int kind;  // 0 prepare, 1 commit, 2 abort
  std::uint64_t txn;
  std::uint64_t key;
};

// As a 2PC resource, over any sequence of prepares, commits and aborts (repeated, out of order,
// for transactions never prepared): a balance changes only when a prepared transaction commits,
// a commit or abort is idempotent, an abort never undoes a commit, and effect_present is true
// exactly for committed transactions. Model: a map of balances and the prepared/committed sets.
RC_GTEST_PROP(TransferService, TwoPhaseResourceMatchesAMapModel, ()) {
  const auto role = *rc::gen::element(Role::kWithdraw, Role::kDeposit, Role::kLog);
  const auto initial = *rc::gen::inRange<std::int64_t>(0, 3);
  const auto ops = *rc::gen::container<std::vector<TwoPcOp>>(rc::gen::construct<TwoPcOp>(
      rc::gen::inRange(0, 3), rc::gen::inRange<std::uint64_t>(1, 15),
      rc::gen::inRange<std::uint64_t>(1, 4)));
  sim::Simulator simulator(1);
  storage::DurableStore store(simulator);
  TransferService service(role, initial);
  sim::Rng rng = simulator.stream("test");
  std::map<std::uint64_t, std::int64_t> balance;
  std::map<std::uint64_t, std::uint64_t> prepared;  // txn -> key
  std::set<std::uint64_t> committed, used;
  auto bal = [&](std::uint64_t k) { return balance.count(k) ? balance[k] : initial; };
  for (const auto& op : ops) {
    twopc::Operation o;
    o.txn = op.txn;
    o.args = {op.key, op.key};
    if (op.kind == 0) {
      if (used.count(op.txn)) continue;  // a transaction prepares once per participant
      used.insert(op.txn);
      const auto keys = service.lock_keys(o);
      RC_ASSERT(keys.size() == (role == Role::kLog ? 0u : 1u));
      const bool no = role == Role::kWithdraw && bal(op.key) < 1;
      RC_ASSERT(service.prepare(store, o, rng) == (no ? twopc::Vote::kNo : twopc::Vote::kYes));
      if (!no) prepared[op.txn] = op.key;
    } else if (op.kind == 1) {
      const auto it = prepared.find(op.txn);
      if (it != prepared.end()) {
        o.args = {it->second, it->second};
        service.commit(store, o);
        if (role == Role::kWithdraw) balance[it->second] = bal(it->second) - 1;
        if (role == Role::kDeposit) balance[it->second] = bal(it->second) + 1;
        committed.insert(op.txn);
        prepared.erase(it);
      } else {
        service.commit(store, o);  // never prepared, or already committed/aborted: no-op
      }
    } else {
      service.abort(store, o);
      prepared.erase(op.txn);
    }
  }
  for (std::uint64_t k = 1; k < 4; ++k) RC_ASSERT(service.balance(store, k) == bal(k));
  for (std::uint64_t t = 1; t < 15; ++t) {
    RC_ASSERT(service.effect_present(store, t) == (committed.count(t) > 0));
  }
  RC_ASSERT(service.dirty_reads() == 0u);
}

// Key frequencies follow Zipf(s): P(k) = k^-s / H(n, s). With 200,000 draws (two keys per
// transfer) each observed frequency lies within 5 binomial standard errors of it.
TEST(TransferArrivals, KeysFollowZipf) {
  for (const double s : {0.0, 1.0, 1.5}) {
    constexpr std::uint64_t kKeys = 10;
    constexpr int kTransfers = 100'000;
    const sim::Zipf zipf(kKeys, s);
    sim::Simulator simulator(7);
    sim::Rng rng = simulator.stream("transfers/keys");
    std::vector<double> count(kKeys + 1, 0);
    for (int i = 0; i < kTransfers; ++i) {
      const auto keys = TransferArrivals::draw_keys(zipf, rng);
      ASSERT_GE(keys.a, 1u);
      ASSERT_LE(keys.b, kKeys);
      ++count[keys.a];
      ++count[keys.b];
    }
    double harmonic = 0;
    for (std::uint64_t k = 1; k <= kKeys; ++k) harmonic += std::pow(static_cast<double>(k), -s);
    const double n = 2.0 * kTransfers;
    for (std::uint64_t k = 1; k <= kKeys; ++k) {
      const double p = std::pow(static_cast<double>(k), -s) / harmonic;
      EXPECT_NEAR(count[k] / n, p, 5 * std::sqrt(p * (1 - p) / n)) << "s=" << s << " key " << k;
    }
  }
}

// The driver starts `count` transfers, at increasing times, and none after that.
TEST(TransferArrivals, StopsAfterCount) {
  sim::Simulator simulator(3);
  std::vector<saga::SagaArgs> started;
  TransferArrivalsConfig config;
  config.rate_per_s = 1000;
  config.count = 50;
  TransferArrivals arrivals(simulator, config, sim::Time::max(),
                            [&](saga::SagaArgs args) { started.push_back(args); });
  arrivals.start();
  simulator.run(sim::Time::max(), 1'000'000);
  EXPECT_EQ(started.size(), 50u);
  EXPECT_TRUE(arrivals.finished());
  EXPECT_GT(arrivals.last_arrival(), sim::Time::zero());
}

}  // namespace
}  // namespace txsim::plugins::transfer
