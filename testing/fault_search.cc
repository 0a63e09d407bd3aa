#include "testing/fault_search.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include "core/scenario/loader.h"

namespace txsim::search {
namespace {

int to_ms(double s) { return static_cast<int>(s * 1000.0 + 0.5); }
double to_s(int ms) { return ms / 1000.0; }

Fault random_fault(sim::Rng& rng, FaultKind kind, const FaultBudget& b) {
  Fault f;
  f.kind = kind;
  f.start_s = to_s(static_cast<int>(rng.below(static_cast<std::uint64_t>(to_ms(b.horizon_s)))));
  f.duration_s = to_s(1 + static_cast<int>(rng.below(static_cast<std::uint64_t>(to_ms(b.max_duration_s)))));
  const auto pick = [&] { return b.nodes[rng.below(b.nodes.size())]; };
  switch (kind) {
    case FaultKind::kCrash: f.node = pick(); break;
    case FaultKind::kPartition:
      f.side_a = {pick()};
      f.side_b = {"*"};
      break;
    case FaultKind::kLoss:
    case FaultKind::kDuplication: f.probability = (1 + static_cast<int>(rng.below(100))) / 100.0; break;
    case FaultKind::kLatencySpike:
      f.node = pick();
      f.to = pick();
      f.factor = static_cast<double>(2 + rng.below(99));
      break;
  }
  return f;
}

// Re-runs candidates of one failure (fixed seed and check), caching verdicts by plan.
class Oracle {
 public:
  Oracle(const Scenario& scenario, std::uint64_t seed, std::string check, int max_runs,
         SearchResult& result, const SearchOptions& options)
      : scenario_(scenario), seed_(seed), check_(std::move(check)), max_runs_(max_runs),
        result_(result), options_(options) {}

  /// True when `plan` still makes the check fail. Out of budget: false (keep what we have).
  bool fails(const FaultPlan& plan) {
    const std::string key = plan.to_textproto();
    if (const auto it = cache_.find(key); it != cache_.end()) return it->second;
    if (result_.shrink_runs >= max_runs_) return false;
    ++result_.shrink_runs;
    RunResult r = run(scenario_, plan, seed_);
    const bool failed = !r.check(check_).passed;
    if (options_.progress) options_.progress("shrink", result_.shrink_runs, plan, r);
    if (failed) last_failure_ = std::move(r);
    cache_.emplace(key, failed);
    return failed;
  }
  std::optional<RunResult>& last_failure() { return last_failure_; }

