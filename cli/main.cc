// txsim: deterministic simulation of distributed transactions. Dispatches to a subcommand.
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace {

constexpr const char* kUsage = R"(txsim — deterministic simulator for distributed transactions

usage: txsim <command> [options]

commands:
  run FILE          run a scenario and print its report (--seed N, --set PATH=VALUE, --out DIR)
  validate FILE...  check scenario files without running them (--set PATH=VALUE)
  diagram FILE      draw a saga of a scenario (dot, svg or png)
  compare FILE      run a scenario under several protocols side by side
                    (--protocols saga,2pc, --seeds N, --out DIR, --format text|json|md|html)
  replay REPORT     run again what a report.json describes and compare trace hashes
  check FILE        search random fault plans for a failing check, shrink it, write a replay
  plugins           list service types, protocols, projections, workloads and checks

Scenario files are protobuf text format; docs/scenarios.md describes every field.

options:
  -h, --help      show this help (also: txsim <command> --help)
  --version       print the version

exit codes: 0 all checks passed, 1 a check failed, 2 usage or scenario error, 3 internal error
)";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? txsim::cli::kExitUsage : txsim::cli::kExitPassed;
  }
  if (args[0] == "--version") {
    std::cout << "txsim " << TXSIM_VERSION << "\n";
    return txsim::cli::kExitPassed;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  try {
    if (command == "run") return txsim::cli::run_command(args);
    if (command == "validate") return txsim::cli::validate_command(args);
    if (command == "plugins") return txsim::cli::plugins_command(args);
    if (command == "replay") return txsim::cli::replay_command(args);
    if (command == "diagram") return txsim::cli::diagram_command(args);
    if (command == "compare") return txsim::cli::compare_command(args);
    if (command == "check") return txsim::cli::check_command(args);
  } catch (const std::exception& e) {
    std::cerr << "txsim: internal error: " << e.what() << "\n";
    return txsim::cli::kExitInternal;
  }
  std::cerr << "txsim: unknown command '" << command << "'; expected run, validate, compare, "
            << "diagram, replay, check or plugins (see "
            << "txsim --help)\n";
  return txsim::cli::kExitUsage;
}
