#include <boost/program_options.hpp>

#include <cstdint>
#include <iostream>

#include "cli/command_line.h"
#include "cli/commands.h"
#include "core/scenario/loader.h"
#include "plugins/registry.h"

namespace po = boost::program_options;

namespace txsim::cli {

int validate_command(const std::vector<std::string>& args) {
  po::options_description options(
      "usage: txsim validate FILE... [options]\n\n"
      "Checks scenario files without running them: syntax, field values, references between\n"
      "fields, plugin types and parameters. Prints 'FILE: ok' for each valid file and every\n"
      "problem as file:line:col: field.path: what was found; what was expected.\n"
      "Exit codes: 0 all valid, 2 a file is invalid or a usage error.\n\noptions",
      100, 50);
  options.add_options()
      ("help,h", "show this help")
      ("set", po::value<std::vector<std::string>>()->composing()->value_name("PATH=VALUE"),
       "override one field before validating (repeatable; syntax in docs/scenarios.md)");
  int usage_exit = kExitUsage;
  const auto parsed = parse_args("validate", args, options, 1, SIZE_MAX, usage_exit);
  if (!parsed) return usage_exit;
  const auto set = overrides(parsed->options);
  int exit_code = kExitPassed;
  for (const auto& file : parsed->files) {
    try {
      scenario::load_scenario_file(file, plugins::registry(), set);
      std::cout << file << ": ok\n";
    } catch (const scenario::ScenarioError& e) {
      std::cerr << e.what() << "\n";
      exit_code = kExitUsage;
    }
  }
  return exit_code;
}

}  // namespace txsim::cli
