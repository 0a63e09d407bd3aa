// The worked example of docs/testing.md, verbatim: a property over a user's scenario written with
// the public API. Keep the two in sync.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "txsim/testing.h"

namespace {

// A user's system: two services of their own type on two nodes (here the built-in generic
// participant stands in), a two-step saga, and the checks that must hold.
constexpr const char* kMyScenario = R"(
name: "payments"
seed: 1
stop { arrivals_s: 1  drain_s: 20 }
topology {
  latency_default { exponential { mean_ms: 1 } }
  node { name: "orchestrator" }
  node { name: "wallet" }
  node { name: "ledger" }
}
service { name: "wallet"  type: "generic.participant"  node: "wallet"
          param { key: "failure_probability" value: "0.05" } }
service { name: "ledger"  type: "generic.participant"  node: "ledger" }
saga {
  name: "pay"
  step { name: "debit"   service: "wallet"  compensation: "refund" }
  step { name: "record"  service: "ledger"  kind: PIVOT  after: "debit" }
}
protocol { saga_orchestration { orchestrator_node: "orchestrator" } }
workload { saga_arrivals { saga: "pay"  rate_per_s: 100  count: 100 } }
checks { run: "saga_atomicity"  run: "no_lost_work" }
)";

// Whatever faults happen (up to 3, all healing), a payment is debited and recorded, or refunded.
RC_GTEST_PROP(Payments, AtomicUnderAnyFaultPlan, ()) {
  static const txsim::Scenario scenario = txsim::Scenario::parse(kMyScenario, "payments");
  const txsim::FaultPlan plan = *txsim::gen::fault_plan(scenario.budget(3));
  const auto seed = *rc::gen::inRange<std::uint64_t>(1, 1000000);
  const txsim::RunResult result = txsim::run(scenario, plan, seed);
  RC_ASSERT(result.check("saga_atomicity").passed);
  RC_ASSERT(result.check("no_lost_work").passed);
}

}  // namespace
