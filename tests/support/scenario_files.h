// Test support: the scenario files shipped under scenarios/, loaded and run the way the runner
// tests need them.
//
// Times are virtual (core/sim/time.h: integer nanoseconds).
#pragma once

#include <string>
#include <vector>

#include "core/scenario/loader.h"
#include "runner/saga_scenario.h"
#include "txsim/report.pb.h"

namespace txsim::test_support {

/// The scenario file at `path`, relative to the source tree (e.g.
/// "scenarios/upload/saga.textproto"), loaded with the built-in plugins and `overrides` in --set
/// syntax ("stop.arrivals_s=15"). Throws scenario::ScenarioError as the loader does.
scenario::LoadedScenario load_source_scenario(const std::string& path,
                                              const std::vector<std::string>& overrides = {});

/// load_source_scenario, run as `txsim run` runs it (runner::run_scenario, default options).
report::Report run_source_scenario(const std::string& path,
                                   const std::vector<std::string>& overrides = {});

/// A saga scenario, built and run to its end on construction: arrivals until stop.arrivals_s,
/// then on until every accepted saga has finished or stop.drain_s has passed, checked every
/// 100 ms of virtual time. Tests then read the world, the read side or the report.
class SagaScenarioRun {
 public:
  explicit SagaScenarioRun(scenario::LoadedScenario loaded);
  SagaScenarioRun(const SagaScenarioRun&) = delete;
  SagaScenarioRun& operator=(const SagaScenarioRun&) = delete;

  sim::Simulator& simulator() { return simulator_; }
  runner::SagaScenario& sagas() { return sagas_; }

 private:
  scenario::LoadedScenario loaded_;  // before sagas_, which keeps a reference to it
  sim::Time arrivals_end_;
  sim::Simulator simulator_;
  runner::SagaScenario sagas_;
};

}  // namespace txsim::test_support
