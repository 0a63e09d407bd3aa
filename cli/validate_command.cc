#include <boost/program_options.hpp>

#include <iostream>

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
  po::options_description hidden;
  hidden.add_options()("file", po::value<std::vector<std::string>>(), "scenario file");
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("file", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "txsim validate: " << e.what() << "\n" << options;
    return kExitUsage;
  }
  if (vm.count("help")) {
    std::cout << options;
    return kExitPassed;
  }
  if (!vm.count("file")) {
    std::cerr << "txsim validate: expected at least one scenario file\n" << options;
    return kExitUsage;
  }
  const auto overrides =
      vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
  int exit_code = kExitPassed;
  for (const auto& file : vm["file"].as<std::vector<std::string>>()) {
    try {
      scenario::load_scenario_file(file, plugins::registry(), overrides);
      std::cout << file << ": ok\n";
    } catch (const scenario::ScenarioError& e) {
      std::cerr << e.what() << "\n";
      exit_code = kExitUsage;
    }
  }
  return exit_code;
}

}  // namespace txsim::cli
