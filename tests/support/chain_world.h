// Test support: the small generic saga world that the runner tests share, and the faults and
// submissions they apply to it.
//
// The world: three generic steps s1, s2, s3 (plugins/generic/step_service.h) on nodes n1, n2,
// n3, coordinated either by an orchestrator on node "orchestrator" or, under choreography, by a
// broker on node "broker" (four nodes in all). Steps s1 and s2 are compensatable and s3 is the
// pivot (Richardson, "Microservices Patterns", 2018, ch. 4); the steps run as a chain
// s1 -> s2 -> s3, or with `join` as s1 and s2 in parallel and s3 after both. Network latency is a
// constant 1 ms. Times are virtual (core/sim/time.h: integer nanoseconds).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "runner/saga_world.h"

namespace txsim::test_support {

struct ChainWorldOptions {
  std::vector<double> failure_probability = {0.05, 0.05, 0.05};  // per step, in step order
  bool choreography = false;  // a broker on "broker" instead of an orchestrator
  bool join = false;          // s1 and s2 in parallel, s3 after both
  bool barrier = true;        // participants absorb duplicates (runner::ServiceConfig)
  bool checkpoint = true;     // SagaDefinition::checkpoint
  double loss_probability = 0.0;
  double duplication_probability = 0.0;
  double reorder_probability = 0.0;
  /// Per attempt, with its retry policy; unset: the SagaDefinition defaults.
  std::optional<sim::Duration> step_timeout = std::nullopt;
  std::optional<saga::RetryPolicy> retry = std::nullopt;
  std::optional<sim::Duration> forward_recovery_deadline = std::nullopt;
  /// SagaWorldConfig::retention_horizon.
  std::optional<sim::Duration> retention_horizon = std::nullopt;
};

/// The world's configuration; the saga is route 0, named "join" with `join`, else "chain".
runner::SagaWorldConfig chain_world(const ChainWorldOptions& options);

/// `options` with the orchestrated tests' timing: 50 ms per attempt, 4 attempts with backoff
/// from 5 ms to 100 ms, so a saga settles within a second of its last fault.
ChainWorldOptions with_quick_retries(ChainWorldOptions options);

/// Schedules sagas 1..count on route 0 with no arguments, saga i at i - 1 ms, through
/// SagaWorld::submit. REQUIRES: world outlives the run.
void submit_one_per_millisecond(sim::Simulator& simulator, runner::SagaWorld& world, int count);

/// Crashes `node` at `at` and restarts it `downtime` later. REQUIRES: node outlives the run.
void crash_at(sim::Simulator& simulator, net::Node& node, sim::Time at, sim::Duration downtime);

}  // namespace txsim::test_support
