// Runs one scenario from start to finish and produces its report.
//
// The runner is where a validated scenario becomes a simulation: it builds the simulator from
// the scenario's seed, instantiates the workloads from plugins/, runs the event loop under the
// stop condition, evaluates the checks, and fills a report::Report. It holds no state between
// runs, so property tests and sweeps call it in a loop.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/scenario/loader.h"
#include "core/sim/trace.h"
#include "core/txn/saga/history.h"
#include "core/txn/twopc/history.h"
#include "reports/chrome_trace.h"
#include "txsim/report.pb.h"

namespace txsim::runner {

struct RunOptions {
  /// Overrides the scenario's seed.
  std::optional<std::uint64_t> seed;
  /// Receives every executed event (e.g. a trace file writer). Not owned; may be null.
  sim::TraceSink* trace_sink = nullptr;
  /// Receives the run's timeline for --trace-json: queue customers per server, saga instances
  /// with their step requests, faults (runner/saga_trace.h). Not owned; may be null.
  reports::ChromeTraceWriter* chrome_trace = nullptr;
  /// Called after every 100 ms of virtual time with the events executed so far, the virtual
  /// time, and the sagas finished (0 without sagas). An observer: it cannot change the run.
  std::function<void(std::uint64_t events, sim::Time now, std::uint64_t sagas_finished)> progress;
  /// Called once after a run with sagas, before it returns, with the saga history (e.g. to show
  /// one instance's path). The history and its definitions die when the call returns.
  std::function<void(const saga::SagaHistory& history)> saga_history;
  /// The same for a run under protocol.two_phase_commit: its history records every
  /// transaction's path (core/txn/twopc/transaction_path.h) when this is set. `route_names[r]`
  /// names route r, `part_names[r]` its parts' services.
  std::function<void(const twopc::TwoPhaseHistory& history, const std::vector<std::string>& route_names,
                     const std::vector<std::vector<std::string>>& part_names)>
      twopc_history;
};

/// Default safety limit on executed events when the scenario sets none.
inline constexpr std::uint64_t kDefaultMaxEvents = 10'000'000'000ULL;

/// Runs `loaded` and returns its report. Throws std::invalid_argument "not implemented yet:
/// <field>" when the scenario uses a feature the runner lacks (see unimplemented.h). Throws std::logic_error (or what a plugin throws) on a
/// broken invariant inside the simulation; scenario problems were caught at load time.
report::Report run_scenario(const scenario::LoadedScenario& loaded, const RunOptions& options);

/// The seed a run of `loaded` uses under `options`.
std::uint64_t effective_seed(const scenario::LoadedScenario& loaded, const RunOptions& options);

}  // namespace txsim::runner
