#include "cli/command_line.h"

#include <iostream>

#include "cli/commands.h"

namespace po = boost::program_options;

namespace txsim::cli {

std::optional<ParsedArgs> parse_args(const std::string& command,
                                     const std::vector<std::string>& args,
                                     const po::options_description& options, std::size_t min_files,
                                     std::size_t max_files, int& exit_code) {
  po::options_description hidden;
  hidden.add_options()("file", po::value<std::vector<std::string>>(), "scenario file");
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("file", -1);
  ParsedArgs parsed;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(),
              parsed.options);
    po::notify(parsed.options);
  } catch (const po::error& e) {
    std::cerr << "txsim " << command << ": " << e.what() << "\n" << options;
    exit_code = kExitUsage;
    return std::nullopt;
  }
  if (parsed.options.count("help")) {
    std::cout << options;
    exit_code = kExitPassed;
    return std::nullopt;
  }
  if (parsed.options.count("file")) parsed.files = parsed.options["file"].as<std::vector<std::string>>();
  if (parsed.files.size() < min_files || parsed.files.size() > max_files) {
    std::cerr << "txsim " << command << ": expected "
              << (max_files == 1 ? "exactly one scenario file" : "at least one scenario file")
              << "\n"
              << options;
    exit_code = kExitUsage;
    return std::nullopt;
  }
  return parsed;
}

std::vector<std::string> overrides(const po::variables_map& options) {
  return options.count("set") ? options["set"].as<std::vector<std::string>>()
                              : std::vector<std::string>{};
}

}  // namespace txsim::cli
