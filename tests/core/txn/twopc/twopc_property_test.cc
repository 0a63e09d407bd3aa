// Two-phase commit under random fault plans that heal: crashes of the coordinator and of
// participants (each restarting), partitions of one node from the rest, and message loss.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/fault/fault_injector.h"
#include "tests/core/txn/twopc/twopc_test_support.h"

namespace txsim::twopc {
namespace {

using testing::System;
using testing::SystemOptions;

struct Result {
  std::vector<check::CheckResult> checks;
  std::uint64_t committed = 0;
  std::uint64_t aborted = 0;
  std::size_t in_flight = 0;
};

Result run(std::uint64_t seed) {
  sim::Rng plan(seed);
  sim::Simulator simulator(seed);
  SystemOptions o;
  o.participants = 2 + static_cast<std::uint32_t>(plan.below(3));
  o.colocated = plan.below(3) == 0;
  o.presumed_abort = plan.below(2) == 0;
  o.sync_latency = sim::microseconds(static_cast<std::int64_t>(plan.below(500)));
  o.participant.service_time_ms_mean = static_cast<double>(plan.below(3));
  o.participant.vote_timeout = sim::milliseconds(200);
  o.participant.query_interval = sim::milliseconds(100);
  o.coordinator.vote_wait = sim::milliseconds(300);
  o.coordinator.resend_interval = sim::milliseconds(100);
  System system(simulator, o);
  fault::FaultInjector faults(simulator, system.network);
  const auto nodes = static_cast<std::uint32_t>(system.network.size());
  const auto fault_count = plan.below(6);
  for (std::uint64_t i = 0; i < fault_count; ++i) {
    const sim::Time at = sim::Time::zero() + sim::microseconds(static_cast<std::int64_t>(plan.below(100000)));
    const sim::Duration length = sim::microseconds(1 + static_cast<std::int64_t>(plan.below(400000)));
    const auto node = static_cast<net::NodeId>(plan.below(nodes));
    switch (plan.below(3)) {
      case 0:
        faults.schedule({at, fault::PartitionFault{{node}, faults.all_except({node}), net::PartitionMode::kSymmetric}, length});
        break;
      case 1: faults.schedule({at, fault::LossFault{0.3}, length}); break;
      default: faults.schedule({at, fault::CrashFault{node}, length}); break;
    }
  }
  // Transactions over three keys (so some conflict); some are refused by a participant.
  constexpr TxnId kTxns = 12;
  for (TxnId txn = 1; txn <= kTxns; ++txn) {
    if (plan.below(5) == 0) system.resources[plan.below(o.participants)]->refuse.insert(txn);
  }
  struct Begin {
    System* system;
    std::uint64_t key_seed;
    static void fire(void* self, std::uint64_t txn) {
      auto& b = *static_cast<Begin*>(self);
      b.system->coordinator->begin(0, txn, {(txn * 7 + b.key_seed) % 3, 0});
    }
  } begin{&system, plan.below(3)};
  const std::uint32_t kind = simulator.register_kind("test.begin");
  for (TxnId txn = 1; txn <= kTxns; ++txn) {
    simulator.schedule_at(sim::Time::zero() + sim::microseconds(static_cast<std::int64_t>(plan.below(100000))),
                          kind, &Begin::fire, &begin, txn);
  }
  // Every fault heals by 0.5 s; queries and resends then finish everything well before 60 s.
  simulator.run(sim::Time::zero() + sim::seconds(60));
  Result r;
  r.checks = system.checks(simulator.now());
  for (const auto& [txn, record] : system.history.txns()) {
    if (record.outcome == Outcome::kCommitted) ++r.committed;
    if (record.outcome == Outcome::kAborted) ++r.aborted;
  }
  r.in_flight = system.coordinator->node().is_up() ? system.coordinator->in_flight() : 0;
  return r;
}

void require_checks(const Result& r) {
  for (const auto& check : r.checks) {
    if (check.passed()) continue;
    const auto& e = check.examples.front();
    RC_FAIL(check.name + ": " + check.summary + "; e.g. " + e.subject + " at " +
            std::to_string(e.at.ns()) + " ns: " + e.detail);
  }
}

// No transaction commits at one participant and aborts at another, and committed effects are
// all present or all absent, under any fault plan that heals.
RC_GTEST_PROP(TwoPcProperty, NeverCommitsAtOneParticipantAndAbortsAtAnother, (std::uint64_t seed)) {
  const Result r = run(seed);
  for (const auto& check : r.checks) {
    if (check.name == "twopc_atomicity") require_checks({{check}});
  }
}

// Once the coordinator is back and the faults have healed, every in-doubt participant learns
// the outcome, and the coordinator finishes every transaction it knows.
RC_GTEST_PROP(TwoPcProperty, EveryInDoubtParticipantResolvesOnceTheCoordinatorIsBack, (std::uint64_t seed)) {
  const Result r = run(seed);
  for (const auto& check : r.checks) {
    if (check.name == "in_doubt_resolved") require_checks({{check}});
  }
  RC_ASSERT(r.in_flight == 0u);
}

// The plans are not vacuous: across seeds, transactions both commit and abort.
TEST(TwoPcPlans, RandomPlansCommitSomeTransactionsAndAbortOthers) {
  std::uint64_t committed = 0, aborted = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const Result r = run(seed);
    committed += r.committed;
    aborted += r.aborted;
  }
  EXPECT_GT(committed, 20u);
  EXPECT_GT(aborted, 5u);
}

}  // namespace
}  // namespace txsim::twopc
