// txsim replay: re-runs the run a report describes and compares trace hashes.
#include <iostream>
#include <optional>

#include "cli/command_line.h"
#include "cli/commands.h"
#include "core/scenario/loader.h"
#include "core/txn/saga/instance_timeline.h"
#include "core/txn/twopc/transaction_path.h"
#include "plugins/registry.h"
#include "reports/report_writers.h"
#include "runner/run_scenario.h"

namespace po = boost::program_options;

namespace txsim::cli {

int replay_command(const std::vector<std::string>& args) {
  po::options_description options(
      "usage: txsim replay REPORT.json [options]\n\n"
      "Runs the run a report describes again — its scenario file, seed and --set overrides — and\n"
      "compares the trace hash with the report's. With --saga ID it also prints that saga instance's\n"
      "path: each step's requests, outcomes and simulated times (ids appear in the checks'\n"
      "violations); under two-phase commit, the transaction's prepare, vote, decision and\n"
      "acknowledgement times per participant.\n"
      "Exit codes: 0 identical (and the checks have the report's verdict), 1 the run differs,\n"
      "2 usage, report or scenario error (or no saga with that id).\n\noptions",
      100, 50);
  std::string format = "text";
  options.add_options()("help,h", "show this help")(
      "format", po::value<std::string>(&format)->default_value("text")->value_name("FORMAT"),
      "stdout format of the new run: text or json")(
      "saga", po::value<std::uint64_t>()->value_name("ID"),
      "also print the path of saga instance ID");
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
  std::optional<std::string> instance_text;
  const std::optional<std::uint64_t> saga_id =
      parsed->options.count("saga") ? std::optional(parsed->options["saga"].as<std::uint64_t>())
                                    : std::nullopt;
  if (saga_id && loaded.scenario.protocol().has_two_phase_commit()) {
    // Under two-phase commit the workload's saga id is the transaction id.
    run_options.twopc_history = [&](const twopc::TwoPhaseHistory& history,
                                    const std::vector<std::string>& route_names,
                                    const std::vector<std::vector<std::string>>& part_names) {
      const auto record = history.txns().find(*saga_id);
      if (record == history.txns().end()) return;
      const auto route = record->second.route;
      const auto& names = part_names.at(route);
      if (const auto path = twopc::transaction_path(history, *saga_id, static_cast<std::uint32_t>(names.size()))) {
        instance_text = twopc::to_text(*path, route_names.at(route), names);
      }
    };
  } else if (saga_id) {
    run_options.saga_history = [&](const saga::SagaHistory& history) {
      if (const auto timeline = saga::instance_timeline(history, *saga_id)) {
        instance_text = saga::to_text(*timeline);
      }
    };
  }
  const report::Report replayed = runner::run_scenario(loaded, run_options);
  std::cout << (format == "json" ? reports::to_json(replayed) : reports::to_text_summary(replayed));
  if (saga_id && !instance_text) {
    std::cerr << "txsim replay: the run has no accepted "
              << (loaded.scenario.protocol().has_two_phase_commit() ? "transaction" : "saga")
              << " with id " << *saga_id << " (ids start at 1; rejected ones have no path)\n";
    return kExitUsage;
  }
  // JSON on stdout must stay one document: the path goes to stderr then.
  if (instance_text) (format == "json" ? std::cerr : std::cout) << "\n" << *instance_text;
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
