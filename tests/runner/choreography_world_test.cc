// Saga choreography end to end (SagaWorld with a broker and no orchestrator): services react to
// each other's events; the checkers judge the participants' actual stores.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>

#include "core/cqrs/outbox.h"
#include "core/txn/saga/execution.h"
#include "runner/saga_world.h"
#include "tests/support/chain_world.h"

namespace txsim::runner {
namespace {

using test_support::crash_at;

// A retriable service that reports a transient error (kRetryLater) for the first `failures`
// attempts of every saga, then applies its effect. kNever: it never succeeds.
class FlakyService : public saga::SagaService {
 public:
  static constexpr std::uint32_t kNever = UINT32_MAX;
  explicit FlakyService(std::uint32_t failures) : failures_(failures) {}
  saga::StepResult apply_action(storage::DurableStore& store, const saga::StepRequest& request,
                                sim::Rng&) override {
    if (request.attempt <= failures_) return saga::StepResult::kRetryLater;
    store.put(key(request.saga_id), "done");
    return saga::StepResult::kSuccess;
  }
  void apply_compensation(storage::DurableStore&, const saga::StepRequest&) override {
    throw std::logic_error("a retriable step is never compensated");
  }
  bool effect_present(const storage::DurableStore& store, std::uint64_t saga_id) const override {
    return store.contents().count(key(saga_id)) > 0;
  }

