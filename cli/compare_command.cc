// txsim compare: one scenario under several protocols, same seeds, side by side
// (runner/compare.h, reports/comparison_report.h).
#include <boost/program_options.hpp>

#include <iostream>

#include "cli/command_line.h"
#include "cli/commands.h"
#include "core/scenario/loader.h"
#include "plugins/registry.h"
#include "reports/comparison_report.h"
#include "runner/compare.h"

namespace po = boost::program_options;

namespace txsim::cli {

int compare_command(const std::vector<std::string>& args) {
  po::options_description options(
      "usage: txsim compare SCENARIO --protocols saga,2pc [options]\n\n"
      "Runs the scenario once per protocol (and per seed) with the same seeds, arrivals and\n"
      "faults, and prints the protocols' figures side by side with a verdict. Protocols: saga\n"
      "(saga orchestration), 2pc (two-phase commit, coordinator on the orchestrator's node),\n"
      "2pc-pa (presumed abort), choreography (saga choreography, broker on the orchestrator's\n"
      "node); the saga protocols share the scenario's retention_horizon_s where both accept it.\n"
      "With --seeds N each figure is the mean and 95 % confidence\n"
      "interval (Student t) over seeds S..S+N-1, S the scenario's seed or --seed.\n"
      "Exit codes: 0 every run's checks passed, 1 a check failed, 2 usage or scenario error (also\n"
      "a protocol the runner does not implement yet), 3 internal error.\n\noptions",
      100, 50);
  std::string protocols;
  std::string format = "text";
  std::string out_dir;
  long long seeds = 1;
  options.add_options()
      ("help,h", "show this help")
      ("protocols", po::value<std::string>(&protocols)->value_name("LIST"),
       "comma-separated protocols to compare: saga, 2pc, 2pc-pa, choreography (required)")
      ("seeds", po::value<long long>(&seeds)->default_value(1)->value_name("N"),
       "runs per protocol, with seeds S, S+1, ..., S+N-1 (N >= 1)")
      ("seed", po::value<std::uint64_t>()->value_name("S"), "first seed (default: the scenario's)")
      ("set", po::value<std::vector<std::string>>()->composing()->value_name("PATH=VALUE"),
       "override one field of the scenario (repeatable), e.g. workload.transfers.count=100000")
      ("format", po::value<std::string>(&format)->default_value("text")->value_name("FORMAT"),
       "stdout format: text, json, md or html")
      ("out", po::value<std::string>(&out_dir)->value_name("DIR"),
       "also write comparison.json, comparison.md and comparison.html into DIR");
  int exit_code = kExitUsage;
  const auto parsed = parse_args("compare", args, options, 1, 1, exit_code);
  if (!parsed) return exit_code;
  const po::variables_map& vm = parsed->options;
  if (format != "text" && format != "json" && format != "md" && format != "html") {
    std::cerr << "txsim compare: --format is '" << format << "'; expected text, json, md or html\n";
    return kExitUsage;
  }
  if (seeds < 1 || seeds > 1000) {
    std::cerr << "txsim compare: --seeds is " << seeds << "; expected 1..1000\n";
    return kExitUsage;
  }
  if (!vm.count("protocols")) {
    std::cerr << "txsim compare: --protocols is required, e.g. --protocols saga,2pc\n";
    return kExitUsage;
  }
  runner::CompareOptions compare_options;
  try {
    compare_options.protocols = runner::parse_protocol_list(protocols);
  } catch (const std::invalid_argument& e) {
    std::cerr << "txsim compare: " << e.what() << "\n";
    return kExitUsage;
  }
  compare_options.seeds = static_cast<std::uint32_t>(seeds);
  if (vm.count("seed")) compare_options.base_seed = vm["seed"].as<std::uint64_t>();

  const std::string& file = parsed->files[0];
  scenario::LoadedScenario loaded;
  try {
    loaded = scenario::load_scenario_file(file, plugins::registry(), overrides(vm));
  } catch (const scenario::ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return kExitUsage;
  }
  report::ComparisonReport report;
  try {
    report = runner::compare(loaded, compare_options);
  } catch (const std::invalid_argument& e) {
    // A protocol or feature the runner lacks ("not implemented yet: ..."), or a scenario the
    // runtime rejects: the user's input, not a bug.
    std::cerr << file << ": " << e.what() << "\n";
    return kExitUsage;
  }
  if (format == "json") {
    std::cout << reports::comparison_to_json(report);
  } else if (format == "md") {
    std::cout << reports::comparison_to_markdown(report);
  } else if (format == "html") {
    std::cout << reports::comparison_to_html(report);
  } else {
    std::cout << reports::comparison_to_text(report);
  }
  if (!out_dir.empty()) {
    try {
      for (const auto& path : reports::write_comparison_files(report, out_dir)) {
        std::cerr << "wrote " << path << "\n";
      }
    } catch (const std::runtime_error& e) {
      std::cerr << "txsim compare: " << e.what() << "\n";
      return kExitUsage;
    }
  }
  for (const auto& p : report.protocols()) {
    if (!p.passed()) return kExitCheckFailed;
  }
  return kExitPassed;
}

}  // namespace txsim::cli
