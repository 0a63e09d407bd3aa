#include <boost/program_options.hpp>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <cstdio>
#include <functional>
#include <iostream>
#include <optional>

#include "cli/command_line.h"
#include "cli/commands.h"
#include "core/scenario/loader.h"
#include "reports/chrome_trace.h"
#include "reports/report_writers.h"
#include "reports/saga_diagram.h"
#include "reports/trace_file.h"
#include "plugins/registry.h"
#include "runner/run_scenario.h"
#include "runner/unimplemented.h"

namespace po = boost::program_options;

namespace txsim::cli {
namespace {

// Every saga of the scenario drawn as SVG, for report.html and the saga-*.svg files. A saga the
// loader accepted is a DAG, so drawing it cannot fail on the definition.
std::vector<reports::SagaDiagram> saga_diagrams(const scenario::Scenario& s) {
  std::vector<reports::SagaDiagram> diagrams;
  for (const auto& saga : s.saga()) {
    diagrams.push_back({saga.name(), reports::render_graphviz(reports::saga_to_dot(saga), "svg")});
  }
  return diagrams;
}

}  // namespace

namespace {

// A progress line on a terminal's stderr for runs that take more than a second of wall time:
// events, simulated time and sagas finished, redrawn at most 4 times a second. Wall time only
// decides when to draw; it never reaches the simulation.
class ProgressLine {
 public:
  void operator()(std::uint64_t events, sim::Time now, std::uint64_t sagas_finished) {
    const auto wall = std::chrono::steady_clock::now();
    if (wall - start_ < std::chrono::seconds(1) || wall - last_ < std::chrono::milliseconds(250)) {
      return;
    }
    last_ = wall;
    drawn_ = true;
    std::fprintf(stderr, "\r  %llu events, simulated %.1f s, %llu sagas finished\033[K",
                 static_cast<unsigned long long>(events), now.to_seconds(),
                 static_cast<unsigned long long>(sagas_finished));
  }
  void clear() {
    if (drawn_) std::fprintf(stderr, "\r\033[K");
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_ = start_;
  bool drawn_ = false;
};

}  // namespace

int run_command(const std::vector<std::string>& args) {
  po::options_description options(
      "usage: txsim run FILE [options]\n\n"
      "Runs a scenario and prints a one-screen summary of its report.\n"
      "Exit codes: 0 all checks passed, 1 a check failed, 2 usage or scenario error (also a\n"
      "feature the runner does not implement yet), 3 internal error.\n\noptions",
      100, 50);
  std::string format = "text";
  std::string out_dir;
  std::string trace_path;
  std::string trace_json_path;
  options.add_options()
      ("help,h", "show this help")
      ("seed", po::value<std::uint64_t>()->value_name("N"), "root seed (overrides the scenario's seed)")
      ("set", po::value<std::vector<std::string>>()->composing()->value_name("PATH=VALUE"),
       "override one field (repeatable), e.g. workload.uploads.count=5000 or "
       "saga[upload-video].checkpoint=NONE; syntax in docs/scenarios.md")
      ("format", po::value<std::string>(&format)->default_value("text")->value_name("FORMAT"),
       "stdout format: text (one-screen summary) or json (the full report)")
      ("out", po::value<std::string>(&out_dir)->value_name("DIR"),
       "also write report.json, report.md, report.html, timeseries.csv and saga diagrams into DIR")
      ("trace", po::value<std::string>(&trace_path)->value_name("FILE"),
       "write every executed event to FILE (length-delimited protobuf, proto/txsim/trace.proto)")
      ("trace-json", po::value<std::string>(&trace_json_path)->value_name("FILE"),
       "write the timeline to FILE as Chrome Trace Event JSON (Perfetto, chrome://tracing); "
       "at most 100000 events");
  int exit_code = kExitUsage;
  const auto parsed = parse_args("run", args, options, 1, 1, exit_code);
  if (!parsed) return exit_code;
  const po::variables_map& vm = parsed->options;
  if (format != "text" && format != "json") {
    std::cerr << "txsim run: --format is '" << format << "'; expected text or json\n";
    return kExitUsage;
  }
  const std::string& file = parsed->files[0];

  scenario::LoadedScenario loaded;
  try {
    loaded = scenario::load_scenario_file(file, plugins::registry(), overrides(vm));
  } catch (const scenario::ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return kExitUsage;
  }
  if (const auto missing = runner::unimplemented_fields(loaded.scenario); !missing.empty()) {
    std::string fields;
    for (const auto& field : missing) fields += (fields.empty() ? "" : ", ") + field;
    std::cerr << file << ": not implemented yet: " << fields
              << " (the scenario is valid, but this txsim cannot run it yet)\n";
    return kExitUsage;
  }
  // A directory that cannot be made is a usage error, found before a possibly long run.
  if (!out_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(out_dir, ec);
    if (ec || !std::filesystem::is_directory(out_dir)) {
      std::cerr << "txsim run: --out " << out_dir << ": cannot create the directory"
                << (ec ? " (" + ec.message() + ")" : std::string()) << "\n";
      return kExitUsage;
    }
  }
  runner::RunOptions run_options;
  if (vm.count("seed")) run_options.seed = vm["seed"].as<std::uint64_t>();
  ProgressLine progress;
  if (isatty(STDERR_FILENO)) run_options.progress = std::ref(progress);

  std::optional<reports::TraceFileWriter> trace_writer;
  if (!trace_path.empty()) {
    trace::TraceHeader header;
    header.set_scenario(loaded.scenario.name());
    header.set_seed(runner::effective_seed(loaded, run_options));
    header.set_txsim_version(TXSIM_VERSION);
    try {
      trace_writer.emplace(trace_path, header);
    } catch (const std::runtime_error& e) {
      std::cerr << "txsim run: " << e.what() << "\n";
      return kExitUsage;
    }
    run_options.trace_sink = &*trace_writer;
  }

  std::optional<reports::ChromeTraceWriter> chrome_trace;
  if (!trace_json_path.empty()) {
    chrome_trace.emplace();
    run_options.chrome_trace = &*chrome_trace;
  }

  const report::Report report = runner::run_scenario(loaded, run_options);
  progress.clear();
  if (trace_writer) trace_writer->close();
  if (chrome_trace) {
    try {
      chrome_trace->write(trace_json_path);
    } catch (const std::runtime_error& e) {
      std::cerr << "txsim run: " << e.what() << "\n";
      return kExitUsage;
    }
    std::cerr << "wrote " << trace_json_path << " (" << chrome_trace->events() << " events"
              << (chrome_trace->dropped() > 0
                      ? ", " + std::to_string(chrome_trace->dropped()) + " dropped at the bound"
                      : std::string())
              << ")\n";
  }

  if (format == "json") {
    std::cout << reports::to_json(report);
  } else {
    std::cout << reports::to_text_summary(report);
  }
  if (!out_dir.empty()) {
    for (const auto& path :
         reports::write_report_files(report, out_dir, saga_diagrams(loaded.scenario))) {
      std::cerr << "wrote " << path << "\n";
    }
  }
  if (!trace_path.empty()) std::cerr << "wrote " << trace_path << "\n";
  return report.passed() ? kExitPassed : kExitCheckFailed;
}

}  // namespace txsim::cli
