// Command-line parsing shared by the subcommands: options plus positional scenario files.
#pragma once

#include <boost/program_options.hpp>

#include <optional>
#include <string>
#include <vector>

#include "txsim/report.pb.h"

namespace txsim::cli {

/// What a subcommand was given.
struct ParsedArgs {
  boost::program_options::variables_map options;
  std::vector<std::string> files;  // the positional arguments, in order
};

/// Parses `args` for subcommand `command` ("run", "validate", ...). Returns the parsed options,
/// or nullopt with `exit_code` set when the command must stop here: --help (usage on stdout,
/// exit 0), an unknown or malformed option, or a number of files outside
/// [min_files, max_files] (message and usage on stderr, exit 2).
std::optional<ParsedArgs> parse_args(const std::string& command,
                                     const std::vector<std::string>& args,
                                     const boost::program_options::options_description& options,
                                     std::size_t min_files, std::size_t max_files, int& exit_code);

/// The --set overrides given, in order (empty when none).
std::vector<std::string> overrides(const boost::program_options::variables_map& options);

/// Reads a report.json written by `txsim run --out` (or `--format json`) into `report`. Returns
/// false, after saying why on stderr, when the file is missing, not a report, lacks the
/// scenario file and trace hash a re-run needs, or names its scenario by a path relative to
/// another directory (the one `txsim run` was started in) that does not resolve from here.
bool read_report(const std::string& path, report::Report& report);

/// True when `path` names a report (ends in .json) rather than a scenario file.
bool is_report_path(const std::string& path);

}  // namespace txsim::cli
