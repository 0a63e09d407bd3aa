// Reference workload W1 (shared/bench/WORKLOADS.md): 200,000 orchestrated sagas S1 -> ... -> S5,
// Poisson arrivals at 1000 /s, service time exponential with mean 2 ms, each forward step failing
// with probability 0.05, compensations never failing. W1a: constant 1 ms one-way latency;
// W1b: exponential latency with mean 1 ms. Storage sync is instantaneous (W1 models no disk).
//
//   build/release/bench/saga/saga_bench --benchmark_counters_tabular=true
//
// Counters: committed fraction (expected 0.95^5 = 0.7738), mean and p99 latency of committed
// sagas in ms (W1a expected mean 20 ms), messages and events processed, wall time, saga steps
// (requests: actions and compensations) per wall second (target >= 1e6) and per CPU second of
// this process (the figure to compare on a shared machine), peak RSS in MiB.
//
// Memory: settled sagas' participant rows are forgotten after a retention horizon of the step
// timeout plus one second (runner/saga_retention.h), so peak RSS is bounded by the sagas in
// flight and in the horizon: W1a at 50,000 and at 200,000 sagas should show nearly the same
// peak. The peak is reset before each run (Linux /proc/self/clear_refs, "5"), so each
// benchmark reports its own.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "core/sim/distributions.h"
#include "plugins/generic/step_service.h"
#include "runner/saga_world.h"

namespace txsim {
namespace {

constexpr int kSteps = 5;

runner::SagaWorldConfig w1_world(net::LatencyModel latency, sim::Duration step_timeout) {
  runner::SagaWorldConfig config;
  config.network.default_latency = latency;
  config.record_history = false;
  config.retention_horizon = step_timeout + sim::seconds(1);
  config.orchestrator.recovery_interval = sim::seconds(10);
  const storage::StoreConfig instant_sync{sim::Duration{}, false};
  config.nodes.push_back({"orchestrator", "z", "r", instant_sync});
  config.orchestrator_node = "orchestrator";
  saga::SagaDefinition definition;
  definition.name = "w1";
  for (int i = 1; i <= kSteps; ++i) {
    const std::string name = "S" + std::to_string(i);
    config.nodes.push_back({name, "z", "r", instant_sync});
    config.services.push_back(
        {name, name, std::make_unique<plugins::generic::StepService>(0.05), {true, 2.0}});
    saga::StepDefinition step;
    step.name = name;
    step.service = name;
    step.action = "do";
    step.compensation = "undo";
    if (i > 1) step.after = {static_cast<std::uint32_t>(i - 2)};
    step.timeout = step_timeout;
    definition.steps.push_back(step);
  }
  config.sagas.push_back(definition);
  return config;
}

// Poisson arrivals feeding the orchestrator, as a self-rescheduling kernel callback.
struct Arrivals {
  sim::Simulator* simulator;
  runner::SagaWorld* world;
  sim::Rng rng;
  std::uint32_t kind;
  std::uint64_t count;
  std::uint64_t submitted = 0;
  static void fire(void* self, std::uint64_t) {
    auto& a = *static_cast<Arrivals*>(self);
    a.world->orchestrator().submit(0, ++a.submitted, {});
    if (a.submitted < a.count) a.schedule();
  }
  void schedule() {
    const double gap_ns = sim::exponential(rng, 1e6);  // mean 1 ms
    simulator->schedule_after(sim::Duration::from_ns(std::llround(gap_ns)), kind, &fire, this);
  }
};

// Resets the kernel's peak-RSS mark of this process (Linux >= 4.0), so that getrusage's
// ru_maxrss reports the peak of the run that follows, not of an earlier benchmark.
void reset_peak_rss() {
  if (std::FILE* f = std::fopen("/proc/self/clear_refs", "w")) {
    std::fputs("5", f);
    std::fclose(f);
  }
}

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

void run_w1(benchmark::State& state, net::LatencyModel latency) {
  const auto sagas = static_cast<std::uint64_t>(state.range(0));
  const sim::Duration step_timeout = sim::milliseconds(state.range(1));
  for (auto _ : state) {
    reset_peak_rss();
    const auto wall_start = std::chrono::steady_clock::now();
    const double cpu_start = cpu_seconds();
    sim::Simulator simulator(1);
    runner::SagaWorld world(simulator, w1_world(latency, step_timeout));
    Arrivals arrivals{&simulator, &world, simulator.stream("w1/arrivals"),
                      simulator.register_kind("w1.arrival"), sagas};
    arrivals.schedule();
    // sagas / 1000 s of arrivals; the last sagas finish within a second. Periodic recovery keeps
    // the queue non-empty, so the run is bounded in time.
    simulator.run(sim::Time::zero() + sim::seconds(static_cast<std::int64_t>(sagas / 1000 + 60)));
    const double wall_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    const double cpu_s = cpu_seconds() - cpu_start;
    const auto& stats = world.orchestrator().stats();
    std::uint64_t step_requests = 0;
    for (const auto& step : stats.steps[0]) step_requests += step.attempts + step.compensations;
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    state.counters["sagas"] = static_cast<double>(stats.started);
    state.counters["committed_fraction"] =
        static_cast<double>(stats.committed) / static_cast<double>(stats.started);
    state.counters["compensated"] = static_cast<double>(stats.compensated);
    state.counters["latency_mean_ms"] = stats.committed_latency_ns.mean() / 1e6;
    state.counters["latency_p99_ms"] = static_cast<double>(stats.committed_latency_ns.quantile(0.99)) / 1e6;
    state.counters["messages"] = static_cast<double>(world.network().stats().messages_sent);
    state.counters["events"] = static_cast<double>(simulator.events_processed());
    state.counters["steps_per_wall_s"] = static_cast<double>(step_requests) / wall_s;
    state.counters["events_per_wall_s"] = static_cast<double>(simulator.events_processed()) / wall_s;
    state.counters["steps_per_cpu_s"] = static_cast<double>(step_requests) / cpu_s;
    state.counters["wall_s"] = wall_s;
    state.counters["cpu_s"] = cpu_s;
    state.counters["peak_rss_mib"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
  }
}

void BM_W1a_ConstantLatency(benchmark::State& state) { run_w1(state, net::LatencyModel::constant(1.0)); }
void BM_W1b_ExponentialLatency(benchmark::State& state) {
  run_w1(state, net::LatencyModel::exponential(1.0));
}
// Arguments: sagas, step timeout in ms. The timeout is never reached (W1 has no faults; a step
// takes 4 ms on average), but it sets the retention horizon, hence how many settled sagas' rows
// the participants' stores hold: 10 s (as scenarios/bench/w1a.textproto) and 1 s (the scenario
// format's default step timeout).
BENCHMARK(BM_W1a_ConstantLatency)
    ->ArgNames({"sagas", "timeout_ms"})
    ->Args({50'000, 10'000})
    ->Args({200'000, 10'000})
    ->Args({200'000, 1'000})
    ->Iterations(1)
    ->Unit(benchmark::kSecond);
BENCHMARK(BM_W1b_ExponentialLatency)
    ->ArgNames({"sagas", "timeout_ms"})
    ->Args({200'000, 10'000})
    ->Iterations(1)
    ->Unit(benchmark::kSecond);

}  // namespace
}  // namespace txsim
