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

scenario::LoadedScenario small_saga_with_crash() {
  return scenario::parse_scenario(R"pb(
    name: "saga-timeline"
    seed: 5
    stop { arrivals_s: 2  drain_s: 30 }
    topology {
      node { name: "orchestrator" }
      node { name: "media" }
      node { name: "meta" }
      latency_default { constant { latency_ms: 1 } }
    }
    service { name: "ingest-video" type: "upload.ingest" node: "media" }
    service { name: "description" type: "upload.description" node: "meta" }
    saga {
      name: "upload-video"
      step { name: "ingest" service: "ingest-video" compensation: "delete_media" }
      step { name: "describe" service: "description" kind: PIVOT after: "ingest" }
    }
    workload { uploads { rate_per_s: 20  kind_mix { video: 1 } } }
    faults {
      at { time_s: 0.5 crash { node: "meta" downtime_s: 0.3 } }
      at { time_s: 1 loss { probability: 0.3 duration_s: 0.5 } }
    }
  )pb", "saga-timeline.textproto", plugins::registry(), {});
}

// The trace shows each accepted saga as one span on its own instance track and each request the
// orchestrator sent (as the history recorded it) as one more span, plus the injected faults and
// one instant per message the network dropped.
TEST(RunTimeline, TraceJsonHoldsSagasRequestsAndFaults) {
  reports::ChromeTraceWriter trace(1'000'000);
  RunOptions options;
  options.chrome_trace = &trace;
  std::size_t sagas = 0;
  std::size_t attempts = 0;
  options.saga_history = [&](const saga::SagaHistory& history) {
    sagas = history.sagas.size();
    attempts = history.attempts.size();
  };
  const auto traced = run_scenario(small_saga_with_crash(), options);
  EXPECT_EQ(traced.trace_hash(), run_scenario(small_saga_with_crash(), {}).trace_hash());
  ASSERT_GT(sagas, 0u);
  ASSERT_GT(attempts, 2 * sagas - 1);  // at least both actions of most sagas
  const std::string json = trace.to_json();
  std::size_t saga_spans = 0;
  for (std::size_t at = json.find("\"cat\":\"saga\""); at != std::string::npos;
       at = json.find("\"cat\":\"saga\"", at + 1)) {
    ++saga_spans;
  }
  EXPECT_EQ(saga_spans, sagas);
  std::size_t request_spans = 0;
  for (const char* category : {"\"cat\":\"action\"", "\"cat\":\"compensation\""}) {
    for (std::size_t at = json.find(category); at != std::string::npos;
         at = json.find(category, at + 1)) {
      ++request_spans;
    }
  }
  EXPECT_EQ(request_spans, attempts);
  EXPECT_NE(json.find("\"cat\":\"fault\""), std::string::npos);
  std::size_t drops = 0;
  for (std::size_t at = json.find("\"cat\":\"message\""); at != std::string::npos;
       at = json.find("\"cat\":\"message\"", at + 1)) {
    ++drops;
  }
  ASSERT_GT(traced.network().messages_dropped(), 0u);
  EXPECT_EQ(drops, traced.network().messages_dropped());
  EXPECT_NE(json.find("instance 1"), std::string::npos);
  EXPECT_EQ(trace.dropped(), 0u);
}

}  // namespace
}  // namespace txsim::runner