 private:
  const Scenario& scenario_;
  std::uint64_t seed_;
  std::string check_;
  int max_runs_;
  SearchResult& result_;
  const SearchOptions& options_;
  std::map<std::string, bool> cache_;
  std::optional<RunResult> last_failure_;
};

FaultPlan subset(const std::vector<Fault>& faults, std::size_t begin, std::size_t end, bool complement) {
  FaultPlan plan;
  for (std::size_t i = 0; i < faults.size(); ++i) {
    if ((i >= begin && i < end) != complement) plan.faults.push_back(faults[i]);
  }
  return plan;
}

// ddmin (Zeller & Hildebrandt 2002, fig. 5): test chunks, then complements, at granularity n,
// doubling n when neither fails, until n exceeds the size (1-minimal).
}  // namespace

std::vector<Fault> ddmin(std::vector<Fault> faults, const FailurePredicate& fails, int& steps) {
  if (fails(FaultPlan{})) {
    if (!faults.empty()) ++steps;
    return {};
  }
  std::size_t n = 2;
  while (faults.size() >= 2) {
    const std::size_t size = faults.size();
    const std::size_t chunk = (size + n - 1) / n;
    bool reduced = false;
    for (std::size_t begin = 0; begin < size && !reduced; begin += chunk) {
      FaultPlan candidate = subset(faults, begin, std::min(size, begin + chunk), false);
      if (fails(candidate)) {
        faults = std::move(candidate.faults);
        n = 2;
        reduced = true;
      }
    }
    for (std::size_t begin = 0; begin < size && !reduced && n > 2; begin += chunk) {
      FaultPlan candidate = subset(faults, begin, std::min(size, begin + chunk), true);
      if (fails(candidate)) {
        faults = std::move(candidate.faults);
        n = std::max<std::size_t>(n - 1, 2);
        reduced = true;
      }
    }
    if (reduced) {
      ++steps;
      continue;
    }
    if (n >= size) break;
    n = std::min(2 * n, size);
  }
  return faults;
}

// Lowers one parameter (in ms, via get/set) by bisection between `floor_ms` and its value,
// keeping the smallest value seen to fail.
namespace {

template <typename Get, typename Set>
void bisect(std::vector<Fault>& faults, std::size_t i, int floor_ms, Get get, Set set,
            const FailurePredicate& fails, int& steps) {
  int high = to_ms(get(faults[i]));  // fails
  if (high <= floor_ms) return;
  const auto try_value = [&](int ms) {
    FaultPlan candidate{faults};
    set(candidate.faults[i], to_s(ms));
    return fails(candidate);
  };
  int low = floor_ms;  // not known to fail
  if (try_value(low)) {
    high = low;
  } else {
    while (high - low > 1) {
      const int mid = low + (high - low) / 2;
      if (try_value(mid)) {
        high = mid;
      } else {
        low = mid;
      }
    }
  }
  if (high != to_ms(get(faults[i]))) {
    set(faults[i], to_s(high));
    ++steps;
  }
}

}  // namespace

void shrink_parameters(std::vector<Fault>& faults, const FailurePredicate& fails, int& steps) {
  for (std::size_t i = 0; i < faults.size(); ++i) {
    bisect(faults, i, 1, [](const Fault& f) { return f.duration_s; },
           [](Fault& f, double v) { f.duration_s = v; }, fails, steps);
    bisect(faults, i, 0, [](const Fault& f) { return f.start_s; },
           [](Fault& f, double v) { f.start_s = v; }, fails, steps);
    if (faults[i].kind == FaultKind::kLoss || faults[i].kind == FaultKind::kDuplication) {
      // Probabilities on a 0.01 grid: "ms" here are hundredths scaled by 10.
      bisect(faults, i, 10, [](const Fault& f) { return f.probability; },
             [](Fault& f, double v) { f.probability = std::round(v * 100.0) / 100.0; }, fails,
             steps);
    }
  }
}

namespace {

// The first failing check the scenario does not list in checks.expect_failed (a scenario that
// demonstrates an anomaly expects those to fail; they are not what the search looks for).
std::optional<CheckOutcome> unexpected_failure(const Scenario& scenario, const RunResult& r) {
  const auto& expected = scenario.loaded().scenario.checks().expect_failed();
  for (const auto& c : r.checks) {
    if (!c.passed && std::find(expected.begin(), expected.end(), c.name) == expected.end()) return c;
  }
  return std::nullopt;
}

}  // namespace

FaultPlan random_plan(sim::Rng& rng, const FaultBudget& budget) {
  std::vector<FaultKind> allowed = budget.kinds;
  if (allowed.empty()) {
    for (int k = 0; k < kFaultKinds; ++k) allowed.push_back(static_cast<FaultKind>(k));
  }
  std::vector<FaultKind> enabled;
  for (const FaultKind kind : allowed) {
    if (rng.below(2) == 1) enabled.push_back(kind);
  }
  if (enabled.empty()) enabled.push_back(allowed[rng.below(allowed.size())]);
  FaultPlan plan;
  if (budget.max_faults <= 0 || budget.nodes.empty()) return plan;
  const auto count = 1 + rng.below(static_cast<std::uint64_t>(budget.max_faults));
  for (std::uint64_t i = 0; i < count; ++i) {
    plan.faults.push_back(random_fault(rng, enabled[rng.below(enabled.size())], budget));
  }
  return plan;
}

void shrink(const Scenario& scenario, const FaultPlan& plan, std::uint64_t seed,
            const std::string& check, int max_runs, SearchResult& result,
            const SearchOptions& options) {
  Oracle oracle(scenario, seed, check, max_runs, result, options);
  const FailurePredicate fails = [&oracle](const FaultPlan& candidate) {
    return oracle.fails(candidate);
  };
  std::vector<Fault> faults = ddmin(plan.faults, fails, result.shrink_steps);
  shrink_parameters(faults, fails, result.shrink_steps);
  result.shrunk = FaultPlan{faults};
  // The minimal plan's own run (cached runs kept only the last failure; run it once more when
  // that was a different plan).
  RunResult final_run = run(scenario, result.shrunk, seed);
  if (final_run.check(check).passed) {
    throw std::logic_error("shrink: the minimal plan no longer fails " + check +
                           " (the run is not deterministic)");
  }
  result.shrunk_result = std::move(final_run);
}

SearchResult search(const Scenario& scenario, const SearchOptions& options) {
  if (options.runs < 1) throw std::invalid_argument("search: runs must be >= 1");
  if (options.max_faults < 1) throw std::invalid_argument("search: max_faults must be >= 1");
  sim::Rng rng = sim::Rng::derive(options.seed, "check/search");
  const FaultBudget budget = scenario.budget(options.max_faults);
  SearchResult result;
  for (int i = 1; i <= options.runs; ++i) {
    const std::uint64_t run_seed = 1 + rng.below(1'000'000'000);
    const FaultPlan plan = random_plan(rng, budget);
    const RunResult r = run(scenario, plan, run_seed);
    result.runs = i;
    if (options.progress) options.progress("search", i, plan, r);
    const auto failure = unexpected_failure(scenario, r);
    if (!failure) continue;
    result.failed = true;
    result.run_seed = run_seed;
    result.check = failure->name;
    result.found = plan;
    shrink(scenario, plan, run_seed, failure->name, options.max_shrink_runs, result, options);
    return result;
  }
  return result;
}

}  // namespace txsim::search
