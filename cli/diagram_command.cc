// txsim diagram: draws a saga definition of a scenario (reports/saga_diagram.h).
#include <boost/program_options.hpp>

#include <fstream>
#include <iostream>

#include "cli/command_line.h"
#include "cli/commands.h"
#include "core/scenario/loader.h"
#include "plugins/registry.h"
#include "core/txn/saga/saga_graph.h"
#include "plugins/registry.h"
#include "reports/saga_diagram.h"

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

}  // namespace

int diagram_command(const std::vector<std::string>& args) {
  po::options_description options(
      "txsim diagram FILE [options]\n\nDraws a saga of a scenario: steps as nodes (pivot and "
      "retriable marked), forward edges solid,\ncompensation edges dashed in reverse, services "
      "as clusters");
  std::string saga_name;
  std::string format = "svg";
  std::string out_path;
  options.add_options()
      ("help,h", "show this help")
      ("saga", po::value<std::string>(&saga_name), "saga to draw (required when there are several)")
      ("format", po::value<std::string>(&format)->default_value("svg"), "dot, svg or png")
      ("output,o", po::value<std::string>(&out_path), "write to FILE instead of stdout");
  int exit_code = kExitUsage;
  const auto parsed = parse_args("diagram", args, options, 1, 1, exit_code);
  if (!parsed) return exit_code;
  if (format != "dot" && format != "svg" && format != "png") {
    std::cerr << "txsim diagram: --format is '" << format << "'; expected dot, svg or png\n";
    return kExitUsage;
  }
  const std::string& file = parsed->files[0];
  scenario::LoadedScenario loaded;
  try {
    loaded = scenario::load_scenario_file(file, plugins::registry());
  } catch (const scenario::ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return kExitUsage;
  }
  const scenario::Saga* saga = pick_saga(loaded.scenario, saga_name, file);
  if (saga == nullptr) return kExitUsage;

  std::string output;
  try {
    output = reports::saga_to_dot(*saga);
  } catch (const saga::SagaGraphError& e) {
    std::cerr << "txsim diagram: " << file << ": " << e.what() << "\n";
    return kExitUsage;
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
