// Two-phase commit (scenarios/upload/2pc.textproto) and the CQRS read side
// (scenarios/cqrs/feed.textproto) under random fault plans, written with the public API only.
// Every generated fault heals (finite durations), and the drain leaves time to recover.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>

#include "txsim/testing.h"

namespace {

const txsim::Scenario& two_phase_commit() {
  static const txsim::Scenario scenario = txsim::Scenario::load(
      std::string(TXSIM_SOURCE_DIR) + "/scenarios/upload/2pc.textproto",
      {"stop.arrivals_s=1", "stop.drain_s=30"});
  return scenario;
}

// Fewer sessions and a short upload window keep a run in tens of milliseconds.
const txsim::Scenario& feed() {
  static const txsim::Scenario scenario = txsim::Scenario::load(
      std::string(TXSIM_SOURCE_DIR) + "/scenarios/cqrs/feed.textproto",
      {"stop.arrivals_s=1", "stop.drain_s=30", "cqrs.readers.sessions=200"});
  return scenario;
}

void assert_holds(const txsim::Scenario& scenario, const std::string& check) {
  const txsim::FaultPlan plan = *txsim::gen::fault_plan(scenario.budget(3));
  const auto seed = *rc::gen::inRange<std::uint64_t>(1, 1'000'000);
  const txsim::RunResult result = txsim::run(scenario, plan, seed);
  RC_ASSERT(result.has_check(check));
  const txsim::CheckOutcome outcome = result.check(check);
  if (!outcome.passed) {
    RC_FAIL(check + " failed with seed " + std::to_string(seed) + ": " + outcome.summary +
            "; witness " + outcome.witness);
  }
}

// Two-phase commit never commits a transaction at one participant and aborts it at another.
RC_GTEST_PROP(TwoPhaseCommitProperty, AtomicUnderRandomFaultPlans, ()) {
  assert_holds(two_phase_commit(), "twopc_atomicity");
}

// Every participant left in doubt learns the outcome once the faults have healed.
RC_GTEST_PROP(TwoPhaseCommitProperty, InDoubtResolvesUnderRandomFaultPlans, ()) {
  assert_holds(two_phase_commit(), "in_doubt_resolved");
}

// With idempotent projections, every view replica converges to the last committed version of
// every upload once the faults have healed.
RC_GTEST_PROP(CqrsProperty, ReplicasConvergeUnderRandomFaultPlans, ()) {
  assert_holds(feed(), "convergence");
}

}  // namespace
