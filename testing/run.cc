#include "txsim/run.h"

#include <google/protobuf/text_format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "core/scenario/loader.h"
#include "plugins/registry.h"
#include "runner/run_scenario.h"

namespace txsim {
namespace {

// LoadedScenario is move-only (it owns its parse); a run under a plan needs its own copy.
scenario::LoadedScenario copy_of(const scenario::LoadedScenario& loaded) {
  scenario::LoadedScenario copy;
  copy.scenario = loaded.scenario;
  copy.file = loaded.file;
  copy.source = loaded.source;
  copy.overridden = loaded.overridden;
  copy.overrides = loaded.overrides;
  return copy;
}

std::string witness(const report::Violation& v) {
  if (v.time_ns() == 0) return v.subject() + ": " + v.detail();  // a violation without a time
  char at[32];
  std::snprintf(at, sizeof at, "%.6f", static_cast<double>(v.time_ns()) / 1e9);
  return v.subject() + " at " + at + " s: " + v.detail();
}

CheckOutcome outcome(const report::CheckResult& c) {
  CheckOutcome out;
  out.name = c.name();
  out.passed = c.passed();
  out.violations = c.violations();
  out.summary = c.summary();
  for (const auto& v : c.examples()) out.examples.push_back(witness(v));
  if (!out.passed && !out.examples.empty()) out.witness = out.examples.front();
  if (!out.passed && out.witness.empty()) out.witness = out.summary;
  return out;
}

}  // namespace

Scenario Scenario::load(const std::string& path, const std::vector<std::string>& overrides) {
  Scenario s;
  s.loaded_ = std::make_shared<const scenario::LoadedScenario>(
      scenario::load_scenario_file(path, plugins::registry(), overrides));
  return s;
}

Scenario Scenario::parse(const std::string& text, const std::string& file,
                         const std::vector<std::string>& overrides) {
  Scenario s;
  s.loaded_ = std::make_shared<const scenario::LoadedScenario>(
      scenario::parse_scenario(text, file, plugins::registry(), overrides));
  return s;
}

Scenario Scenario::from(const scenario::LoadedScenario& loaded) {
  Scenario s;
  s.loaded_ = std::make_shared<const scenario::LoadedScenario>(copy_of(loaded));
  return s;
}

std::vector<std::string> Scenario::node_names() const {
  std::vector<std::string> names;
  for (const auto& node : loaded_->scenario.topology().node()) names.push_back(node.name());
  return names;
}

double Scenario::arrivals_s() const { return loaded_->scenario.stop().arrivals_s(); }

std::uint64_t Scenario::seed() const {
  const auto& s = loaded_->scenario;
  return s.has_seed() ? s.seed() : 1;
}

FaultBudget Scenario::budget(int max_faults) const {
  FaultBudget budget;
  budget.max_faults = max_faults;
  budget.nodes = node_names();
  budget.horizon_s = std::max(1.0, arrivals_s());
  budget.max_duration_s = std::max(0.001, std::min(5.0, budget.horizon_s / 2));
  return budget;
}

CheckOutcome RunResult::check(const std::string& name) const {
  for (const auto& c : checks) {
    if (c.name == name) return c;
  }
  CheckOutcome absent;
  absent.name = name;
  absent.summary = "not run";
  return absent;
}

bool RunResult::has_check(const std::string& name) const {
  return std::any_of(checks.begin(), checks.end(),
                     [&](const CheckOutcome& c) { return c.name == name; });
}

std::optional<CheckOutcome> RunResult::first_failure() const {
  for (const auto& c : checks) {
    if (!c.passed) return c;
  }
  return std::nullopt;
}

RunResult run(const scenario::LoadedScenario& loaded, const FaultPlan& plan,
              std::optional<std::uint64_t> seed) {
  scenario::LoadedScenario with_plan = copy_of(loaded);
  plan.to_proto(*with_plan.scenario.mutable_faults());
  scenario::validate(with_plan, plugins::registry());
  runner::RunOptions options;
  options.seed = seed;
  const report::Report report = runner::run_scenario(with_plan, options);
  RunResult result;
  result.scenario = report.scenario();
  result.seed = report.seed();
  result.trace_hash = report.trace_hash();
  result.events = report.events_processed();
  result.plan = plan;
  for (const auto& c : report.checks()) result.checks.push_back(outcome(c));
  result.passed = !result.first_failure().has_value();
  return result;
}

RunResult run(const Scenario& scenario, const FaultPlan& plan, std::optional<std::uint64_t> seed) {
  return run(scenario.loaded(), plan, seed);
}

RunResult run(const std::string& scenario_file, const FaultPlan& plan,
              std::optional<std::uint64_t> seed) {
  return run(Scenario::load(scenario_file), plan, seed);
}

std::string scenario_text(const Scenario& scenario, const FaultPlan& plan,
                          const std::string& directory, std::optional<std::uint64_t> seed) {
  namespace fs = std::filesystem;
  const scenario::LoadedScenario& loaded = scenario.loaded();
  scenario::Scenario proto = loaded.scenario;
  plan.to_proto(*proto.mutable_faults());
  if (seed) proto.set_seed(*seed);
  auto& topology = *proto.mutable_topology();
  if (!topology.latency_matrix_csv().empty() && fs::path(topology.latency_matrix_csv()).is_relative()) {
    const fs::path csv = fs::weakly_canonical(
        fs::absolute(fs::path(loaded.file).parent_path() / topology.latency_matrix_csv()));
    const fs::path dir =
        fs::weakly_canonical(fs::absolute(directory.empty() ? fs::path(".") : fs::path(directory)));
    topology.set_latency_matrix_csv(csv.lexically_relative(dir).string());
  }
  std::string text;
  google::protobuf::TextFormat::PrintToString(proto, &text);
  return text;
}

}  // namespace txsim
