#include "cli/command_line.h"

#include <google/protobuf/util/json_util.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

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
  // Every numeric option of txsim counts something (a seed, an id, runs): Boost would read
  // "-1" into an unsigned option as 2^64 - 1, so a negative number is refused here.
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    const std::size_t eq = a.find('=');
    const bool attached = a.rfind("--", 0) == 0 && eq != std::string::npos;
    const std::string value = attached ? a.substr(eq + 1) : a;
    const bool is_value = attached || (i > 0 && args[i - 1].rfind("--", 0) == 0 &&
                                       args[i - 1].find('=') == std::string::npos);
    if (is_value && value.size() > 1 && value[0] == '-' &&
        std::isdigit(static_cast<unsigned char>(value[1]))) {
      const std::string option = attached ? a.substr(0, eq) : args[i - 1];
      std::cerr << "txsim " << command << ": " << option << " is " << value
                << "; expected a number >= 0\n";
      exit_code = kExitUsage;
      return std::nullopt;
    }
  }
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

bool read_report(const std::string& path, report::Report& report) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << path << ": cannot be opened; expected a report.json written by txsim run\n";
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  const auto status = google::protobuf::util::JsonStringToMessage(text.str(), &report, options);
  if (!status.ok()) {
    std::cerr << path << ": not a txsim report: " << status.ToString() << "\n";
    return false;
  }
  if (report.scenario_file().empty() || report.trace_hash().empty()) {
    std::cerr << path << ": has no scenario_file or trace_hash; expected a report.json written "
              << "by txsim run\n";
    return false;
  }
  const std::filesystem::path scenario = report.scenario_file();
  std::error_code ignored;
  if (scenario.is_relative() && !std::filesystem::exists(scenario, ignored)) {
    std::cerr << path << ": its scenario file " << scenario.string()
              << " is not found from this directory; that path is relative to the directory "
                 "txsim run was started in: run this command from there\n";
    return false;
  }
  return true;
}

bool is_report_path(const std::string& path) {
  return path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
}

}  // namespace txsim::cli
