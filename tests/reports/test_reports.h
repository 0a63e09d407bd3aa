// Hand-made reports for the writer tests: every figure below is chosen, not copied from a run.
#pragma once

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <string>
#include <utility>

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

/// sample_report() plus a freshness section, its checks and its four time series (two replicas
/// on the age chart), and a replica crash on the timeline.
inline report::Report freshness_sample_report() {
  report::Report r = sample_report();
  auto* f = r.mutable_freshness();
  f->mutable_time_to_visibility_ms()->set_p50(12.5);
  f->mutable_time_to_visibility_ms()->set_p99(80);
  f->mutable_time_to_visibility_ms()->set_max(250);
  f->set_never_visible(3);
  f->set_stale_read_fraction(0.125);
  f->set_reads(800);
  f->set_read_timeouts(7);
  f->set_ryw_violations(4);
  f->set_monotonic_read_violations(2);
  f->set_dirty_reads(1);
  f->set_converged(false);
  f->set_convergence_lag_ms(-1);
  f->set_t_visibility_bucket_ms(10);
  for (int k = 0; k < 4; ++k) {
    auto* p = f->add_t_visibility();
    p->set_t_ms(10 * k);
    p->set_probability(0.25 * (k + 1));
    p->set_reads(100);
  }
  for (const char* name : {"view-eu", "view-us"}) {
    auto* rep = f->add_replicas();
    rep->set_name(name);
    rep->set_applied(40);
    rep->set_reads(400);
  }
  auto* check = r.add_checks();
  check->set_name("session_guarantees");
  check->set_passed(false);
  check->set_violations(6);
  check->set_summary("4 read-your-writes violations in 3 sessions, 2 monotonic-read violations");
  auto* e = check->add_examples();
  e->set_subject("session 17");
  e->set_detail("read-your-writes: wrote version 2 of aggregate 5, then its read saw version 1");
  e->set_time_ns(1'250'000'000);
  for (const auto& [name, chart] : {std::pair{"oldest unapplied age view-eu", "freshness_age"},
                                    std::pair{"oldest unapplied age view-us", "freshness_age"},
                                    std::pair{"position lag view-eu", "freshness_lag"},
                                    std::pair{"stale-read fraction", "read_staleness"}}) {
    auto* s = r.add_time_series();
    s->set_name(name);
    s->set_unit("ms");
    s->set_chart(chart);
    s->set_interval_s(0.5);
    for (int t = 0; t < 4; ++t) {
      auto* p = s->add_points();
      p->set_t_s(0.5 * t);
      p->set_value(t % 2);
    }
  }
  auto* crash = r.add_faults();
  crash->set_kind("crash");
  crash->set_target("view-eu");
  crash->set_start_s(1.0);
  crash->set_end_s(1.75);
  return r;
}

/// Parses JSON text into a Struct; returns false when it is not valid JSON.
inline bool parse_json(const std::string& text, google::protobuf::Struct& out) {
  return google::protobuf::util::JsonStringToMessage(text, &out).ok();
}

}  // namespace txsim::reports::testing
