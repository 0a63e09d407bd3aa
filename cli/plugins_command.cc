#include <boost/program_options.hpp>

#include <iostream>

#include "cli/commands.h"
#include "plugins/registry.h"

namespace po = boost::program_options;

namespace txsim::cli {

int plugins_command(const std::vector<std::string>& args) {
  po::options_description options(
      "usage: txsim plugins [options]\n\n"
      "Lists the registered service types, protocols, projections, workloads and checks with\n"
      "their parameters: name (type, range, default)  description. A scenario names a service\n"
      "type in service { type: ... } and sets parameters with param { key: ... value: ... }.\n"
      "Plugins marked [not implemented yet] validate but cannot run yet.\n\noptions");
  options.add_options()("help,h", "show this help");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(options).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "txsim plugins: " << e.what() << "\n" << options;
    return kExitUsage;
  }
  if (vm.count("help")) {
    std::cout << options;
    return kExitPassed;
  }
  std::cout << plugins::describe(plugins::registry());
  return kExitPassed;
}

}  // namespace txsim::cli
