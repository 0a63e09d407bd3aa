// The freshness checkers at the size of a long CQRS run: 100,000 aggregates with 2 versions each
// (200,000 commits), 3 replicas applying every version 1-50 ms after its commit, and 1,000,000
// reads by 10,000 sessions through random replicas over 100 s of virtual time.
//
//   build/release/bench/check/freshness_bench --benchmark_counters_tabular=true
//
// Counters: reads analyzed per wall second, stale-read fraction (a sanity figure: random reads
// shortly after random commits), peak RSS in MiB.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include "core/check/freshness_checks.h"
#include "core/sim/random.h"

namespace txsim::check {
namespace {

constexpr std::uint64_t kAggregates = 100'000;
constexpr std::uint32_t kReplicas = 3;
constexpr std::uint64_t kReads = 1'000'000;
constexpr std::int64_t kSpanNs = 100'000'000'000;  // 100 s

ReadHistory large_history() {
  sim::Rng rng(20261129);
  ReadHistory h;
  for (std::uint32_t r = 0; r < kReplicas; ++r) h.replica_names.push_back("view-" + std::to_string(r));
  std::vector<sim::Time> first_commit(kAggregates);
  for (std::uint64_t a = 0; a < kAggregates; ++a) {
    sim::Time t = sim::Time::from_ns(static_cast<std::int64_t>(rng.below(kSpanNs / 2)));
    first_commit[a] = t;
    for (std::uint64_t v = 1; v <= 2; ++v) {
      h.commits.push_back({a, v, t, 1 + rng.below(10'000), false});
      for (std::uint32_t r = 0; r < kReplicas; ++r) {
        const auto lag = sim::milliseconds(1 + static_cast<std::int64_t>(rng.below(50)));
        h.applies.push_back({r, a, v, t + lag});
      }
      t += sim::milliseconds(static_cast<std::int64_t>(1 + rng.below(1000)));
    }
  }
  for (std::uint64_t i = 0; i < kReads; ++i) {
    const std::uint64_t a = rng.below(kAggregates);
    const sim::Time issued = first_commit[a] + sim::milliseconds(static_cast<std::int64_t>(rng.below(100)));
    h.reads.push_back({1 + rng.below(10'000), static_cast<std::uint32_t>(rng.below(kReplicas)), a,
                       issued, issued, rng.below(2), false});
  }
  h.end = sim::Time::from_ns(kSpanNs);
  return h;
}

void BM_AnalyzeFreshness(benchmark::State& state) {
  const ReadHistory h = large_history();
  double stale = 0;
  for (auto _ : state) {
    const auto analysis = analyze_freshness(h);
    stale = analysis.stale_read_fraction;
    benchmark::DoNotOptimize(analysis.read_your_writes.violations);
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  state.counters["reads_per_s"] =
      benchmark::Counter(static_cast<double>(kReads), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["stale_fraction"] = stale;
  state.counters["peak_rss_mib"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
}
BENCHMARK(BM_AnalyzeFreshness)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace txsim::check
