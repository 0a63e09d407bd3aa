// Running a scenario under a fault plan from a test, and reading its checks.
//
// txsim::run is the property-test entry point: it takes a scenario, replaces its faults by a
// txsim::FaultPlan, runs it with the given seed and returns the verdict of every check. It is
// deterministic: the same scenario, plan and seed give the same trace hash, so any failure a
// property finds is replayed by `txsim run FILE --seed S` on the file write_scenario() writes.
//
// Units: simulated time in seconds (double) here; the simulator works in integer nanoseconds.
// Errors: a scenario file that cannot be read or is invalid, or a plan naming an unknown node,
// throws txsim::scenario::ScenarioError (a std::runtime_error whose what() lists every problem
// as file:line:col: field: message). A feature the runner does not implement yet throws
// std::invalid_argument "not implemented yet: <field>". A broken invariant inside the simulation
// throws std::logic_error.
// Thread-safety: runs are independent; one run uses one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "txsim/fault_plan.h"

namespace txsim {

namespace scenario {
struct LoadedScenario;  // core/scenario/loader.h
}

/// A validated scenario, ready to run many times (cheap to copy: the parsed form is shared).
class Scenario {
 public:
  /// Reads and validates `path`, applying `--set` style overrides ("stop.arrivals_s=5").
  static Scenario load(const std::string& path, const std::vector<std::string>& overrides = {});
  /// Parses scenario text; `file` names it in messages and resolves relative data paths.
  static Scenario parse(const std::string& text, const std::string& file = "<text>",
                        const std::vector<std::string>& overrides = {});
  /// Wraps an already loaded scenario (copies it).
  static Scenario from(const scenario::LoadedScenario& loaded);

  const scenario::LoadedScenario& loaded() const { return *loaded_; }
  /// Names of the topology's nodes, in file order.
  std::vector<std::string> node_names() const;
  /// Simulated seconds during which work arrives (stop.arrivals_s; 0 when the scenario has none):
  /// the span in which faults matter.
  double arrivals_s() const;
  /// The scenario's own seed.
  std::uint64_t seed() const;
  /// A budget over every node and the arrival span (at least 1 s), with `max_faults`.
  FaultBudget budget(int max_faults) const;

 private:
  std::shared_ptr<const scenario::LoadedScenario> loaded_;
};

/// Verdict of one check.
struct CheckOutcome {
  std::string name;        // e.g. "saga_atomicity"
  bool passed = true;
  std::uint64_t violations = 0;
  std::string summary;     // one line
  /// The first violation, as "subject at T s: detail" (empty when passed): the witness.
  std::string witness;
  std::vector<std::string> examples;  // up to the report's limit, same form as witness
};

struct RunResult {
  std::string scenario;    // scenario name
  std::uint64_t seed = 0;
  std::string trace_hash;  // 16 hex digits; same scenario + plan + seed => same hash
  std::uint64_t events = 0;
  bool passed = true;      // every check passed
  std::vector<CheckOutcome> checks;
  FaultPlan plan;          // the plan that ran

  /// The check called `name`. A check that did not run counts as passed (so a property over a
  /// check the scenario lacks cannot fail by accident, see has_check). 
  CheckOutcome check(const std::string& name) const;
  bool has_check(const std::string& name) const;
  /// The first failing check, or nullopt when all passed.
  std::optional<CheckOutcome> first_failure() const;
};

/// Runs `scenario` with its faults replaced by `plan`, under root seed `seed` (nullopt: the
/// scenario's seed). Throws as described at the top of this file.
RunResult run(const Scenario& scenario, const FaultPlan& plan,
              std::optional<std::uint64_t> seed = std::nullopt);
RunResult run(const scenario::LoadedScenario& scenario, const FaultPlan& plan,
              std::optional<std::uint64_t> seed = std::nullopt);
/// Loads `scenario_file` and runs it (see above).
RunResult run(const std::string& scenario_file, const FaultPlan& plan,
              std::optional<std::uint64_t> seed = std::nullopt);

/// `scenario` with its faults replaced by `plan`, as a standalone scenario file text: --set
/// overrides are baked in, the seed is `seed` when given, and a relative latency_matrix_csv is
/// rewritten relative to `directory`, the directory the text will be written to. Load it with
/// `txsim run`.
std::string scenario_text(const Scenario& scenario, const FaultPlan& plan,
                          const std::string& directory,
                          std::optional<std::uint64_t> seed = std::nullopt);

}  // namespace txsim
