#include "tests/support/chain_world.h"

#include <memory>
#include <string>

#include "plugins/generic/step_service.h"

namespace txsim::test_support {

runner::SagaWorldConfig chain_world(const ChainWorldOptions& options) {
  runner::SagaWorldConfig config;
  config.network.default_latency = net::LatencyModel::constant(1.0);
  config.network.loss_probability = options.loss_probability;
  config.network.duplication_probability = options.duplication_probability;
  config.network.reorder_probability = options.reorder_probability;
  const std::string coordinator = options.choreography ? "broker" : "orchestrator";
  config.nodes = {{coordinator, "z1", "r1", {}},
                  {"n1", "z1", "r1", {}},
                  {"n2", "z1", "r1", {}},
                  {"n3", "z1", "r1", {}}};
  if (options.choreography) {
    config.choreography_broker_node = coordinator;
  } else {
    config.orchestrator_node = coordinator;
  }
  config.retention_horizon = options.retention_horizon;
  saga::SagaDefinition definition;
  definition.name = options.join ? "join" : "chain";
  for (std::uint32_t i = 0; i < 3; ++i) {
    const std::string name = "s" + std::to_string(i + 1);
    config.services.push_back(
        {name,
         "n" + std::to_string(i + 1),
         std::make_unique<plugins::generic::StepService>(options.failure_probability.at(i)),
         {options.barrier, 2.0}});
    saga::StepDefinition step;
    step.name = name;
    step.service = name;
    step.action = "do";
    step.compensation = "undo";
    step.kind = i == 2 ? saga::StepKind::kPivot : saga::StepKind::kCompensatable;
    if (i == 1 && !options.join) step.after = {0};
    if (i == 2)
      step.after = options.join ? std::vector<std::uint32_t>{0, 1} : std::vector<std::uint32_t>{1};
    if (options.step_timeout) step.timeout = *options.step_timeout;
    if (options.retry) step.retry = *options.retry;
    definition.steps.push_back(step);
  }
  if (options.forward_recovery_deadline) {
    definition.forward_recovery_deadline = *options.forward_recovery_deadline;
  }
  definition.checkpoint = options.checkpoint;
  config.sagas.push_back(definition);
  return config;
}

ChainWorldOptions with_quick_retries(ChainWorldOptions options) {
  options.step_timeout = sim::milliseconds(50);
  options.retry = saga::RetryPolicy{4, sim::milliseconds(5), sim::milliseconds(100)};
  return options;
}

void submit_one_per_millisecond(sim::Simulator& simulator, runner::SagaWorld& world, int count) {
  const std::uint32_t kind = simulator.register_kind("test.submit");
  for (int i = 0; i < count; ++i) {
    simulator.schedule_at(
        sim::Time::zero() + sim::milliseconds(i), kind,
        [](void* w, std::uint64_t id) { static_cast<runner::SagaWorld*>(w)->submit(0, id, {}); },
        &world, static_cast<std::uint64_t>(i + 1));
  }
}

void crash_at(sim::Simulator& simulator, net::Node& node, sim::Time at, sim::Duration downtime) {
  const std::uint32_t kind = simulator.register_kind("test.crash");
  simulator.schedule_at(
      at, kind, [](void* n, std::uint64_t) { static_cast<net::Node*>(n)->crash(); }, &node);
  simulator.schedule_at(
      at + downtime, kind, [](void* n, std::uint64_t) { static_cast<net::Node*>(n)->restart(); },
      &node);
}

}  // namespace txsim::test_support
