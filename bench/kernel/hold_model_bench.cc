// The hold model (Jones, "An empirical comparison of priority-queue and event-set
// implementations", CACM 1986): a fixed number of pending events; each executed event schedules
// exactly one new event after an exponentially distributed delay, so the queue size stays
// constant while it is exercised. Issue 2 target: >= 10 million events/s with 1,000,000 pending
// timers, <= 64 bytes per pending event, release build, one core.
//
//   build/release/bench/kernel/kernel_bench --benchmark_filter=Hold
//   --benchmark_counters_tabular=true
//
// Measured 2026-11-29 (2-core AMD EPYC VM shared with other builds, load average 9-12, so
// absolute figures are noisy), 1M pending, --benchmark_repetitions=5, CPU-time items/s:
//   before (1-bit radix heap of keys + 32-byte record slab): queue median 6.1-6.5M/s,
//     simulator median 5.3-5.8M/s, 53.9 B/pending;
//   after (8-bit-digit radix heap of whole 48-byte events in pooled blocks): queue median
//     9.1-10.2M/s (max 10.3M/s in the run that printed repetitions), simulator median
//     10.0-11.1M/s (max 10.1M/s in that run), 54.3 B/pending (RSS delta 54.1 B/pending).
//
// Counters: bytes_per_pending is the queue's own accounting (capacity of everything it holds,
// EventQueue::memory_bytes); rss_bytes_per_pending cross-checks it with the growth of the
// process's resident set while the pending events are set up (trimmed malloc before, so memory
// freed by an earlier benchmark is not counted as free; only meaningful at 1M pending).
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <vector>

#include "core/sim/distributions.h"
#include "core/sim/event_queue.h"
#include "core/sim/simulator.h"

namespace txsim::sim {
namespace {

constexpr double kMeanDelayNs = 1e6;  // 1 ms; the value only scales time, not the heap shape
constexpr std::uint64_t kEventsPerIteration = 1'000'000;

std::int64_t draw_delay_ns(Rng& rng) {
  return static_cast<std::int64_t>(exponential(rng, kMeanDelayNs));
}

// Resident set size in bytes, from /proc/self/statm (Linux); 0 if unavailable.
std::int64_t resident_bytes() {
  std::FILE* file = std::fopen("/proc/self/statm", "r");
  if (file == nullptr) return 0;
  long size = 0;
  long resident = 0;
  const int read = std::fscanf(file, "%ld %ld", &size, &resident);
  std::fclose(file);
  return read == 2 ? static_cast<std::int64_t>(resident) * sysconf(_SC_PAGESIZE) : 0;
}

std::int64_t trimmed_resident_bytes() {
  malloc_trim(0);
  return resident_bytes();
}

void report(benchmark::State& state, const EventQueue& queue, std::uint64_t pending,
            std::int64_t rss_before) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kEventsPerIteration));
  state.counters["pending"] = static_cast<double>(pending);
  state.counters["bytes_per_pending"] =
      static_cast<double>(queue.memory_bytes()) / static_cast<double>(queue.live_size());
  state.counters["rss_bytes_per_pending"] =
      static_cast<double>(resident_bytes() - rss_before) / static_cast<double>(pending);
}

