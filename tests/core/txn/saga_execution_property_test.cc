// Properties of the saga decision logic over random saga graphs, random participant outcomes
// (success, business failure, unknown), random reply order and orchestrator crashes.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "core/sim/distributions.h"
#include "core/txn/saga/execution.h"
#include "tests/core/txn/saga_test_support.h"

namespace txsim::saga {
namespace {

using testing::random_saga;
using testing::step;

// One participant's local state for one step, kept with a sub-transaction barrier: the action
// runs at most once and its result is remembered (duplicates get the same answer); a
// compensation that arrives first is recorded, and the late action is then refused.
struct Participant {
  enum class Action : std::uint8_t { kNone, kSucceeded, kFailed };
  Action action = Action::kNone;
  bool compensated = false;
  bool effect() const { return action == Action::kSucceeded && !compensated; }

  Outcome handle(const Command& c, sim::Rng& rng) {
    if (c.type == Command::Type::kCompensate) {
      compensated = true;
      return Outcome::kSuccess;
    }
    if (compensated) return Outcome::kFailure;  // hanging action refused
    if (action == Action::kNone) {
      action = sim::bernoulli(rng, 0.85) ? Action::kSucceeded : Action::kFailed;
    }
    return action == Action::kSucceeded ? Outcome::kSuccess : Outcome::kFailure;
  }
};

struct Run {
  SagaStatus status;
  std::vector<Participant> participants;
  std::vector<std::string> violations;
};

Run drive(const SagaDefinition& d, sim::Rng& rng, double crash_probability) {
  Run run{SagaStatus::kRunning, std::vector<Participant>(d.steps.size()), {}};
  std::vector<std::vector<std::uint32_t>> successors(d.steps.size());
  for (std::uint32_t s = 0; s < d.steps.size(); ++s) {
    for (const auto b : d.steps[s].after) successors[b].push_back(s);
  }
  sim::Time now = sim::Time::zero();
  auto execution = std::make_unique<SagaExecution>(d);
  Commands outstanding;
  execution->start(now, outstanding);
  bool compensating_seen = false;

  auto audit = [&](const Commands& issued) {
    for (const Command& c : issued) {
      const auto& def = d.steps[c.step];
      if (c.type == Command::Type::kCompensate && def.kind != StepKind::kCompensatable) {
        run.violations.push_back("compensation issued for " + std::string(to_string(def.kind)) +
                                 " step " + def.name);
      }
      if (c.type == Command::Type::kInvoke && c.attempt == 1 && compensating_seen) {
        run.violations.push_back("new forward step " + def.name + " after backward recovery began");
      }
      if (c.type == Command::Type::kCompensate && c.attempt == 1 &&
          d.compensation_order == CompensationOrder::kReverse) {
        for (const auto next : successors[c.step]) {
          const auto st = execution->step_status(next);
          if (st != StepStatus::kPending && st != StepStatus::kFailed &&
              st != StepStatus::kCompensated) {
            run.violations.push_back("compensated " + def.name + " before its successor " +
                                     d.steps[next].name + " (" + to_string(st) + ")");
          }
        }
      }
    }
  };

  for (int iteration = 0; iteration < 20'000 && !execution->finished(); ++iteration) {
    if (outstanding.empty()) {
      run.violations.push_back("saga not finished but nothing is in flight");
      break;
    }
    if (sim::bernoulli(rng, crash_probability)) {
      // Orchestrator crash: in-flight requests may or may not have reached their participant;
      // their replies are lost. The state comes back from the last checkpoint (every stage).
      for (const Command& c : outstanding) {
        if (sim::bernoulli(rng, 0.5)) run.participants[c.step].handle(c, rng);
      }
      outstanding.clear();
      execution = std::make_unique<SagaExecution>(SagaExecution::decode(d, execution->encode()));
      now += sim::milliseconds(100);
      execution->resume(now, outstanding);
      continue;
    }
    const auto index = rng.below(outstanding.size());
    const Command c = outstanding[index];
    outstanding.erase(outstanding.begin() + static_cast<std::ptrdiff_t>(index));
    now += c.delay + sim::milliseconds(1 + static_cast<std::int64_t>(rng.below(50)));
    // The request is lost, or the participant handles it and the reply may be lost: both are
    // an unknown outcome for the orchestrator.
    Outcome outcome = Outcome::kUnknown;
    if (sim::bernoulli(rng, 0.8)) {
      const Outcome result = run.participants[c.step].handle(c, rng);
      if (sim::bernoulli(rng, 0.8)) outcome = result;
    }
    Commands issued;
    execution->on_outcome(c, outcome, now, rng, issued);
    audit(issued);
    if (execution->status() == SagaStatus::kCompensating) compensating_seen = true;
    outstanding.insert(outstanding.end(), issued.begin(), issued.end());
  }
  run.status = execution->status();
  if (!execution->finished()) run.violations.push_back("saga did not finish");
  return run;
}

void check_atomic(const SagaDefinition& d, const Run& run) {
  for (const auto& v : run.violations) RC_FAIL(v);
  if (run.status == SagaStatus::kCommitted) {
    for (std::uint32_t s = 0; s < d.steps.size(); ++s) {
      RC_ASSERT(run.participants[s].effect());
    }
  }
  if (run.status == SagaStatus::kCompensated) {
    for (std::uint32_t s = 0; s < d.steps.size(); ++s) {
      RC_ASSERT(!run.participants[s].effect());
    }
  }
}

// Every saga finishes, and a saga that commits has all of its steps' effects while one that is
// compensated has none of them, whatever the participants answer and in whatever order.
RC_GTEST_PROP(SagaExecutionProperty, CommittedMeansAllEffectsCompensatedMeansNone,
              (std::uint64_t seed)) {
  sim::Rng rng(seed);
  const SagaDefinition d = random_saga(rng);
  validate_definition(d);
  check_atomic(d, drive(d, rng, 0.0));
}

// The same holds when the orchestrator crashes at random and recovers from its checkpoint.
RC_GTEST_PROP(SagaExecutionProperty, AtomicAcrossOrchestratorCrashes, (std::uint64_t seed)) {
  sim::Rng rng(seed);
  const SagaDefinition d = random_saga(rng);
  validate_definition(d);
  check_atomic(d, drive(d, rng, 0.05));
}

}  // namespace
}  // namespace txsim::saga
