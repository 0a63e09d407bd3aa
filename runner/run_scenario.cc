#include "runner/run_scenario.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <optional>
#include <vector>

#include "core/check/queueing_theory.h"
#include "core/metrics/time_series.h"
#include "core/sim/simulator.h"
#include "plugins/queueing/open_queue_workload.h"
#include "runner/unimplemented.h"
#include "runner/report_series.h"
#include "runner/saga_scenario.h"
#include "runner/saga_trace.h"
#include "runner/shell_quote.h"

namespace txsim::runner {
namespace {

constexpr double kDefaultTheoryTolerance = 0.02;
constexpr double kUtilizationTolerance = 0.01;

const char* to_string(sim::StopReason reason) {
  switch (reason) {
    case sim::StopReason::kQuiescent:
      return "quiescent";
    case sim::StopReason::kTimeLimit:
      return "time_limit";
    case sim::StopReason::kEventLimit:
      return "event_limit";
  }
  return "unknown";
}

// Charts sample every report.time_series_interval_s (default 1 s); past kMaxSamples points the
// sampler halves the resolution, so a long run keeps a bounded series.
constexpr double kDefaultSampleIntervalS = 1.0;
constexpr std::size_t kMaxSamples = 2000;

// Takes the samples before each event runs, then passes the event on to the user's sink. This
// keeps sampling out of the event queue, so it changes neither the event count nor the hash.
class SamplingSink : public sim::TraceSink {
 public:
  SamplingSink(metrics::FixedIntervalSampler& sampler, sim::TraceSink* next)
      : sampler_(sampler), next_(next) {}
  void on_event(const sim::FiredEvent& event, const std::string& kind_name) override {
    sampler_.advance_to(event.at.ns());
    if (next_ != nullptr) next_->on_event(event, kind_name);
  }

 private:
  metrics::FixedIntervalSampler& sampler_;
  sim::TraceSink* next_;
};

void add_queue_probes(const plugins::queueing::OpenQueueWorkload& workload,
                      metrics::FixedIntervalSampler& sampler) {
  const auto& station = workload.station();
  sampler.add_probe(station.name() + " in system", [&workload] {
    const auto& q = workload.station();
    return static_cast<double>(workload.arrived() - q.completed() - q.rejected());
  });
  sampler.add_probe(station.name() + " completions",
                    [&workload] { return static_cast<double>(workload.station().completed()); });
}

// Draws each served customer as a span on its server's row: one process per station.
class QueueTimeline : public sim::MultiServerQueue::Observer {
 public:
  explicit QueueTimeline(reports::ChromeTraceWriter& trace) : trace_(trace) {}
  void on_departure(const sim::MultiServerQueue& queue, std::uint32_t server, sim::Time arrived,
                    sim::Time service_started, sim::Time departed) override {
    const auto track = trace_.track("queue " + queue.name(), "server " + std::to_string(server));
    char wait_ms[32];
    std::snprintf(wait_ms, sizeof wait_ms, "%.6f",
                  static_cast<double>((service_started - arrived).ns()) / 1e6);
    trace_.add_span(track, "customer", "queue", service_started, departed, {{"wait_ms", wait_ms}});
  }