 private:
  static std::string key(std::uint64_t saga_id) { return "flaky/" + cqrs::hex16(saga_id); }
  std::uint32_t failures_;
};

struct Options {
  std::vector<double> failure_probability;  // per step
  bool join = false;  // steps 0 and 1 in parallel, step 2 after both
  double duplication_probability = 0.0;
  double loss_probability = 0.0;
  // Set: step 1 is the pivot and step 2 a retriable FlakyService failing this many attempts.
  std::optional<std::uint32_t> retriable_failures = std::nullopt;
};

// The retry policy and deadline of the retriable step (deterministic backoff: no jitter).
saga::RetryPolicy retry_policy() {
  saga::RetryPolicy policy;
  policy.backoff_initial = sim::milliseconds(10);
  policy.backoff_max = sim::milliseconds(80);
  policy.full_jitter = false;
  return policy;
}
constexpr sim::Duration kRetryDeadline = sim::seconds(1);

// The shared chain world (tests/support/chain_world.h) under choreography; with
// `retriable_failures`, step s2 becomes the pivot and s3 a retriable FlakyService.
SagaWorldConfig world_config(const Options& options) {
  test_support::ChainWorldOptions chain;
  chain.choreography = true;
  chain.failure_probability = options.failure_probability;
  chain.join = options.join;
  chain.duplication_probability = options.duplication_probability;
  chain.loss_probability = options.loss_probability;
  SagaWorldConfig config = test_support::chain_world(chain);
  saga::SagaDefinition& definition = config.sagas.front();
  definition.forward_recovery_deadline = kRetryDeadline;
  if (options.retriable_failures) {
    // compensatable, pivot, retriable (Richardson's order)
    config.services.at(2).service = std::make_unique<FlakyService>(*options.retriable_failures);
    definition.steps[1].kind = saga::StepKind::kPivot;
    definition.steps[2].kind = saga::StepKind::kRetriable;
    definition.steps[1].compensation.clear();
    definition.steps[2].compensation.clear();
    definition.steps[2].retry = retry_policy();
  }
  return config;
}

struct Outcome {
  std::vector<check::CheckResult> checks;
  saga::OrchestratorStats stats;
  saga::SagaHistory history;
};

// Submits `sagas` sagas, one per millisecond, after `faults` are scheduled; runs 60 s.
template <typename Faults>
Outcome run(const Options& options, int sagas, Faults faults) {
  sim::Simulator simulator(7);
  SagaWorld world(simulator, world_config(options));
  world.start();
  test_support::submit_one_per_millisecond(simulator, world, sagas);
  faults(simulator, world);
  simulator.run(sim::Time::zero() + sim::seconds(60));
  EXPECT_EQ(world.in_flight(), 0u);
  auto checks = world.run_checks();
  return {std::move(checks), world.saga_stats(), world.history().history()};
}

void expect_all_pass(const Outcome& o) {
  for (const auto& c : o.checks) EXPECT_TRUE(c.passed()) << c.name << ": " << c.summary;
}

// Position in the history of each applied compensation, by (saga, step).
std::map<std::pair<std::uint64_t, std::uint32_t>, std::size_t> compensations(const saga::SagaHistory& h) {
  std::map<std::pair<std::uint64_t, std::uint32_t>, std::size_t> at;
  for (std::size_t i = 0; i < h.ops.size(); ++i) {
    const auto& op = h.ops[i];
    if (op.type == saga::OpType::kCompensation && op.result == saga::OpResult::kApplied) {
      at.emplace(std::pair{op.saga_id, op.step}, i);
    }
  }
  return at;
}

TEST(ChoreographyWorld, EverySagaCommitsWithoutFailures) {
  const auto o = run({{0, 0, 0}}, 50, [](auto&, auto&) {});
  expect_all_pass(o);
  EXPECT_EQ(o.stats.started, 50u);
  EXPECT_EQ(o.stats.committed, 50u);
  EXPECT_EQ(o.stats.committed_latency_ns.count(), 50u);
  for (const auto& steps : o.stats.steps) {
    for (const auto& step : steps) EXPECT_EQ(step.attempts, 50u);
  }
}

TEST(ChoreographyWorld, AFailureAtTheLastStepCompensatesTheOthersInReverseOrder) {
  const auto o = run({{0, 0, 1}}, 20, [](auto&, auto&) {});
  expect_all_pass(o);
  EXPECT_EQ(o.stats.compensated, 20u);
  const auto at = compensations(o.history);
  for (std::uint64_t saga = 1; saga <= 20; ++saga) {
    ASSERT_TRUE(at.count({saga, 0}) && at.count({saga, 1})) << "saga " << saga;
    EXPECT_LT(at.at({saga, 1}), at.at({saga, 0})) << "saga " << saga;
    EXPECT_FALSE(at.count({saga, 2})) << "the refused pivot has nothing to undo";
  }
}

TEST(ChoreographyWorld, AFailedJoinStepUndoesBothParallelBranches) {
  Options options{{0, 0, 1}};
  options.join = true;
  const auto o = run(options, 20, [](auto&, auto&) {});
  expect_all_pass(o);
  EXPECT_EQ(o.stats.compensated, 20u);
  EXPECT_EQ(compensations(o.history).size(), 40u);
  // The join started only after both branches: every saga ran the pivot once.
  EXPECT_EQ(o.stats.steps[0][2].attempts, 20u);
}

TEST(ChoreographyWorld, ServiceAndBrokerCrashesWithDuplicatesAndLossLoseNothing) {
  Options options{{0.05, 0.05, 0.05}};
  options.duplication_probability = 0.05;
  options.loss_probability = 0.01;
  const auto o = run(options, 3000, [](sim::Simulator& s, SagaWorld& w) {
    crash_at(s, w.node("n2"), sim::Time::zero() + sim::milliseconds(1000), sim::milliseconds(700));
    crash_at(s, w.node("broker"), sim::Time::zero() + sim::milliseconds(2000), sim::milliseconds(300));
  });
  expect_all_pass(o);
  EXPECT_EQ(o.stats.committed + o.stats.compensated, o.stats.started);
  EXPECT_GT(o.stats.compensated, 0u);
  // The entry service's node n1 never crashes, so no submission is refused.
  EXPECT_EQ(o.stats.rejected, 0u);
}

// The action attempts of step `step`, per saga, in attempt order.
std::map<std::uint64_t, std::vector<saga::StepAttempt>> action_attempts(const saga::SagaHistory& h,
                                                                        std::uint32_t step) {
  std::map<std::uint64_t, std::vector<saga::StepAttempt>> by_saga;
  for (const auto& a : h.attempts) {
    if (a.step == step && a.type == saga::OpType::kAction) by_saga[a.saga_id].push_back(a);
  }
  for (auto& [saga_id, attempts] : by_saga) {
    std::sort(attempts.begin(), attempts.end(),
              [](const auto& x, const auto& y) { return x.attempt < y.attempt; });
  }
  return by_saga;
}

// Attempts are numbered 1, 2, ... without a gap, and attempt n+1 starts no earlier than the
// step's backoff after retry n (the policy has no jitter, so the backoff is exact).
void expect_backoff_between_attempts(const std::vector<saga::StepAttempt>& attempts) {
  sim::Rng unused(1);
  for (std::size_t i = 0; i < attempts.size(); ++i) {
    ASSERT_EQ(attempts[i].attempt, i + 1) << "saga " << attempts[i].saga_id;
    if (i == 0) continue;
    const sim::Duration backoff =
        saga::backoff_delay(retry_policy(), static_cast<std::uint32_t>(i), unused);
    EXPECT_GE((attempts[i].sent_at - attempts[i - 1].done_at).ns(), backoff.ns())
        << "saga " << attempts[i].saga_id << " attempt " << attempts[i].attempt;
  }
}

TEST(ChoreographyWorld, ATransientlyFailingRetriableStepIsRetriedWithBackoffUntilItSucceeds) {
  constexpr std::uint32_t kFailures = 3;
  Options options{{0, 0, 0}};
  options.retriable_failures = kFailures;
  const auto o = run(options, 30, [](auto&, auto&) {});
  expect_all_pass(o);
  EXPECT_EQ(o.stats.committed, 30u);
  EXPECT_EQ(o.stats.compensated + o.stats.stuck, 0u);
  // Forward recovery: each saga ran the step kFailures times in vain, then once more.
  EXPECT_EQ(o.stats.steps[0][2].attempts, 30u * (kFailures + 1));
  EXPECT_EQ(o.stats.steps[0][2].retries, 30u * kFailures);
  const auto attempts = action_attempts(o.history, 2);
  ASSERT_EQ(attempts.size(), 30u);
  for (const auto& [saga_id, list] : attempts) {
    ASSERT_EQ(list.size(), kFailures + 1) << "saga " << saga_id;
    for (std::uint32_t i = 0; i < kFailures; ++i) {
      EXPECT_EQ(list[i].outcome, saga::AttemptOutcome::kFailure) << "saga " << saga_id;
    }
    EXPECT_EQ(list.back().outcome, saga::AttemptOutcome::kSuccess) << "saga " << saga_id;
    expect_backoff_between_attempts(list);
  }
}

TEST(ChoreographyWorld, ARetriableStepRetriesAcrossARestartOfItsService) {
  Options options{{0, 0, 0}};
  options.retriable_failures = 4;  // backoffs 10+20+40+80 ms: retries span the crash
  const auto o = run(options, 200, [](sim::Simulator& s, SagaWorld& w) {
    crash_at(s, w.node("n3"), sim::Time::zero() + sim::milliseconds(120), sim::milliseconds(300));
  });
  expect_all_pass(o);
  EXPECT_EQ(o.stats.committed, 200u);
  // At least four refused attempts per saga (a restart may repeat one, never skip one).
  EXPECT_GE(o.stats.steps[0][2].retries, 200u * 4);
}

TEST(ChoreographyWorld, ARetriableStepThatNeverSucceedsIsReportedStuckAtTheDeadline) {
  Options options{{0, 0, 0}};
  options.retriable_failures = FlakyService::kNever;
  const auto o = run(options, 20, [](auto&, auto&) {});
  EXPECT_EQ(o.stats.stuck, 20u);
  EXPECT_EQ(o.stats.committed + o.stats.compensated, 0u);
  for (const auto& c : o.checks) {
    if (c.name == "no_lost_work") {
      EXPECT_EQ(c.violations, 20u) << "every stuck saga is reported: " << c.summary;
    } else if (c.name == "effect_once" || c.name == "compensation_order") {
      EXPECT_TRUE(c.passed()) << c.name << ": " << c.summary;
    }
  }
  // Forward recovery never compensates: the steps before the pivot keep their effects.
  EXPECT_TRUE(compensations(o.history).empty());
  const auto attempts = action_attempts(o.history, 2);
  ASSERT_EQ(attempts.size(), 20u);
  for (const auto& saga : o.history.sagas) {
    ASSERT_EQ(saga.outcome, saga::SagaOutcome::kStuck) << "saga " << saga.saga_id;
    const auto& list = attempts.at(saga.saga_id);
    expect_backoff_between_attempts(list);
    for (const auto& a : list) EXPECT_EQ(a.outcome, saga::AttemptOutcome::kFailure);
    // The deadline runs from the first failed attempt; the service gives up at the first
    // wake-up after it, at most one capped backoff (80 ms) plus one attempt's service time
    // and sync later; publishing the stuck event adds a few link delays (1 ms each). 200 ms
    // bounds the sum of these with a wide margin for the exponential service time.
    const sim::Duration since_first_failure = saga.finished_at - list.front().done_at;
    EXPECT_GE(since_first_failure.ns(), kRetryDeadline.ns()) << "saga " << saga.saga_id;
    EXPECT_LE(since_first_failure.ns(), (kRetryDeadline + sim::milliseconds(200)).ns())
        << "saga " << saga.saga_id;
    // No attempt after the saga was given up.
    EXPECT_LE(list.back().done_at.ns(), saga.finished_at.ns()) << "saga " << saga.saga_id;
  }
}

// Rows of the service nodes' stores whose keys start with `prefix`.
std::size_t rows_with_prefix(SagaWorld& world, const std::string& prefix) {
  std::size_t n = 0;
  for (const char* node : {"n1", "n2", "n3"}) {
    const auto& rows = world.node(node).store().contents();
    for (auto it = rows.lower_bound(prefix); it != rows.end() && it->first.starts_with(prefix); ++it) ++n;
  }
  return n;
}

struct RetentionRun {
  std::string trace_hash;
  saga::OrchestratorStats stats;
  std::vector<check::CheckResult> checks;
  storage::StoreStats storage;
  std::size_t peak_state_rows = 0;    // "cs/" rows over the service nodes, sampled every 50 ms
  std::size_t peak_barrier_rows = 0;  // "b/" rows, likewise
  std::size_t peak_tracked = 0;       // sagas the monitor held state for
  std::size_t final_state_rows = 0;
  std::uint64_t forgotten = 0;
};

// 3000 sagas, one per ms, 5 % refusals per step, a crash of n2 and message duplication.
RetentionRun run_with_retention(std::optional<sim::Duration> horizon) {
  sim::Simulator simulator(11);
  Options options{{0.05, 0.05, 0.05}};
  options.duplication_probability = 0.02;
  SagaWorldConfig config = world_config(options);
  config.retention_horizon = horizon;
  SagaWorld world(simulator, std::move(config));
  world.start();
  test_support::submit_one_per_millisecond(simulator, world, 3000);
  crash_at(simulator, world.node("n2"), sim::Time::zero() + sim::milliseconds(1500), sim::milliseconds(100));
  RetentionRun r;
  // Sampling from outside the event loop (run() in slices) adds no event to the trace.
  for (int slice = 1; slice <= 200; ++slice) {
    simulator.run(sim::Time::zero() + sim::milliseconds(50 * slice));
    r.peak_state_rows = std::max(r.peak_state_rows, rows_with_prefix(world, "cs/"));
    r.peak_barrier_rows = std::max(r.peak_barrier_rows, rows_with_prefix(world, "b/"));
    r.peak_tracked = std::max(r.peak_tracked, world.monitor()->tracked());
  }
  EXPECT_EQ(world.in_flight(), 0u);
  r.trace_hash = simulator.trace_hash().hex();
  r.stats = world.saga_stats();
  r.checks = world.run_checks();
  r.storage = world.network().storage_stats();
  r.final_state_rows = rows_with_prefix(world, "cs/");
  if (world.retention() != nullptr) r.forgotten = world.retention()->forgotten();
  return r;
}

// Forgetting settled sagas (state rows, barrier records, the monitor's finished sagas) changes
// neither the run nor the checkers' verdicts, and bounds the state by the sagas of the last
// horizon instead of every saga run.
TEST(ChoreographyWorld, RetentionBoundsPerSagaStateWithoutChangingTheRun) {
  const RetentionRun without = run_with_retention(std::nullopt);
  const RetentionRun with = run_with_retention(sim::milliseconds(300));
  EXPECT_EQ(with.trace_hash, without.trace_hash);
  EXPECT_EQ(with.stats.committed, without.stats.committed);
  EXPECT_EQ(with.stats.compensated, without.stats.compensated);
  EXPECT_EQ(with.stats.committed + with.stats.compensated, 3000u);
  EXPECT_EQ(with.storage.writes, without.storage.writes) << "forgetting is not a modelled write";
  EXPECT_EQ(with.storage.syncs, without.storage.syncs);
  ASSERT_EQ(with.checks.size(), without.checks.size());
  for (std::size_t i = 0; i < with.checks.size(); ++i) {
    EXPECT_TRUE(with.checks[i].passed()) << with.checks[i].name << ": " << with.checks[i].summary;
    EXPECT_EQ(with.checks[i].summary, without.checks[i].summary) << with.checks[i].name;
  }
  // Without retention each of the 3 nodes keeps a state row per saga: 9000 at the end.
  EXPECT_EQ(without.final_state_rows, 9000u);
  // A saga is forgotten when a later one finishes a horizon after it (retention has no timer
  // of its own), so the last ~300 sagas stay; every node dropped its row of each of the others.
  EXPECT_GT(with.forgotten, 2500u);
  EXPECT_EQ(with.final_state_rows, 3 * (3000u - with.forgotten));
  // With a 300 ms horizon a node holds the sagas settled in the last 300 ms plus those in
  // flight: at one saga per ms, about 3 x (300 + a few tens) rows; the crash of n2 (100 ms)
  // adds its backlog. 1500 is far below the 9000 of a run without retention.
  EXPECT_LT(with.peak_state_rows, 1500u);
  EXPECT_LT(with.peak_barrier_rows, without.peak_barrier_rows / 2);
  // The monitor holds only sagas in flight, with or without retention.
  EXPECT_LT(with.peak_tracked, 500u);
  EXPECT_EQ(with.peak_tracked, without.peak_tracked);
}

}  // namespace
}  // namespace txsim::runner
