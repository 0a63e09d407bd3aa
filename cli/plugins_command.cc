#include <boost/program_options.hpp>

#include <iostream>

#include "cli/commands.h"
#include "plugins/registry.h"

namespace po = boost::program_options;

namespace txsim::cli {

int plugins_command(const std::vector<std::string>& args) {
  po::options_description options(
      "usage: txsim plugins [NAME] [options]\n\n"
      "Lists the registered service types, protocols, projections, workloads and checks with\n"
      "their parameters: name (type, range, default)  description. A scenario names a service\n"
      "type in service { type: ... } and sets parameters with param { key: ... value: ... }.\n"
      "Plugins marked [not implemented yet] validate but cannot run yet. With NAME, only that\n"
      "plugin, or those under it: `txsim plugins upload` lists upload.ingest, upload.publish...\n"
      "\noptions");
  options.add_options()("help,h", "show this help");
  po::options_description hidden;
  hidden.add_options()("name", po::value<std::string>()->default_value(""), "plugin name");
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("name", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "txsim plugins: " << e.what() << "\n" << options;
    return kExitUsage;
  }
  if (vm.count("help")) {
    std::cout << options;
    return kExitPassed;
  }
  const auto name = vm["name"].as<std::string>();
  const auto text = plugins::describe(plugins::registry(), name);
  if (text.empty()) {
    std::cerr << "txsim plugins: no plugin named '" << name
              << "' or under it; expected a name that `txsim plugins` lists, such as upload or "
                 "upload.ingest\n";
    return kExitUsage;
  }
  std::cout << text;
  return kExitPassed;
}

}  // namespace txsim::cli