// The bare event queue: pop the earliest event, schedule its successor.
void BM_HoldEventQueue(benchmark::State& state) {
  const auto pending = static_cast<std::uint64_t>(state.range(0));
  const std::int64_t rss_before = trimmed_resident_bytes();
  EventQueue queue;
  Rng rng = Rng::derive(1, "bench/hold");
  auto noop = [](void*, std::uint64_t) {};
  for (std::uint64_t i = 0; i < pending; ++i) {
    queue.schedule(Time::from_ns(draw_delay_ns(rng)), 0, noop, nullptr, i);
  }
  FiredEvent event{};
  for (auto _ : state) {
    for (std::uint64_t i = 0; i < kEventsPerIteration; ++i) {
      queue.pop(event);
      event.fn(event.context, event.argument);
      queue.schedule(event.at + Duration::from_ns(draw_delay_ns(rng)), 0, noop, nullptr,
                     event.argument);
    }
  }
  report(state, queue, pending, rss_before);
}
// The pending-set sizes show where the queue falls out of cache: 1k and 10k fit in L1/L2, 1M
// (48 MB of entries) does not.
BENCHMARK(BM_HoldEventQueue)
    ->Arg(1'000)
    ->Arg(10'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond);

// The hold model with call timeouts: each of `pending` lanes is a request in flight that also
// holds a timeout 100 mean delays out; when the request's event fires, the timeout is cancelled
// (the reply came) and the next request is scheduled with a fresh timeout — the pattern of every
// answered call in the saga workloads. Half the entries scheduled are cancelled timeouts, which
// the queue must discard without firing (EventQueue drops them on their bucket's first move). A
// warm-up of 2 timeouts' worth of events reaches the steady state before timing starts.
void BM_HoldWithCancelledTimeouts(benchmark::State& state) {
  const auto pending = static_cast<std::uint64_t>(state.range(0));
  const Duration timeout = Duration::from_ns(static_cast<std::int64_t>(100 * kMeanDelayNs));
  EventQueue queue;
  Rng rng = Rng::derive(1, "bench/hold");
  auto noop = [](void*, std::uint64_t) {};
  std::vector<TimerId> timeouts(pending);
  for (std::uint64_t i = 0; i < pending; ++i) {
    const Time at = Time::from_ns(draw_delay_ns(rng));
    queue.schedule(at, 0, noop, nullptr, i);
    timeouts[i] = queue.schedule(Time::zero() + timeout, 1, noop, nullptr, i);
  }
  FiredEvent event{};
  std::uint64_t timeouts_fired = 0;
  const auto step = [&] {
    queue.pop(event);
    if (event.kind == 1) {  // a timeout fired: a delay longer than 100 means (rare)
      ++timeouts_fired;
      return;
    }
    const std::uint64_t lane = event.argument;
    queue.cancel(timeouts[lane]);
    const Time next = event.at + Duration::from_ns(draw_delay_ns(rng));
    queue.schedule(next, 0, noop, nullptr, lane);
    timeouts[lane] = queue.schedule(next + timeout, 1, noop, nullptr, lane);
  };
  for (std::uint64_t i = 0; i < 200 * pending; ++i) step();
  for (auto _ : state) {
    for (std::uint64_t i = 0; i < kEventsPerIteration; ++i) step();
  }
  benchmark::DoNotOptimize(timeouts_fired);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kEventsPerIteration));
  state.counters["pending_lanes"] = static_cast<double>(pending);
  state.counters["entries_per_lane"] =
      static_cast<double>(queue.heap_size()) / static_cast<double>(pending);
}
BENCHMARK(BM_HoldWithCancelledTimeouts)->Arg(1'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

// The fixed cost every hold-model event pays whatever the queue: one exponential draw (a
// xoshiro256** step and a log). Subtract it from the above to see the queue's own share.
void BM_ExponentialDrawOnly(benchmark::State& state) {
  Rng rng = Rng::derive(1, "bench/hold");
  std::int64_t sum = 0;
  for (auto _ : state) {
    for (std::uint64_t i = 0; i < kEventsPerIteration; ++i) sum += draw_delay_ns(rng);
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kEventsPerIteration));
}
BENCHMARK(BM_ExponentialDrawOnly)->Unit(benchmark::kMillisecond);

// The whole kernel loop: Simulator::run pops, folds the trace hash, and calls a handler that
// schedules the successor, as a service completion or message delivery would.
struct Holder {
  Simulator* simulator;
  Rng rng;
  std::uint32_t kind;
  static void fire(void* self, std::uint64_t argument) {
    auto& h = *static_cast<Holder*>(self);
    h.simulator->schedule_after(Duration::from_ns(draw_delay_ns(h.rng)), h.kind, &fire, self,
                                argument);
  }
};

void BM_HoldSimulator(benchmark::State& state) {
  const auto pending = static_cast<std::uint64_t>(state.range(0));
  const std::int64_t rss_before = trimmed_resident_bytes();
  Simulator sim(1);
  Holder holder{&sim, sim.stream("bench/hold"), sim.register_kind("hold")};
  for (std::uint64_t i = 0; i < pending; ++i) {
    sim.schedule_after(Duration::from_ns(draw_delay_ns(holder.rng)), holder.kind, &Holder::fire,
                       &holder, i);
  }
  for (auto _ : state) sim.run(Time::max(), kEventsPerIteration);
  benchmark::DoNotOptimize(sim.trace_hash().value());
  report(state, sim.queue(), pending, rss_before);
}
BENCHMARK(BM_HoldSimulator)->Arg(1'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace txsim::sim
