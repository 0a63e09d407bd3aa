// Hand-made reports for the writer tests: every figure below is chosen, not copied from a run.
#pragma once

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <string>

#include "txsim/report.pb.h"

namespace txsim::reports::testing {

inline report::Report sample_report() {
  report::Report r;
  r.set_scenario("demo <b>&</b>");
  r.set_scenario_file("demo.textproto");
  r.set_seed(42);
  r.set_trace_hash("0123456789abcdef");
  r.set_events_processed(1000);
  r.set_sim_time_ns(2'000'000'000);
  r.set_passed(false);
  r.set_replay_command("txsim run demo.textproto --seed 42");
  r.set_txsim_version("test");
  auto* ok = r.add_checks();
  ok->set_name("atomicity");
  ok->set_passed(true);
  ok->set_summary("all sagas atomic");
  auto* bad = r.add_checks();
  bad->set_name("no_lost_work");
  bad->set_passed(false);
  bad->set_violations(2);
  bad->set_summary("2 uploads stuck");
  for (const char* chart : {"in_flight", "outcomes"}) {
    auto* s = r.add_time_series();
    s->set_name(std::string(chart) + " series, with comma");
    s->set_unit("per s");
    s->set_chart(chart);
    s->set_interval_s(1);
    for (int t = 0; t < 3; ++t) {
      auto* p = s->add_points();
      p->set_t_s(t);
      p->set_value(t * 10);
    }
  }
  auto* h = r.add_latency_histograms();
  h->set_name("saga latency");
  h->set_unit("ms");
  h->set_count(6);
  for (int b = 0; b < 3; ++b) {
    auto* bin = h->add_bins();
    bin->set_lower(b * 5);
    bin->set_upper((b + 1) * 5);
    bin->set_count(b + 1);
  }
  auto* f = r.add_faults();
  f->set_kind("crash");
  f->set_target("orchestrator");
  f->set_start_s(0.5);
  f->set_end_s(1.5);
  return r;
}

/// Parses JSON text into a Struct; returns false when it is not valid JSON.
inline bool parse_json(const std::string& text, google::protobuf::Struct& out) {
  return google::protobuf::util::JsonStringToMessage(text, &out).ok();
}

}  // namespace txsim::reports::testing