 private:
  reports::ChromeTraceWriter& trace_;
};

double ns_to_ms(std::int64_t ns) { return static_cast<double>(ns) / 1e6; }

report::QueueReport queue_report(const plugins::queueing::OpenQueueWorkload& workload,
                                 const scenario::OpenQueueWorkload& config) {
  const auto& station = workload.station();
  const auto& response = station.response_ns();
  report::QueueReport q;
  q.set_name(station.name());
  q.set_servers(station.servers());
  q.set_completed(station.completed());
  q.set_rejected(station.rejected());
  q.set_mean_response_ms(response.mean() / 1e6);
  q.set_p50_response_ms(ns_to_ms(response.quantile(0.50)));
  q.set_p99_response_ms(ns_to_ms(response.quantile(0.99)));
  q.set_max_response_ms(ns_to_ms(response.max()));
  q.set_utilization(station.utilization());
  const double lambda = config.arrival_rate_per_ms();
  const double mu = config.service_rate_per_ms();
  q.set_analytic_utilization(lambda / (station.servers() * mu));
  if (lambda < station.servers() * mu) {
    q.set_analytic_mean_response_ms(check::mmc_mean_response(lambda, mu, station.servers()));
  }
  return q;
}

// The station's measured mean response time and utilisation agree with M/M/c theory.
report::CheckResult theory_check(const report::QueueReport& q, double tolerance) {
  report::CheckResult check;
  check.set_name("queueing_theory:" + q.name());
  if (q.analytic_mean_response_ms() == 0) {
    check.set_passed(true);
    check.set_summary("skipped: unstable queue (lambda >= c mu) has no steady state");
    return check;
  }
  const double response_error =
      std::abs(q.mean_response_ms() - q.analytic_mean_response_ms()) / q.analytic_mean_response_ms();
  const double utilization_error =
      std::abs(q.utilization() - q.analytic_utilization()) / q.analytic_utilization();
  char summary[256];
  std::snprintf(summary, sizeof summary,
                "mean response %.4f ms vs %.4f ms analytic (%.2f%%, limit %.2f%%); utilization "
                "%.4f vs %.4f (%.2f%%, limit %.2f%%)",
                q.mean_response_ms(), q.analytic_mean_response_ms(), 100 * response_error,
                100 * tolerance, q.utilization(), q.analytic_utilization(),
                100 * utilization_error, 100 * kUtilizationTolerance);
  check.set_summary(summary);
  const bool passed = response_error <= tolerance && utilization_error <= kUtilizationTolerance;
  check.set_passed(passed);
  if (!passed) {
    check.set_violations(1);
    auto* example = check.add_examples();
    example->set_subject(q.name());
    example->set_detail(summary);
  }
  return check;
}

// The run goes in slices of virtual time, so that progress can be shown and a saga system —
// which never goes quiet, since periodic recovery keeps a timer pending — can stop once every
// arrival has come and every accepted saga has finished, or the drain limit passes. Slicing adds
// no events: the trace hash does not depend on it.
constexpr double kDefaultDrainLimitS = 600;
constexpr sim::Duration kSlice = sim::milliseconds(100);

sim::StopReason run_sliced(sim::Simulator& simulator, const SagaScenario* sagas,
                           sim::Time arrivals_end, sim::Time run_end, const scenario::Stop& stop,
                           std::uint64_t max_events, const RunOptions& options) {
  const sim::Duration drain = sim::duration_from_seconds(stop.drain_s() > 0 ? stop.drain_s()
                                                                            : kDefaultDrainLimitS);
  // For sagas the drain counts from the end of arrivals: stop.arrivals_s, or when the workloads'
  // counts were reached, whichever came first.
  sim::Time arrivals_done = arrivals_end;
  for (;;) {
    sim::Time limit = run_end;
    if (sagas != nullptr) {
      if (arrivals_done == sim::Time::max() && sagas->arrivals_finished()) {
        arrivals_done = simulator.now();
      }
      limit = arrivals_done < sim::Time::max() ? arrivals_done + drain : sim::Time::max();
    }
    const std::uint64_t budget = max_events - std::min(max_events, simulator.events_processed());
    if (budget == 0) return sim::StopReason::kEventLimit;
    const sim::Time until = simulator.now() < limit - kSlice ? simulator.now() + kSlice : limit;
    const sim::StopReason reason = simulator.run(until, budget);
    if (options.progress) {
      options.progress(simulator.events_processed(), simulator.now(),
                       sagas != nullptr ? sagas->finished() : 0);
    }
    if (reason != sim::StopReason::kTimeLimit) return reason;
    if (sagas != nullptr && sagas->done()) return sim::StopReason::kQuiescent;
    if (simulator.now() >= limit) return sim::StopReason::kTimeLimit;
  }
}

}  // namespace

std::uint64_t effective_seed(const scenario::LoadedScenario& loaded, const RunOptions& options) {
  if (options.seed) return *options.seed;
  return loaded.scenario.has_seed() ? loaded.scenario.seed() : 1;
}

report::Report run_scenario(const scenario::LoadedScenario& loaded, const RunOptions& options) {
  const auto wall_start = std::chrono::steady_clock::now();
  const auto& s = loaded.scenario;
  if (const auto missing = unimplemented_fields(s); !missing.empty()) {
    throw std::invalid_argument("not implemented yet: " + missing.front());
  }
  const std::uint64_t seed = effective_seed(loaded, options);
  sim::Simulator simulator(seed);
  metrics::FixedIntervalSampler sampler(
      sim::duration_from_seconds(s.report().has_time_series_interval_s()
                                     ? s.report().time_series_interval_s()
                                     : kDefaultSampleIntervalS)
          .ns(),
      kMaxSamples);
  SamplingSink sampling_sink(sampler, options.trace_sink);
  simulator.set_trace_sink(&sampling_sink);

  const sim::Time arrivals_end = s.stop().arrivals_s() > 0
                                     ? sim::Time::zero() + sim::duration_from_seconds(s.stop().arrivals_s())
                                     : sim::Time::max();
  const sim::Time run_end = s.stop().drain_s() > 0 && s.stop().arrivals_s() > 0
                                ? arrivals_end + sim::duration_from_seconds(s.stop().drain_s())
                                : sim::Time::max();
  const std::uint64_t max_events = s.stop().max_events() > 0 ? s.stop().max_events() : kDefaultMaxEvents;

  std::optional<SagaScenario> sagas;
  if (s.saga_size() > 0) {
    // The per-instance views read the whole saga history: keep it even with a retention horizon.
    sagas.emplace(simulator, loaded, arrivals_end,
                  options.saga_history != nullptr || options.chrome_trace != nullptr);
    if (options.twopc_history && sagas->twopc() != nullptr) sagas->twopc()->record_paths();
    sagas->add_probes(sampler);
    sagas->start();
  }
  std::optional<DroppedMessages> drops;
  if (sagas && options.chrome_trace != nullptr) {
    drops.emplace(sagas->network());
    sagas->network().set_drop_observer(&*drops);
  }
  std::vector<std::unique_ptr<plugins::queueing::OpenQueueWorkload>> queues;
  std::optional<QueueTimeline> queue_timeline;
  if (options.chrome_trace != nullptr) queue_timeline.emplace(*options.chrome_trace);
  for (const auto& config : s.workload().open_queue()) {
    queues.push_back(
        std::make_unique<plugins::queueing::OpenQueueWorkload>(simulator, config, arrivals_end));
    if (queue_timeline) queues.back()->station().set_observer(&*queue_timeline);
    queues.back()->start();
    add_queue_probes(*queues.back(), sampler);
  }
  const sim::StopReason reason = run_sliced(simulator, sagas ? &*sagas : nullptr, arrivals_end,
                                            run_end, s.stop(), max_events, options);
  sampler.finish(simulator.now().ns());

  report::Report r;
  r.set_scenario(s.name());
  r.set_scenario_file(loaded.file);
  r.set_seed(seed);
  r.set_trace_hash(simulator.trace_hash().hex());
  r.set_events_processed(simulator.events_processed());
  r.set_sim_time_ns(simulator.now().ns());
  r.set_stop_reason(to_string(reason));
  r.set_txsim_version(TXSIM_VERSION);
  std::string replay = "txsim run " + shell_word(loaded.file) + " --seed " + std::to_string(seed);
  for (const auto& assignment : loaded.overrides) {
    replay += " --set " + shell_quote(assignment);
    r.add_overrides(assignment);
  }
  r.set_replay_command(replay);
  bool passed = true;
  for (int i = 0; i < s.workload().open_queue_size(); ++i) {
    const auto& config = s.workload().open_queue(i);
    *r.add_queues() = queue_report(*queues[i], config);
    auto check = theory_check(r.queues(i), config.has_theory_tolerance()
                                               ? config.theory_tolerance()
                                               : kDefaultTheoryTolerance);
    passed = passed && check.passed();
    *r.add_checks() = std::move(check);
    *r.add_latency_histograms() =
        to_latency_histogram(queues[i]->station().response_ns(), config.name() + " response time");
  }
  for (std::size_t probe = 0; probe < sampler.probe_count(); probe += 2) {
    add_time_series(sampler, probe, SeriesKind::kLevel, "count", "in_flight", r);
    add_time_series(sampler, probe + 1, SeriesKind::kRatePerSecond, "per s", "outcomes", r);
  }
  if (sagas) passed = sagas->fill_report(r) && passed;
  // Under two-phase commit there is no saga history (and no saga instance to show).
  const bool saga_protocol = sagas && sagas->twopc() == nullptr;
  if (saga_protocol && options.saga_history) {
    options.saga_history(sagas->world().history().history());
  }
  if (sagas && sagas->twopc() != nullptr && options.twopc_history) {
    std::vector<std::string> route_names;
    std::vector<std::vector<std::string>> part_names;
    for (const auto& route : sagas->twopc()->routes()) {
      route_names.push_back(route.name);
      part_names.push_back(route.resources);
    }
    options.twopc_history(sagas->twopc()->history(), route_names, part_names);
  }
  if (options.chrome_trace != nullptr) {
    add_fault_timeline(*options.chrome_trace, r);
    if (saga_protocol) {
      add_saga_timeline(*options.chrome_trace, sagas->world().history().history(),
                        simulator.now());
    }
    if (drops) drops->add_to(*options.chrome_trace);
    r.set_trace_events_dropped(options.chrome_trace->dropped());
  }
  r.set_passed(passed);
  r.set_wall_time_s(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count());
  return r;
}

}  // namespace txsim::runner
