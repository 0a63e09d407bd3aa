// The search of `txsim check` (testing/fault_search.h): delta debugging against a model, and
// the search itself on the two known-bad upload scenarios, where it must find a counterexample,
// shrink it to at most 2 faults, and write a scenario file that replays to the same failure.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/scenario/loader.h"
#include "plugins/registry.h"
#include "runner/run_scenario.h"
#include "testing/fault_search.h"

namespace txsim::search {
namespace {

namespace fs = std::filesystem;

// Faults tagged by their start time so that the model can tell them apart.
std::vector<Fault> tagged(int n) {
  std::vector<Fault> faults;
  for (int i = 0; i < n; ++i) {
    Fault f;
    f.start_s = i;
    f.node = "n";
    faults.push_back(f);
  }
  return faults;
}

std::set<int> tags(const std::vector<Fault>& faults) {
  std::set<int> out;
  for (const auto& f : faults) out.insert(static_cast<int>(f.start_s));
  return out;
}

// Model: the failure needs a fixed set of culprit faults together (a conjunction); ddmin then
// returns exactly the culprits, since any superset of them fails and any plan missing one passes.
RC_GTEST_PROP(Ddmin, FindsExactlyTheCulpritsOfAConjunction, ()) {
  const int n = *rc::gen::inRange(1, 25);
  const auto culprits = *rc::gen::container<std::set<int>>(rc::gen::inRange(0, n));
  const FailurePredicate fails = [&](const FaultPlan& plan) {
    const auto present = tags(plan.faults);
    return std::includes(present.begin(), present.end(), culprits.begin(), culprits.end());
  };
  int steps = 0;
  const auto minimal = ddmin(tagged(n), fails, steps);
  RC_ASSERT(tags(minimal) == culprits);
  RC_ASSERT(steps <= n);
}

// Model: the failure needs any one of several faults (a disjunction); ddmin returns one of them.
RC_GTEST_PROP(Ddmin, ReducesADisjunctionToOneFault, ()) {
  const int n = *rc::gen::inRange(1, 25);
  auto culprits = *rc::gen::container<std::set<int>>(rc::gen::inRange(0, n));
  culprits.insert(*rc::gen::inRange(0, n));
  const FailurePredicate fails = [&](const FaultPlan& plan) {
    for (const int t : tags(plan.faults)) {
      if (culprits.count(t)) return true;
    }
    return false;
  };
  int steps = 0;
  const auto minimal = ddmin(tagged(n), fails, steps);
  RC_ASSERT(minimal.size() == 1u);
  RC_ASSERT(culprits.count(static_cast<int>(minimal[0].start_s)) == 1u);
}

// Model: a loss window fails when it starts by 2.0 s, reaches 2.3 s and has p >= 0.25; bisection
// finds the smallest duration and probability to the grid, and keeps a start it cannot lower.
TEST(ShrinkParameters, FindsTheSmallestWindowOfAThresholdModel) {
  Fault loss;
  loss.kind = FaultKind::kLoss;
  loss.start_s = 1.5;
  loss.duration_s = 4.0;
  loss.probability = 0.8;
  std::vector<Fault> faults = {loss};
  const FailurePredicate fails = [](const FaultPlan& plan) {
    const Fault& f = plan.faults.at(0);
    return f.start_s <= 2.0 && f.start_s + f.duration_s >= 2.3 - 1e-9 && f.probability >= 0.25;
  };
  int steps = 0;
  shrink_parameters(faults, fails, steps);
  // Duration first: from 1.5 s the window must last 0.8 s to reach 2.3 s. Then the start: any
  // earlier start with 0.8 s no longer reaches 2.3 s, so it stays. Then the probability: 0.25.
  EXPECT_NEAR(faults[0].duration_s, 0.8, 1e-9);
  EXPECT_NEAR(faults[0].start_s, 1.5, 1e-9);
  EXPECT_NEAR(faults[0].probability, 0.25, 1e-9);
  EXPECT_EQ(steps, 2);
}

struct Bad {
  const char* file;
  std::vector<std::string> overrides;
};

// Arrivals cut to 5 s so that each run takes milliseconds. saga-no-barrier's step timeouts are
// raised to 1 s: with its own 20 ms timeouts it fails without any fault (retries alone duplicate
// requests), and the search should have to find the faults that break it.
const Bad kNoCheckpoint{"scenarios/upload/saga-no-checkpoint.textproto", {"stop.arrivals_s=5"}};
const Bad kNoBarrier{"scenarios/upload/saga-no-barrier.textproto",
                     {"stop.arrivals_s=5", "saga[upload-video].step[ingest].timeout_ms=1000",
                      "saga[upload-video].step[describe].timeout_ms=1000",
                      "saga[upload-video].step[publish].timeout_ms=1000"}};

Scenario load(const Bad& bad) {
  return Scenario::load(std::string(TXSIM_SOURCE_DIR) + "/" + bad.file, bad.overrides);
}

// Runs the search, then checks the counterexample: at most 2 faults, 1-minimal, and the written
// scenario file, loaded from disk and run by the runner as `txsim run FILE --seed S` would,
// fails the same check with the same trace hash.
void expect_found_and_shrunk(const Bad& bad, const std::string& name) {
  const Scenario scenario = load(bad);
  ASSERT_TRUE(run(scenario, FaultPlan{}, scenario.seed()).passed)
      << bad.file << " must pass without faults for the search to mean something";
  SearchOptions options;
  options.runs = 300;
  options.max_faults = 3;
  options.seed = 1;
  const SearchResult result = search(scenario, options);
  ASSERT_TRUE(result.failed) << "no counterexample in " << result.runs << " runs";
  EXPECT_LE(result.shrunk.faults.size(), 2u);
  EXPECT_GE(result.shrunk.faults.size(), 1u);
  EXPECT_LE(result.shrunk.faults.size(), result.found.faults.size());
  EXPECT_FALSE(result.shrunk_result.check(result.check).passed);
  for (std::size_t i = 0; i < result.shrunk.faults.size(); ++i) {
    FaultPlan without = result.shrunk;
    without.faults.erase(without.faults.begin() + static_cast<std::ptrdiff_t>(i));
    EXPECT_TRUE(run(scenario, without, result.run_seed).check(result.check).passed)
        << "fault " << i << " of the shrunk plan is not needed";
  }
  ::testing::Test::RecordProperty(name + "_runs_to_find", result.runs);
  ::testing::Test::RecordProperty(name + "_shrink_runs", result.shrink_runs);

  const fs::path dir = fs::path(::testing::TempDir()) / ("txsim-check-" + name);
  fs::create_directories(dir);
  const fs::path file = dir / "counterexample.textproto";
  std::ofstream(file) << scenario_text(scenario, result.shrunk, dir.string(), result.run_seed);
  const auto loaded = scenario::load_scenario_file(file.string(), plugins::registry());
  const report::Report replayed = runner::run_scenario(loaded, {});
  EXPECT_EQ(replayed.seed(), result.run_seed);
  EXPECT_EQ(replayed.trace_hash(), result.shrunk_result.trace_hash);
  const auto check = std::find_if(replayed.checks().begin(), replayed.checks().end(),
                                  [&](const auto& c) { return c.name() == result.check; });
  ASSERT_NE(check, replayed.checks().end());
  EXPECT_FALSE(check->passed());
}

TEST(FaultSearch, NoCheckpointCounterexampleIsFoundAndShrunkToAtMostTwoFaults) {
  expect_found_and_shrunk(kNoCheckpoint, "no_checkpoint");
}

TEST(FaultSearch, NoBarrierCounterexampleIsFoundAndShrunkToAtMostTwoFaults) {
  expect_found_and_shrunk(kNoBarrier, "no_barrier");
}

// The search draws from its own seeded stream: the same options give the same counterexample.
TEST(FaultSearch, SameSeedSameResult) {
  const Scenario scenario = load(kNoBarrier);
  SearchOptions options;
  options.runs = 50;
  options.seed = 3;
  const SearchResult a = search(scenario, options);
  const SearchResult b = search(scenario, options);
  ASSERT_TRUE(a.failed);
  EXPECT_EQ(a.runs, b.runs);
  EXPECT_EQ(a.run_seed, b.run_seed);
  EXPECT_EQ(a.found, b.found);
  EXPECT_EQ(a.shrunk, b.shrunk);
  EXPECT_EQ(a.shrunk_result.trace_hash, b.shrunk_result.trace_hash);
}

// On the correct upload saga, a short search finds nothing.
TEST(FaultSearch, CorrectSagaPassesAShortSearch) {
  const Scenario scenario =
      Scenario::load(std::string(TXSIM_SOURCE_DIR) + "/scenarios/upload/saga.textproto",
                     {"stop.arrivals_s=2", "stop.drain_s=20"});
  SearchOptions options;
  options.runs = 10;
  const SearchResult result = search(scenario, options);
  EXPECT_FALSE(result.failed) << result.check << " under " << result.shrunk.describe();
  EXPECT_EQ(result.runs, 10);
}

// Swarm testing: plans use a non-empty subset of the kinds, and over many draws each kind is
// sometimes left out (else every plan would mix all kinds).
TEST(FaultSearch, RandomPlansUseSwarmSubsetsOfKinds) {
  sim::Rng rng(11);
  FaultBudget budget;
  budget.max_faults = 8;
  budget.nodes = {"a", "b"};
  int plans_missing_a_kind = 0;
  for (int i = 0; i < 200; ++i) {
    const FaultPlan plan = random_plan(rng, budget);
    ASSERT_GE(plan.faults.size(), 1u);
    ASSERT_LE(plan.faults.size(), 8u);
    std::set<FaultKind> kinds;
    for (const auto& f : plan.faults) kinds.insert(f.kind);
    if (kinds.size() < static_cast<std::size_t>(kFaultKinds)) ++plans_missing_a_kind;
  }
  EXPECT_GT(plans_missing_a_kind, 150);
}

}  // namespace
}  // namespace txsim::search
