// The search behind `txsim check`: random fault plans over random seeds until a check fails,
// then shrinking of the failing plan to a minimal one.
//
// Search: run i draws a seed and a plan from its own stream, sim::Rng::derive(search seed,
// "check/search"), so the same search seed gives the same runs. Swarm testing (Groce et al.,
// "Swarm Testing", ISSTA 2012): each run enables a random non-empty subset of the fault kinds
// and draws only from it, so that some runs pile up many faults of a rare combination instead
// of always averaging over all kinds.
//
// A run fails when a check fails that the scenario does not list in checks.expect_failed.
// Shrinking: a failure is "check C fails under plan P with seed S"; S and C stay fixed and every
// candidate is re-run deterministically (results are cached by plan). First delta debugging
// (ddmin; Zeller & Hildebrandt, "Simplifying and Isolating Failure-Inducing Input", IEEE TSE
// 28(2), 2002) over the list of faults gives a 1-minimal subset: removing any single fault makes
// the failure go away. Then each fault's parameters are reduced by bisection on the 1 ms grid —
// duration (towards 1 ms), start (towards 0 s), probability (towards 0.01) — keeping a value
// only when the failure persists. Bisection assumes rough monotonicity; where that fails the
// result is still a failing plan, only perhaps not the smallest.
//
// Units: simulated seconds. Errors: what txsim::run throws (scenario or plan invalid).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/sim/random.h"
#include "txsim/run.h"

namespace txsim::search {

struct SearchOptions {
  int runs = 100;               // random runs before giving up; >= 1
  int max_faults = 3;           // faults per random plan, 1..max_faults
  std::uint64_t seed = 1;       // seed of the search's own stream
  int max_shrink_runs = 400;    // bound on re-runs while shrinking
  /// Called after each run: phase "search" or "shrink", run number, the plan, its outcome.
  std::function<void(const std::string& phase, int run, const FaultPlan& plan,
                     const RunResult& result)>
      progress;
};

struct SearchResult {
  bool failed = false;
  int runs = 0;                 // search runs made (the failing one included)
  std::uint64_t run_seed = 0;   // root seed of the failing run
  std::string check;            // the check that failed
  FaultPlan found;              // the plan as first found
  FaultPlan shrunk;             // the minimal plan
  RunResult shrunk_result;      // the run of the minimal plan
  int shrink_runs = 0;          // re-runs made while shrinking
  int shrink_steps = 0;         // accepted reductions (a fault removed or a parameter lowered)
};

/// Draws the plan of one search run (exposed for tests): a random non-empty subset of the kinds
/// allowed by `budget`, 1..budget.max_faults faults from it.
FaultPlan random_plan(sim::Rng& rng, const FaultBudget& budget);

SearchResult search(const Scenario& scenario, const SearchOptions& options);

/// "This plan still fails": the test of delta debugging.
using FailurePredicate = std::function<bool(const FaultPlan&)>;

/// ddmin over the faults of `plan`, which `fails`. Returns a 1-minimal failing subset (in the
/// original order); the empty plan when it fails too. `steps` counts accepted reductions.
std::vector<Fault> ddmin(std::vector<Fault> faults, const FailurePredicate& fails, int& steps);

/// Lowers each fault's duration, start and probability (in that order) by bisection while
/// `fails` stays true. `steps` counts accepted reductions.
void shrink_parameters(std::vector<Fault>& faults, const FailurePredicate& fails, int& steps);

/// Shrinks `plan`, which makes `check` fail under `seed`. Returns the minimal plan; counts re-runs
/// and accepted steps into `result` (shrink_runs, shrink_steps, shrunk, shrunk_result).
void shrink(const Scenario& scenario, const FaultPlan& plan, std::uint64_t seed,
            const std::string& check, int max_runs, SearchResult& result,
            const SearchOptions& options);

}  // namespace txsim::search
