// The runner's chart data and trace timeline for an open queue, checked against what the queue
// itself counted.
#include <gtest/gtest.h>

#include "core/scenario/loader.h"
#include "plugins/registry.h"
#include "reports/chrome_trace.h"
#include "runner/run_scenario.h"

namespace txsim::runner {
namespace {

scenario::LoadedScenario small_queue() {
  return scenario::parse_scenario(R"pb(
    name: "timeline"
    seed: 3
    report { time_series_interval_s: 0.01 }
    workload {
      open_queue { name: "q" arrival_rate_per_ms: 0.5 service_rate_per_ms: 1 servers: 2 customers: 500 }
    }
  )pb", "timeline.textproto", plugins::registry(), {});
}

TEST(RunTimeline, SeriesAndHistogramAgreeWithTheQueue) {
  const auto report = run_scenario(small_queue(), {});
  ASSERT_EQ(report.queues_size(), 1);
  ASSERT_EQ(report.time_series_size(), 2);
  const auto& in_system = report.time_series(0);
  const auto& completions = report.time_series(1);
  EXPECT_EQ(in_system.chart(), "in_flight");
  EXPECT_EQ(completions.chart(), "outcomes");
  EXPECT_DOUBLE_EQ(in_system.interval_s(), 0.01);
  // The run drains: the last sample sees an empty system.
  EXPECT_EQ(in_system.points(in_system.points_size() - 1).value(), 0);
  // Completion rates times the interval add up to the completions before the last sample.
  double completed = 0;
  for (const auto& p : completions.points()) completed += p.value() * completions.interval_s();
  EXPECT_NEAR(completed, static_cast<double>(report.queues(0).completed()), 1e-6);
  ASSERT_EQ(report.latency_histograms_size(), 1);
  EXPECT_EQ(report.latency_histograms(0).count(), report.queues(0).completed());
}

TEST(RunTimeline, TraceJsonDoesNotChangeTheRun) {
  reports::ChromeTraceWriter trace(100);
  RunOptions with_trace;
  with_trace.chrome_trace = &trace;
  const auto traced = run_scenario(small_queue(), with_trace);
  const auto plain = run_scenario(small_queue(), {});
  EXPECT_EQ(traced.trace_hash(), plain.trace_hash());
  EXPECT_EQ(traced.events_processed(), plain.events_processed());
  // One span per completed customer, 100 kept, the rest counted.
  EXPECT_EQ(trace.events(), 100u);
  EXPECT_EQ(trace.dropped(), traced.queues(0).completed() - 100);
  EXPECT_EQ(traced.trace_events_dropped(), trace.dropped());
}

}  // namespace
}  // namespace txsim::runner
