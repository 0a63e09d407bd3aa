#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/command_line.h"
#include "cli/commands.h"
#include "core/scenario/loader.h"
#include "plugins/registry.h"
#include "reports/report_writers.h"
#include "runner/run_scenario.h"

namespace po = boost::program_options;

namespace txsim::cli {
namespace {

// Reads a report.json written by `txsim run --out` (or `--format json`). Returns false with a
// message on stderr when it cannot.
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
  return true;
}

}  // namespace

int replay_command(const std::vector<std::string>& args) {
  po::options_description options(
      "usage: txsim replay REPORT.json [options]\n\n"
      "Runs the run a report describes again — its scenario file, seed and --set overrides — and\n"
      "compares the trace hash with the report's. Exit codes: 0 identical (and the checks have\n"
      "the report's verdict), 1 the run differs, 2 usage, report or scenario error.\n\noptions",
      100, 50);
  std::string format = "text";
  options.add_options()("help,h", "show this help")(
      "format", po::value<std::string>(&format)->default_value("text")->value_name("FORMAT"),
      "stdout format of the new run: text or json");
  int exit_code = kExitUsage;
  const auto parsed = parse_args("replay", args, options, 1, 1, exit_code);
  if (!parsed) return exit_code;
  if (format != "text" && format != "json") {
    std::cerr << "txsim replay: --format is '" << format << "'; expected text or json\n";
    return kExitUsage;
  }
  report::Report recorded;
  if (!read_report(parsed->files[0], recorded)) return kExitUsage;

  scenario::LoadedScenario loaded;
  try {
    loaded = scenario::load_scenario_file(
        recorded.scenario_file(), plugins::registry(),
        {recorded.overrides().begin(), recorded.overrides().end()});
  } catch (const scenario::ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return kExitUsage;
  }
  runner::RunOptions run_options;
  run_options.seed = recorded.seed();
  const report::Report replayed = runner::run_scenario(loaded, run_options);
  std::cout << (format == "json" ? reports::to_json(replayed) : reports::to_text_summary(replayed));
  const bool same = replayed.trace_hash() == recorded.trace_hash() &&
                    replayed.events_processed() == recorded.events_processed();
  std::cerr << "replay of " << parsed->files[0] << ": trace hash " << replayed.trace_hash()
            << (same ? " is identical to the report's"
                     : ", the report has " + recorded.trace_hash() +
                           " (different txsim version or scenario file changed?)")
            << "\n";
  if (!same || replayed.passed() != recorded.passed()) return kExitCheckFailed;
  return kExitPassed;
}

}  // namespace txsim::cli
