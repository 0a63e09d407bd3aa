// Two-phase commit under the failures it is known for: a coordinator crash after prepare blocks
// the participants (in doubt, holding their locks) until it recovers; a participant that cannot
// vote in time votes no; conflicting transactions are serialised by their locks.
#include <gtest/gtest.h>

#include "core/fault/fault_injector.h"
#include "core/txn/twopc/transaction_path.h"
#include "tests/core/txn/twopc/twopc_test_support.h"

namespace txsim::twopc {
namespace {

using testing::System;
using testing::SystemOptions;

sim::Time at_ms(std::int64_t ms) { return sim::Time::zero() + sim::milliseconds(ms); }

// Prepares reach rm0 and rm1 at 1 ms, their yes votes would reach the coordinator at 2 ms: the
// coordinator crashes at 1.5 ms, for `downtime`.
struct CrashAfterPrepare {
  explicit CrashAfterPrepare(bool presumed_abort, sim::Duration downtime)
      : simulator(1), system(simulator, options(presumed_abort)), faults(simulator, system.network) {
    const auto tm = system.network.find_node("tm")->id();
    faults.schedule({sim::Time::zero() + sim::microseconds(1500), fault::CrashFault{tm}, downtime});
    EXPECT_TRUE(system.coordinator->begin(0, 1, {7, 0}));
  }
  static SystemOptions options(bool presumed_abort) {
    SystemOptions o;
    o.presumed_abort = presumed_abort;
    o.participant.query_interval = sim::milliseconds(100);
    return o;
  }
  sim::Simulator simulator;
  System system;
  fault::FaultInjector faults;
};

TEST(TwoPcBehaviour, CoordinatorCrashAfterPrepareLeavesParticipantsInDoubtHoldingLocks) {
  for (const bool presumed_abort : {false, true}) {
    SCOPED_TRACE(presumed_abort ? "presumed abort" : "presumed nothing");
    CrashAfterPrepare run(presumed_abort, sim::seconds(3));
    run.simulator.run(at_ms(2500));
    for (const auto& p : run.system.participants) {
      EXPECT_EQ(p->in_doubt(), 1u);
      EXPECT_TRUE(p->locks().held_by(1, "k7"));
      EXPECT_GT(p->stats().queries, 10u);  // asking every 100 ms, unanswered
    }
    EXPECT_EQ(run.system.in_doubt().size(), 2u);
    run.simulator.run();
    // The begin record was never forced, so the restarted coordinator has no trace of the
    // transaction: it answers the queries with abort, and the participants resolve.
    for (std::uint32_t part = 0; part < 2; ++part) {
      sim::Time at;
      EXPECT_EQ(run.system.applied(1, part, &at), Outcome::kAborted);
      EXPECT_GE(at, at_ms(3001));
      EXPECT_LE(at, at_ms(3001) + sim::milliseconds(100 + 2));
      EXPECT_EQ(run.system.participants[part]->in_doubt(), 0u);
      EXPECT_EQ(run.system.participants[part]->locks().locks_held(), 0u);
      EXPECT_GE(run.system.participants[part]->stats().in_doubt_ns, sim::seconds(3).ns() - sim::milliseconds(2).ns());
    }
    for (const auto& check : run.system.checks(run.simulator.now())) EXPECT_TRUE(check.passed()) << check.summary;
  }
}

TEST(TwoPcBehaviour, CommitRecordSurvivesACoordinatorCrashAndIsResent) {
  // Votes reach the coordinator at 2 ms; it forces its commit record (zero-time sync) and sends
  // commit, then crashes at 2.001 ms for 1 s. A partition of rm1 from 2.5 to 3.5 ms drops rm1's
  // copy of the decision. rm1 would ask only after 10 s: it learns the outcome when the
  // restarted coordinator re-sends commit from its log at 1002.001 ms, one delay later.
  sim::Simulator simulator(1);
  SystemOptions o;
  o.participant.query_interval = sim::seconds(10);
  System system(simulator, o);
  fault::FaultInjector faults(simulator, system.network);
  const auto tm = system.network.find_node("tm")->id();
  faults.schedule({at_ms(2) + sim::microseconds(500),
                   fault::PartitionFault{{1}, {tm}, net::PartitionMode::kSymmetric}, sim::milliseconds(1)});
  faults.schedule({at_ms(2) + sim::microseconds(1), fault::CrashFault{tm}, sim::seconds(1)});
  EXPECT_TRUE(system.coordinator->begin(0, 1, {7, 0}));
  simulator.run();
  sim::Time at0, at1;
  EXPECT_EQ(system.applied(1, 0, &at0), Outcome::kCommitted);
  EXPECT_EQ(system.applied(1, 1, &at1), Outcome::kCommitted);
  EXPECT_EQ(at0, at_ms(3));
  EXPECT_EQ(at1, at_ms(1003) + sim::microseconds(1));
  EXPECT_EQ(system.coordinator->stats().recovered, 1u);
  EXPECT_EQ(system.coordinator->in_flight(), 0u);  // both acknowledged: the record is gone
  for (const auto& check : system.checks(simulator.now())) EXPECT_TRUE(check.passed()) << check.summary;
}

// The same run, read back as the transaction's path (txsim replay --saga ID under 2PC). Derived
// from the timeline above: prepares sent at 0 and received at 1 ms; yes votes at 1 ms (no
// service time, zero-time syncs), received at 2 ms; commit sent to both at 2 ms. rm0 applies it
// at 3 ms; its acknowledgement reaches the crashed coordinator at 4 ms and is lost. rm1's copy
// is dropped by the partition. The restarted coordinator re-sends commit to both parts at
// 1002.001 ms (second send each): rm1 applies it at 1003.001 ms, both acknowledge, the
// acknowledgements arrive at 1004.001 ms. In doubt: rm0 2 ms, rm1 1002.001 ms.
TEST(TwoPcBehaviour, TheTransactionPathShowsEachParticipantsStepsAcrossTheCrash) {
  sim::Simulator simulator(1);
  SystemOptions o;
  o.participant.query_interval = sim::seconds(10);
  System system(simulator, o);
  system.history.record_paths();
  fault::FaultInjector faults(simulator, system.network);
  const auto tm = system.network.find_node("tm")->id();
  faults.schedule({at_ms(2) + sim::microseconds(500),
                   fault::PartitionFault{{1}, {tm}, net::PartitionMode::kSymmetric}, sim::milliseconds(1)});
  faults.schedule({at_ms(2) + sim::microseconds(1), fault::CrashFault{tm}, sim::seconds(1)});
  EXPECT_TRUE(system.coordinator->begin(0, 1, {7, 0}));
  simulator.run();
  const auto path = transaction_path(system.history, 1, 2);
  ASSERT_TRUE(path.has_value());
  EXPECT_FALSE(transaction_path(system.history, 2, 2).has_value());
  EXPECT_EQ(path->outcome, Outcome::kCommitted);
  EXPECT_EQ(path->decided_at, at_ms(2));
  const sim::Time resent = at_ms(1002) + sim::microseconds(1);
  for (const auto& p : path->parts) {
    SCOPED_TRACE("part " + std::to_string(p.part));
    EXPECT_EQ(p.prepare_sent, sim::Time::zero());
    EXPECT_EQ(p.prepare_received, at_ms(1));
    EXPECT_EQ(p.voted, at_ms(1));
    EXPECT_TRUE(p.vote_yes);
    EXPECT_EQ(p.vote_received, at_ms(2));
    EXPECT_EQ(p.decision_sent, at_ms(2));
    EXPECT_EQ(p.decision_sends, 2u);
    EXPECT_EQ(p.applied, Outcome::kCommitted);
    EXPECT_EQ(p.ack_received, resent + sim::milliseconds(2));
    EXPECT_EQ(p.queries, 0u);
  }
  EXPECT_EQ(path->parts[0].applied_at, at_ms(3));
  EXPECT_EQ(path->parts[1].applied_at, resent + sim::milliseconds(1));
  const std::string text = to_text(*path, "all", {"rm0", "rm1"});
  EXPECT_NE(text.find("2PC transaction 1 (all): begun 0.000 ms, decided committed at 2.000 ms"),
            std::string::npos) << text;
  EXPECT_NE(text.find("part 1 rm1: prepare sent 0.000 ms; prepare received 1.000 ms; voted yes 1.000 ms; "
                      "vote received 2.000 ms; decision sent 2.000 ms (2 sends); applied committed "
                      "1003.001 ms; ack received 1004.001 ms; in doubt 1002.001 ms\n"),
            std::string::npos) << text;
  // Without record_paths() the history keeps no steps (the path shows only outcomes).
  TwoPhaseHistory quiet;
  quiet.step(1, 0, PathEvent::kPrepareSent, false, sim::Time::zero());
  EXPECT_TRUE(quiet.steps().empty());
}

TEST(TwoPcBehaviour, APrepareThatCannotTakeItsLockBeforeTheVoteTimeoutVotesNo) {
  CrashAfterPrepare run(false, sim::seconds(3));
  run.simulator.run(at_ms(500));
  // Transaction 2 touches the same key at rm0 while transaction 1 is in doubt there.
  net::Message prepare{};
  prepare.header.type = kPrepare;
  prepare.payload = encode(TwoPcMessage{2, 0, 0, 0, 0, {7, 0}});
  run.system.hosts[0]->deliver(prepare);
  run.simulator.run(at_ms(1499));
  const auto& rm0 = *run.system.participants[0];
  EXPECT_EQ(rm0.stats().vote_timeouts, 0u);  // still waiting: the timeout is 1000 ms
  run.simulator.run(at_ms(1501));
  EXPECT_EQ(rm0.stats().vote_timeouts, 1u);
  EXPECT_EQ(rm0.stats().votes_no, 1u);
  EXPECT_EQ(run.system.applied(2, 0), Outcome::kAborted);
  EXPECT_FALSE(rm0.effect_present(2));
  EXPECT_FALSE(run.system.network.node(0).store().get("pending/2").has_value());
  EXPECT_TRUE(rm0.locks().held_by(1, "k7"));  // the in-doubt transaction keeps its lock
  run.simulator.run();
  for (const auto& check : run.system.checks(run.simulator.now())) EXPECT_TRUE(check.passed()) << check.summary;
}

TEST(TwoPcBehaviour, TheCoordinatorAbortsWhenAVoteDoesNotCome) {
  sim::Simulator simulator(1);
  SystemOptions o;
  o.coordinator.vote_wait = sim::milliseconds(50);
  System system(simulator, o);
  fault::FaultInjector faults(simulator, system.network);
  faults.schedule({sim::Time::zero(), fault::CrashFault{1}, sim::seconds(1)});  // rm1 is down
  EXPECT_TRUE(system.coordinator->begin(0, 1, {7, 0}));
  simulator.run();
  sim::Time at;
  EXPECT_EQ(system.applied(1, 0, &at), Outcome::kAborted);
  EXPECT_EQ(at, at_ms(51));  // decided at 50 ms, one delay to rm0
  EXPECT_EQ(system.history.txns().at(1).outcome, Outcome::kAborted);
  for (const auto& check : system.checks(simulator.now())) EXPECT_TRUE(check.passed()) << check.summary;
}

TEST(TwoPcBehaviour, ConflictingTransactionsAreSerialisedByTheirLocks) {
  sim::Simulator simulator(1);
  SystemOptions o;
  o.sync_latency = sim::milliseconds(1);
  System system(simulator, o);
  EXPECT_TRUE(system.coordinator->begin(0, 1, {7, 0}));
  EXPECT_TRUE(system.coordinator->begin(0, 2, {7, 0}));  // same key k7
  EXPECT_TRUE(system.coordinator->begin(0, 3, {8, 0}));  // another key: not delayed
  simulator.run();
  for (TxnId txn : {1, 2, 3}) EXPECT_EQ(system.history.txns().at(txn).outcome, Outcome::kCommitted);
  for (std::uint32_t part = 0; part < 2; ++part) {
    sim::Time first, second, other;
    system.applied(1, part, &first);
    system.applied(2, part, &second);
    system.applied(3, part, &other);
    // Transaction 1 at a part: prepare arrives at 1, forced 2, vote at 3, decision forced 4,
    // applied at 5 (and forced until 6 before the locks go). Transaction 2 waits for them.
    EXPECT_EQ(first, at_ms(6));
    EXPECT_EQ(other, at_ms(6));
    EXPECT_EQ(second, at_ms(6 + 5));
    EXPECT_EQ(system.participants[part]->locks().wait_ns().max(), sim::milliseconds(5).ns());
    EXPECT_EQ(system.participants[part]->locks().hold_ns().count(), 3u);
  }
  for (const auto& check : system.checks(simulator.now())) EXPECT_TRUE(check.passed()) << check.summary;
}

}  // namespace
}  // namespace txsim::twopc
