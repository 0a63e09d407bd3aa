// txsim diagram: draws a saga definition of a scenario (reports/saga_diagram.h), or with
// --instance the path one saga instance took in a run (reports/instance_diagram.h).
#include <boost/program_options.hpp>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "cli/command_line.h"
#include "cli/commands.h"
#include "core/scenario/loader.h"
#include "core/txn/saga/instance_timeline.h"
#include "core/txn/saga/saga_graph.h"
#include "plugins/registry.h"
#include "reports/instance_diagram.h"
#include "reports/saga_diagram.h"
#include "runner/run_scenario.h"

namespace po = boost::program_options;

namespace txsim::cli {
namespace {

std::string saga_names(const scenario::Scenario& s) {
  std::string names;
  for (const auto& saga : s.saga()) names += (names.empty() ? "" : ", ") + saga.name();
  return names;
}

// The saga the user asked for, or null after explaining on stderr why there is none.
const scenario::Saga* pick_saga(const scenario::Scenario& s, const std::string& wanted,
                                const std::string& file) {
  if (s.saga_size() == 0) {
    std::cerr << "txsim diagram: " << file << " defines no saga\n";
    return nullptr;
  }
  if (wanted.empty()) {
    if (s.saga_size() == 1) return &s.saga(0);
    std::cerr << "txsim diagram: " << file << " defines several sagas; choose one with --saga: "
              << saga_names(s) << "\n";
    return nullptr;
  }
  for (const auto& saga : s.saga()) {
    if (saga.name() == wanted) return &saga;
  }
  std::cerr << "txsim diagram: no saga named '" << wanted << "' in " << file
            << "; known sagas: " << saga_names(s) << "\n";
  return nullptr;
}

// Loads what FILE names: a scenario, or the scenario, seed and overrides of a report.json.
// Returns false after explaining on stderr.
bool load_source(const std::string& file, const std::vector<std::string>& overrides_given,
                 scenario::LoadedScenario& loaded, std::optional<std::uint64_t>& seed) {
  std::string scenario_file = file;
  std::vector<std::string> assignments = overrides_given;
  if (is_report_path(file)) {
    report::Report recorded;
    if (!read_report(file, recorded)) return false;
    scenario_file = recorded.scenario_file();
    // The report's overrides first, so that --set given here has the last word.
    assignments.insert(assignments.begin(), recorded.overrides().begin(),
                       recorded.overrides().end());
    if (!seed) seed = recorded.seed();
  }
  try {
    loaded = scenario::load_scenario_file(scenario_file, plugins::registry(), assignments);
  } catch (const scenario::ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return false;
  }
  return true;
}

// Runs the scenario and returns the DOT of instance `saga_id`, or nullopt after explaining.
std::optional<std::string> instance_dot(const scenario::LoadedScenario& loaded,
                                        std::optional<std::uint64_t> seed,
                                        std::uint64_t saga_id) {
  if (loaded.scenario.protocol().has_two_phase_commit()) {
    std::cerr << "txsim diagram: " << loaded.file << " runs two-phase commit; --instance draws "
              << "the path of a saga instance (saga orchestration)\n";
    return std::nullopt;
  }
  runner::RunOptions options;
  options.seed = seed;
  std::optional<std::string> dot;
  options.saga_history = [&](const saga::SagaHistory& history) {
    if (const auto timeline = saga::instance_timeline(history, saga_id)) {
      dot = reports::instance_to_dot(*timeline);
    }
  };
  try {
    runner::run_scenario(loaded, options);
  } catch (const std::invalid_argument& e) {
    std::cerr << "txsim diagram: " << loaded.file << ": " << e.what() << "\n";
    return std::nullopt;
  }
  if (!dot) {
    std::cerr << "txsim diagram: the run of " << loaded.file << " (seed "
              << runner::effective_seed(loaded, options) << ") has no accepted saga with id "
              << saga_id << "; ids start at 1 and appear in the checks' violations\n";
  }
  return dot;
}

}  // namespace

int diagram_command(const std::vector<std::string>& args) {
  po::options_description options(
      "usage: txsim diagram FILE|REPORT.json [options]\n\n"
      "Draws a saga of a scenario: steps as nodes (pivot and retriable marked), forward edges\n"
      "solid, compensation edges dashed in reverse, services as clusters.\n\n"
      "With --instance ID, runs the scenario (FILE may also be a report.json written by txsim\n"
      "run: its scenario, seed and --set overrides are used) and draws the path saga instance ID\n"
      "took: steps done (green), the failed step (red), compensated steps (grey), unknown\n"
      "outcomes (orange), attempts and retries, simulated times on the edges.\n"
      "Exit codes: 0 drawn, 2 usage or scenario error (or no saga instance with that id).\n\noptions");
  std::string saga_name;
  std::string format = "svg";
  std::string out_path;
  options.add_options()
      ("help,h", "show this help")
      ("saga", po::value<std::string>(&saga_name), "saga to draw (required when there are several)")
      ("format", po::value<std::string>(&format)->default_value("svg"),
       "dot, svg or png (default: from the -o file's extension .dot/.gv/.svg/.png, else svg)")
      ("output,o", po::value<std::string>(&out_path), "write to FILE instead of stdout")
      ("instance", po::value<std::uint64_t>()->value_name("ID"),
       "draw the path of saga instance ID in a run of the scenario")
      ("seed", po::value<std::uint64_t>()->value_name("N"), "root seed of that run")
      ("set", po::value<std::vector<std::string>>()->composing()->value_name("PATH=VALUE"),
       "override a scenario field for that run (repeatable)");
  int exit_code = kExitUsage;
  const auto parsed = parse_args("diagram", args, options, 1, 1, exit_code);
  if (!parsed) return exit_code;
  if (parsed->options["format"].defaulted()) {
    // -o saga.dot without --format: the file name says what the user wants in it.
    // Any case: saga.PNG is a PNG file too.
    std::string extension = std::filesystem::path(out_path).extension().string();
    for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (extension == ".dot" || extension == ".gv") format = "dot";
    if (extension == ".png") format = "png";
  }
  if (format != "dot" && format != "svg" && format != "png") {
    std::cerr << "txsim diagram: --format is '" << format << "'; expected dot, svg or png\n";
    return kExitUsage;
  }
  const std::string& file = parsed->files[0];
  const auto& vm = parsed->options;
  if (!vm.count("instance") && (vm.count("seed") || is_report_path(file))) {
    std::cerr << "txsim diagram: --seed and report files go with --instance ID\n";
    return kExitUsage;
  }
  std::optional<std::uint64_t> seed;
  if (vm.count("seed")) seed = vm["seed"].as<std::uint64_t>();
  scenario::LoadedScenario loaded;
  if (!load_source(file, overrides(vm), loaded, seed)) return kExitUsage;

  std::string output;
  if (vm.count("instance")) {
    const auto dot = instance_dot(loaded, seed, vm["instance"].as<std::uint64_t>());
    if (!dot) return kExitUsage;
    output = *dot;
  } else {
    const scenario::Saga* saga = pick_saga(loaded.scenario, saga_name, file);
    if (saga == nullptr) return kExitUsage;
    try {
      output = reports::saga_to_dot(*saga);
    } catch (const saga::SagaGraphError& e) {
      std::cerr << "txsim diagram: " << file << ": " << e.what() << "\n";
      return kExitUsage;
    }
  }
  if (format != "dot") output = reports::render_graphviz(output, format);
  if (out_path.empty()) {
    std::cout << output;
    return kExitPassed;
  }
  std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
  out << output;
  if (!out) {
    std::cerr << "txsim diagram: cannot write " << out_path << "\n";
    return kExitUsage;
  }
  std::cerr << "wrote " << out_path << "\n";
  return kExitPassed;
}

}  // namespace txsim::cli
