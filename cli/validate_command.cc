#include <iostream>

#include "cli/commands.h"
#include "core/scenario/loader.h"

namespace txsim::cli {

int validate_command(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "-h" || args[0] == "--help") {
    std::cout << "txsim validate FILE...\n\nChecks scenario files without running them: syntax, "
                 "field values and their relations.\nPrints 'FILE: ok' or every problem as "
                 "file:line:col: field: message. Exit 0 if all are valid, 2 otherwise.\n";
    return args.empty() ? kExitUsage : kExitPassed;
  }
  int exit_code = kExitPassed;
  for (const auto& file : args) {
    try {
      scenario::load_scenario_file(file);
      std::cout << file << ": ok\n";
    } catch (const scenario::ScenarioError& e) {
      std::cerr << e.what() << "\n";
      exit_code = kExitUsage;
    }
  }
  return exit_code;
}

}  // namespace txsim::cli
