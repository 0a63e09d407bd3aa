#include "tests/support/scenario_files.h"

#include <algorithm>
#include <utility>

#include "plugins/registry.h"
#include "runner/run_scenario.h"

namespace txsim::test_support {

scenario::LoadedScenario load_source_scenario(const std::string& path,
                                              const std::vector<std::string>& overrides) {
  return scenario::load_scenario_file(std::string(TXSIM_SOURCE_DIR) + "/" + path,
                                      plugins::registry(), overrides);
}

report::Report run_source_scenario(const std::string& path,
                                   const std::vector<std::string>& overrides) {
  return runner::run_scenario(load_source_scenario(path, overrides), {});
}

SagaScenarioRun::SagaScenarioRun(scenario::LoadedScenario loaded)
    : loaded_(std::move(loaded)),
      arrivals_end_(sim::Time::zero() +
                    sim::duration_from_seconds(loaded_.scenario.stop().arrivals_s())),
      simulator_(loaded_.scenario.seed()),
      sagas_(simulator_, loaded_, arrivals_end_) {
  const sim::Time limit =
      arrivals_end_ + sim::duration_from_seconds(loaded_.scenario.stop().drain_s());
  sagas_.start();
  while (simulator_.now() < limit) {
    simulator_.run(std::min(limit, simulator_.now() + sim::milliseconds(100)));
    if (simulator_.now() >= arrivals_end_ && sagas_.done()) break;
  }
}

}  // namespace txsim::test_support
