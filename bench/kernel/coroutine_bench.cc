// Coroutine sleep/resume throughput: many processes, each looping on co_await sleep(d) with an
// exponential d. One item = one resume (a timer event that resumes a coroutine frame).
//
//   build/release/bench/kernel/kernel_bench --benchmark_filter=Coroutine
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "core/sim/distributions.h"
#include "core/sim/simulator.h"

namespace txsim::sim {
namespace {

constexpr std::uint64_t kResumesPerIteration = 1'000'000;

Task<void> sleeper(Simulator& sim, Rng rng) {
  for (;;) co_await sim.sleep(Duration::from_ns(static_cast<std::int64_t>(exponential(rng, 1e6))));
}

void BM_CoroutineSleepResume(benchmark::State& state) {
  const auto processes = state.range(0);
  Simulator sim(1);
  for (std::int64_t i = 0; i < processes; ++i) {
    sim.spawn(sleeper(sim, sim.stream("bench/process/" + std::to_string(i))));
  }
  sim.run(Time::max(), static_cast<std::uint64_t>(processes));  // every process started
  for (auto _ : state) sim.run(Time::max(), kResumesPerIteration);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kResumesPerIteration));
}
BENCHMARK(BM_CoroutineSleepResume)->Arg(1'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace txsim::sim
