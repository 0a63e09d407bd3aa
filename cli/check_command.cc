// `txsim check`: randomized search for a fault plan that breaks a check, shrunk to a minimal one
// (testing/fault_search.h), written as a scenario file that `txsim run` replays.
#include <boost/program_options.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/command_line.h"
#include "cli/commands.h"
#include "core/scenario/loader.h"
#include "runner/shell_quote.h"
#include "runner/unimplemented.h"
#include "testing/fault_search.h"

namespace po = boost::program_options;

namespace txsim::cli {
namespace {

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string kinds(const FaultPlan& plan) {
  std::string out;
  for (const auto& f : plan.faults) out += std::string(out.empty() ? "" : " ") + fault_kind_name(f.kind);
  return out.empty() ? "none" : out;
}

// The counterexample's file name: the scenario's name, so that several checks can share --out.
std::string counterexample_path(const std::string& out_dir, const std::string& name) {
  return (std::filesystem::path(out_dir) / (name + "-counterexample.textproto")).string();
}

bool write_counterexample(const std::string& path, const Scenario& scenario,
                          const search::SearchResult& result, const std::string& out_dir) {
  std::error_code error;
  std::filesystem::create_directories(out_dir, error);
  std::ofstream out(path, std::ios::binary);
  if (!out) {
    std::cerr << "txsim check: cannot write " << path << "\n";
    return false;
  }
  out << "# Written by txsim check: " << scenario.loaded().file << " with its faults replaced by\n"
      << "# the shrunk plan below, under which check " << result.check << " fails with seed "
      << result.run_seed << ".\n# Replay: txsim run " << runner::shell_word(path) << " --seed "
      << result.run_seed << "\n";
  for (const auto& f : result.shrunk.faults) out << "#   " << f.describe() << "\n";
  out << scenario_text(scenario, result.shrunk, out_dir, result.run_seed);
  return static_cast<bool>(out);
}

}  // namespace

int check_command(const std::vector<std::string>& args) {
  po::options_description options(
      "usage: txsim check FILE [options]\n\n"
      "Searches random fault plans (crashes, partitions, loss and duplication windows, latency\n"
      "spikes; each run enables a random subset of the kinds) over random seeds for one that\n"
      "makes a check fail. The scenario's own faults are replaced by the plan. The first failing\n"
      "plan is shrunk by delta debugging to a minimal one, written as a scenario file, and the\n"
      "command that replays it is printed. The same command gives the same result.\n"
      "Exit codes: 0 no run failed, 1 a check failed (counterexample written), 2 usage or\n"
      "scenario error, 3 internal error.\n\noptions",
      100, 50);
  int runs = 100;
  int max_faults = 3;
  std::uint64_t seed = 1;
  std::string format = "text";
  std::string out_dir = ".";
  options.add_options()
      ("help,h", "show this help")
      ("runs", po::value<int>(&runs)->default_value(100)->value_name("N"), "random runs, >= 1")
      ("max-faults", po::value<int>(&max_faults)->default_value(3)->value_name("K"),
       "faults per random plan (1..K), 1..100")
      ("seed", po::value<std::uint64_t>(&seed)->default_value(1)->value_name("S"),
       "seed of the search (run seeds and plans are drawn from it)")
      ("format", po::value<std::string>(&format)->default_value("text")->value_name("FORMAT"),
       "stdout format: text or json")
      ("out", po::value<std::string>(&out_dir)->default_value(".")->value_name("DIR"),
       "directory for the counterexample scenario file")
      ("set", po::value<std::vector<std::string>>()->composing()->value_name("PATH=VALUE"),
       "override one field of the scenario (repeatable), e.g. stop.arrivals_s=10");
  int exit_code = kExitUsage;
  const auto parsed = parse_args("check", args, options, 1, 1, exit_code);
  if (!parsed) return exit_code;
  if (format != "text" && format != "json") {
    std::cerr << "txsim check: --format is '" << format << "'; expected text or json\n";
    return kExitUsage;
  }
  if (runs < 1) {
    std::cerr << "txsim check: --runs is " << runs << "; expected at least 1\n";
    return kExitUsage;
  }
  if (max_faults < 1 || max_faults > 100) {
    std::cerr << "txsim check: --max-faults is " << max_faults << "; expected 1..100\n";
    return kExitUsage;
  }
  const std::string& file = parsed->files[0];
  std::optional<Scenario> scenario;
  try {
    scenario = Scenario::load(file, overrides(parsed->options));
  } catch (const scenario::ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return kExitUsage;
  }
  if (const auto missing = runner::unimplemented_fields(scenario->loaded().scenario);
      !missing.empty()) {
    std::string fields;
    for (const auto& field : missing) fields += (fields.empty() ? "" : ", ") + field;
    std::cerr << file << ": not implemented yet: " << fields << "\n";
    return kExitUsage;
  }
  if (scenario->node_names().empty()) {
    std::cerr << file << ": the topology has no nodes; txsim check needs nodes to fault\n";
    return kExitUsage;
  }

  search::SearchOptions search_options;
  search_options.runs = runs;
  search_options.max_faults = max_faults;
  search_options.seed = seed;
  search_options.progress = [&](const std::string& phase, int run, const FaultPlan& plan,
                                const RunResult& result) {
    const auto failure = result.first_failure();
    std::cerr << (phase == "search" ? "run " : "shrink ") << run
              << (phase == "search" ? "/" + std::to_string(runs) : std::string())
              << "  seed " << result.seed << "  " << plan.faults.size() << " faults ["
              << kinds(plan) << "]  " << (failure ? "FAIL " + failure->name : "ok") << "\n";
  };
  search::SearchResult result;
  try {
    result = search::search(*scenario, search_options);
  } catch (const scenario::ScenarioError& e) {
    // A generated plan the validator refuses is our bug, but say what it was.
    std::cerr << "txsim check: a generated fault plan is invalid:\n" << e.what() << "\n";
    return kExitInternal;
  }

  const std::string path = counterexample_path(out_dir, scenario->loaded().scenario.name());
  const std::string replay =
      "txsim run " + runner::shell_word(path) + " --seed " + std::to_string(result.run_seed);
  if (result.failed && !write_counterexample(path, *scenario, result, out_dir)) return kExitUsage;
  const CheckOutcome outcome =
      result.failed ? result.shrunk_result.check(result.check) : CheckOutcome{};

  if (format == "json") {
    std::cout << "{\"failed\": " << (result.failed ? "true" : "false")
              << ", \"runs\": " << result.runs;
    if (result.failed) {
      std::cout << ", \"check\": " << json_string(result.check) << ", \"seed\": " << result.run_seed
                << ", \"faults\": " << result.shrunk.to_json()
                << ", \"found_faults\": " << result.found.to_json()
                << ", \"witness\": " << json_string(outcome.witness)
                << ", \"summary\": " << json_string(outcome.summary)
                << ", \"trace_hash\": " << json_string(result.shrunk_result.trace_hash)
                << ", \"shrink_runs\": " << result.shrink_runs
                << ", \"shrink_steps\": " << result.shrink_steps
                << ", \"scenario_file\": " << json_string(path)
                << ", \"replay\": " << json_string(replay);
    }
    std::cout << "}\n";
  } else if (!result.failed) {
    std::cout << "txsim check " << file << ": " << result.runs
              << " runs with random fault plans, every check passed\n";
  } else {
    std::cout << "txsim check " << file << ": check " << result.check << " FAILED in run "
              << result.runs << " (seed " << result.run_seed << ")\n"
              << "  " << outcome.summary << "\n  witness: " << outcome.witness << "\n"
              << "  fault plan as found (" << result.found.faults.size() << " faults):\n";
    for (const auto& f : result.found.faults) std::cout << "    " << f.describe() << "\n";
    std::cout << "  shrunk in " << result.shrink_runs << " runs (" << result.shrink_steps
              << " steps) to " << result.shrunk.faults.size() << " faults"
              << (result.shrunk.faults.empty() ? " (the scenario fails without any)\n" : ":\n");
    for (const auto& f : result.shrunk.faults) std::cout << "    " << f.describe() << "\n";
    std::cout << "  trace hash " << result.shrunk_result.trace_hash << "\n  wrote " << path
              << "\n  replay: " << replay << "\n";
  }
  return result.failed ? kExitCheckFailed : kExitPassed;
}

}  // namespace txsim::cli
