// Failure-free two-phase commit against the Two-Phase Commit row of Gray & Lamport,
// "Consensus on Transaction Commit", ACM TODS 31(1), 2006 (sec. 3 and table 1): with N
// participants and the commit begun by one participant,
//   - coordinator on its own node: 3N - 1 messages, 4 message delays;
//   - coordinator on the initiating participant's node: 3N - 3 messages, 3 message delays;
//   - N + 1 forced writes (N prepare records, the coordinator's commit record)
// until every participant has learned the outcome. Acknowledgements come after that and are
// counted separately. The delays are derived from a constant one-way latency and zero-time
// forced writes: the outcome arrives exactly delays x latency after begin-commit.
// And the presumed-abort variant (Mohan, Lindsay & Obermarck, ACM TODS 11(4), 1986): an abort
// forces no abort record and sends no acknowledgements.
#include <gtest/gtest.h>

#include "tests/core/txn/twopc/twopc_test_support.h"

namespace txsim::twopc {
namespace {

using testing::System;
using testing::SystemOptions;

constexpr double kLatencyMs = 1.0;
const sim::Duration kLatency = sim::milliseconds(1);

struct Figures {
  std::uint64_t messages_before_outcome;
  std::uint64_t forced_before_outcome;
  std::uint64_t messages_total;
  std::uint64_t forced_total;
  std::vector<sim::Time> learned;  // per participant
};

Figures commit_once(std::uint32_t n, bool colocated, std::uint32_t delays) {
  sim::Simulator simulator(1);
  SystemOptions options;
  options.participants = n;
  options.colocated = colocated;
  options.latency_ms = kLatencyMs;
  System system(simulator, options);
  EXPECT_TRUE(system.participants[0]->begin_commit(0, 1, 0, {7, 0}));
  // Everything before the outcome's arrival: stop one nanosecond before it.
  simulator.run(sim::Time::zero() + kLatency * delays - sim::nanoseconds(1));
  Figures f;
  f.messages_before_outcome = system.network.stats().messages_sent;
  f.forced_before_outcome = system.network.storage_stats().syncs;
  simulator.run();
  f.messages_total = system.network.stats().messages_sent;
  f.forced_total = system.network.storage_stats().syncs;
  for (std::uint32_t part = 0; part < n; ++part) {
    sim::Time at;
    EXPECT_EQ(system.applied(1, part, &at), Outcome::kCommitted) << "part " << part;
    f.learned.push_back(at);
  }
  for (const auto& check : system.checks(simulator.now())) EXPECT_TRUE(check.passed()) << check.summary;
  return f;
}

TEST(TwoPcReference, CoordinatorOnItsOwnNodeTakes3NMinus1MessagesAnd4Delays) {
  for (std::uint32_t n = 2; n <= 6; ++n) {
    SCOPED_TRACE("N = " + std::to_string(n));
    const Figures f = commit_once(n, false, 4);
    EXPECT_EQ(f.messages_before_outcome, 3 * n - 1);
    EXPECT_EQ(f.forced_before_outcome, n + 1);
    for (const auto at : f.learned) EXPECT_EQ(at, sim::Time::zero() + kLatency * 4);
    // Afterwards: one acknowledgement per participant, and each participant forces its commit
    // before acknowledging it.
    EXPECT_EQ(f.messages_total, 3 * n - 1 + n);
    EXPECT_EQ(f.forced_total, n + 1 + n);
  }
}

TEST(TwoPcReference, CoordinatorOnTheInitiatorsNodeTakes3NMinus3MessagesAnd3Delays) {
  for (std::uint32_t n = 2; n <= 6; ++n) {
    SCOPED_TRACE("N = " + std::to_string(n));
    const Figures f = commit_once(n, true, 3);
    EXPECT_EQ(f.messages_before_outcome, 3 * n - 3);
    // N + 1 on the commit path; the co-located participant, which learned the outcome at 2
    // delays, has also forced its own commit before acknowledging it.
    EXPECT_EQ(f.forced_before_outcome, n + 1 + 1);
    // The co-located participant learns from its own node at 2 delays, the others at 3.
    EXPECT_EQ(f.learned[0], sim::Time::zero() + kLatency * 2);
    for (std::uint32_t part = 1; part < n; ++part) {
      EXPECT_EQ(f.learned[part], sim::Time::zero() + kLatency * 3);
    }
    EXPECT_EQ(f.messages_total, 3 * n - 3 + (n - 1));
  }
}

struct AbortFigures {
  std::uint64_t messages;
  std::uint64_t forced;
  std::uint64_t coordinator_forced;
};

// N participants, begun at the coordinator; the last participant votes no.
AbortFigures abort_once(std::uint32_t n, bool presumed_abort) {
  sim::Simulator simulator(1);
  SystemOptions options;
  options.participants = n;
  options.presumed_abort = presumed_abort;
  System system(simulator, options);
  system.resources[n - 1]->refuse.insert(1);
  EXPECT_TRUE(system.coordinator->begin(0, 1, {7, 0}));
  simulator.run();
  for (std::uint32_t part = 0; part < n; ++part) EXPECT_EQ(system.applied(1, part), Outcome::kAborted);
  for (std::uint32_t part = 0; part < n; ++part) EXPECT_FALSE(system.participants[part]->effect_present(1));
  for (const auto& check : system.checks(simulator.now())) EXPECT_TRUE(check.passed()) << check.summary;
  return {system.network.stats().messages_sent, system.network.storage_stats().syncs,
          system.coordinator->stats().forced_writes};
}

TEST(TwoPcReference, PresumedAbortSendsNoAcknowledgementsAndForcesNoAbortRecord) {
  for (std::uint32_t n = 2; n <= 6; ++n) {
    SCOPED_TRACE("N = " + std::to_string(n));
    // N prepares, N votes, N - 1 aborts (the no voter has aborted already); only the N - 1 yes
    // voters force (their prepare records).
    const AbortFigures pa = abort_once(n, true);
    EXPECT_EQ(pa.messages, n + n + (n - 1));
    EXPECT_EQ(pa.coordinator_forced, 0u);
    EXPECT_EQ(pa.forced, n - 1);
    // Presumed nothing: N - 1 acknowledgements more, a forced abort record at the coordinator
    // and a forced abort at each yes voter before it acknowledges.
    const AbortFigures pn = abort_once(n, false);
    EXPECT_EQ(pn.messages, n + n + (n - 1) + (n - 1));
    EXPECT_EQ(pn.coordinator_forced, 1u);
    EXPECT_EQ(pn.forced, (n - 1) + 1 + (n - 1));
  }
}

}  // namespace
}  // namespace txsim::twopc
