#include "reports/report_writers.h"

#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace txsim::reports {
namespace {

std::string format(const char* pattern, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  return buffer;
}

std::string verdict(const report::Report& r) { return r.passed() ? "PASS" : "FAIL"; }

// RFC 4180: quote a field that holds a comma, a quote or a line break; double its quotes.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// Two lines: how fast replicas catch up, and what readers saw.
std::string freshness_summary(const report::FreshnessReport& f) {
  const auto& t = f.time_to_visibility_ms();
  std::string out = "  freshness: time to visibility p50 " + format("%.2f ms", t.p50()) + ", p99 " +
                    format("%.2f ms", t.p99()) + ", max " + format("%.2f ms", t.max()) + ", " +
                    std::to_string(f.never_visible()) + " never visible; " +
                    (f.converged() ? "converged, lag " + format("%.2f ms", f.convergence_lag_ms())
                                   : std::string("NOT converged by end of run")) +
                    "\n";
  out += "  reads: " + std::to_string(f.reads()) + ", stale " +
         format("%.2f %%", 100.0 * f.stale_read_fraction()) + ", " +
         std::to_string(f.read_timeouts()) + " timed out; violations: read-your-writes " +
         std::to_string(f.ryw_violations()) + ", monotonic reads " +
         std::to_string(f.monotonic_read_violations()) + ", dirty reads " +
         std::to_string(f.dirty_reads()) + "\n";
  return out;
}

}  // namespace

std::string proto_to_json(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    throw std::runtime_error(message.GetTypeName() + " to JSON: " + status.ToString());
  }
  return json;
}

void write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string to_json(const report::Report& report) { return proto_to_json(report); }

std::string to_text_summary(const report::Report& r) {
  constexpr int kMaxQueues = 4;
  constexpr std::size_t kMaxChecks = 10;
  std::string out;
  out += "txsim " + r.txsim_version() + " — scenario " + r.scenario() + "  [" + verdict(r) + "]\n";
  out += "  seed " + std::to_string(r.seed()) + "   trace hash " + r.trace_hash() + "\n";
  out += "  " + std::to_string(r.events_processed()) + " events, simulated " +
         format("%.3f s", static_cast<double>(r.sim_time_ns()) / 1e9) + " in " +
         format("%.2f s", r.wall_time_s()) + " wall (" + r.stop_reason() + ")\n";
  for (int i = 0; i < r.queues_size() && i < kMaxQueues; ++i) {
    const auto& q = r.queues(i);
    out += "  queue " + q.name() + " (" + std::to_string(q.servers()) + " server" +
           (q.servers() == 1 ? "" : "s") + "): " + std::to_string(q.completed()) +
           " completed, mean response " + format("%.4f ms", q.mean_response_ms()) +
           " (theory " + format("%.4f", q.analytic_mean_response_ms()) + "), p99 " +
           format("%.3f ms", q.p99_response_ms()) + ", utilization " +
           format("%.4f", q.utilization()) + "\n";
  }
  if (r.queues_size() > kMaxQueues) {
    out += "  ... " + std::to_string(r.queues_size() - kMaxQueues) + " more queues in report.md\n";
  }
  if (r.has_sagas()) {
    const auto& g = r.sagas();
    const bool choreography = r.transactions().protocol() == "saga-choreography";
    out += "  sagas: " + std::to_string(g.started()) +
           " started, " + std::to_string(g.committed()) + " committed, " +
           std::to_string(g.compensated()) + " compensated, " + std::to_string(g.stuck()) +
           " stuck, " + std::to_string(g.unfinished()) + " unfinished, " +
           std::to_string(g.rejected()) +
           (choreography ? " rejected while the first step's node was down\n"
                         : " rejected while the orchestrator was down\n");
    if (g.pruned() > 0) {
      out += "  retention: " + std::to_string(g.pruned()) +
             " settled sagas pruned (their rows forgotten, their checks folded into summaries)\n";
    }
    if (g.latency_ms().count() == 0) {
      out += "  committed latency: none (no saga committed)\n";
    } else {
      out += "  committed latency: mean " + format("%.2f ms", g.latency_ms().mean()) + ", p50 " +
             format("%.2f ms", g.latency_ms().p50()) + ", p99 " +
             format("%.2f ms", g.latency_ms().p99()) + ", max " +
             format("%.2f ms", g.latency_ms().max()) + "\n";
    }
    const auto& f = r.fault_counts();
    const auto& n = r.network();
    out += "  faults: " + std::to_string(f.crashes()) + " crashes, " +
           std::to_string(f.partitions()) + " partitions; messages: " +
           std::to_string(n.messages_sent()) + " sent, " + std::to_string(n.messages_dropped()) +
           " dropped, " + std::to_string(n.messages_duplicated()) + " duplicated" +
           (choreography ? "\n" : "; " + std::to_string(g.recovered()) + " sagas recovered from the log\n");
  }
  if (r.has_transactions() && !r.has_sagas()) {
    const auto& t = r.transactions();
    out += "  transactions (" + t.protocol() + "): " + std::to_string(t.started()) + " started, " +
           std::to_string(t.committed()) + " committed, " + std::to_string(t.aborted()) +
           " aborted, " + std::to_string(t.unfinished()) + " unfinished, " +
           std::to_string(t.rejected()) + " rejected while the coordinator was down\n";
    out += "  committed latency: mean " + format("%.2f ms", t.latency_ms().mean()) + ", p99 " +
           format("%.2f ms", t.latency_ms().p99()) + "; lock hold p99 " +
           format("%.2f ms", t.lock_hold_ms().p99()) + ", max " +
           format("%.2f ms", t.lock_hold_ms().max()) + "\n";
    out += "  blocked or in doubt: " + format("%.0f participant-ms", t.blocked_ms_total()) +
           " summed over participants (" + format("%.2f ms", t.blocked_ms_per_txn()) +
           " per transaction; " + format("%.0f participant-ms", t.in_doubt_ms_total()) +
           " in doubt)\n";
    out += "  per transaction: " + format("%.2f", t.messages_per_txn()) + " messages, " +
           format("%.2f", t.forced_writes_per_txn()) + " forced writes; availability " +
           format("%.3f", t.availability()) + " (on time of " + std::to_string(t.fault_exposed()) +
           " exposed to faults)\n";
  }
  // The freshness lines take the room of two checks, so the summary still fits one screen.
  if (r.has_freshness()) out += freshness_summary(r.freshness());
  const std::size_t max_checks = r.has_freshness() ? kMaxChecks - 2 : kMaxChecks;
  // Failed checks first: they are what the reader must see without scrolling.
  std::vector<const report::CheckResult*> ordered;
  for (const auto& c : r.checks()) if (!c.passed()) ordered.push_back(&c);
  for (const auto& c : r.checks()) if (c.passed()) ordered.push_back(&c);
  int hidden_failed = 0;
  for (std::size_t i = 0; i < ordered.size(); ++i) {
    const auto& c = *ordered[i];
    if (i >= max_checks) {
      hidden_failed += c.passed() ? 0 : 1;
      continue;
    }
    out += std::string("  ") + (c.passed() ? "ok   " : "FAIL ") + c.name() +
           (c.expected_failure() ? " (expected to fail)" : "") + ": " + c.summary() +
           "\n";
  }
  if (ordered.size() > max_checks) {
    out += "  ... " + std::to_string(ordered.size() - max_checks) + " more checks (" +
           std::to_string(hidden_failed) + " failed) in report.md\n";
  }
  if (r.trace_events_dropped() > 0) {
    out += "  trace JSON truncated: " + std::to_string(r.trace_events_dropped()) +
           " events dropped\n";
  }
  if (!r.passed()) out += "  replay: " + r.replay_command() + "\n";
  return out;
}

std::string diagram_file_name(const std::string& saga) {
  std::string name = "saga-";
  for (const char c : saga) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       (c >= '0' && c <= '9') || c == '_' || c == '-';
    name += plain ? c : '_';
  }
  return name + ".svg";
}

std::string to_timeseries_csv(const report::Report& r) {
  std::string csv = "series,unit,chart,t_s,value\n";
  for (const auto& s : r.time_series()) {
    const std::string prefix = csv_field(s.name()) + "," + csv_field(s.unit()) + "," +
                               csv_field(s.chart()) + ",";
    for (const auto& p : s.points()) {
      csv += prefix + format("%.9g", p.t_s()) + "," + format("%.9g", p.value()) + "\n";
    }
  }
  return csv;
}

namespace {
// Sagas, failures found (with the examples a reader needs to replay them), steps, network.
std::string sagas_markdown(const report::Report& r) {
  const auto& g = r.sagas();
  std::string md = "\n## Sagas\n\n| started | committed | compensated | stuck | unfinished | "
                   "rejected | recovered from log |\n|---|---|---|---|---|---|---|\n";
  md += "| " + std::to_string(g.started()) + " | " + std::to_string(g.committed()) + " | " +
        std::to_string(g.compensated()) + " | " + std::to_string(g.stuck()) + " | " +
        std::to_string(g.unfinished()) + " | " + std::to_string(g.rejected()) + " | " +
        std::to_string(g.recovered()) + " |\n\n";
  if (g.pruned() > 0) {
    md += std::to_string(g.pruned()) + " settled sagas were pruned by retention: their participant "
          "rows were forgotten and their checks folded into summaries just before.\n\n";
  }
  md += "| latency (ms) | mean | p50 | p99 | max |\n|---|---|---|---|---|\n";
  for (const auto& [label, l] : {std::pair{"committed", &g.latency_ms()},
                                 std::pair{"compensated", &g.compensated_latency_ms()}}) {
    if (l->count() == 0) {  // no saga to summarise: not a latency of 0 ms
      md += std::string("| ") + label + " | n/a | n/a | n/a | n/a |\n";
      continue;
    }
    md += std::string("| ") + label + " | " + format("%.2f", l->mean()) + " | " +
          format("%.2f", l->p50()) + " | " + format("%.2f", l->p99()) + " | " +
          format("%.2f", l->max()) + " |\n";
  }
  md += "\n| saga | step | kind | attempts | retries | compensations |\n|---|---|---|---|---|---|\n";
  for (const auto& step : g.steps()) {
    md += "| " + step.saga() + " | " + step.step() + " | " + step.kind() + " | " +
          std::to_string(step.attempts()) + " | " + std::to_string(step.retries()) + " | " +
          std::to_string(step.compensations()) + " |\n";
  }
  for (const auto& c : r.checks()) {
    if (c.passed() || c.examples_size() == 0) continue;
    md += "\n### " + c.name() + ": " + std::to_string(c.violations()) + " violations\n\n";
    for (const auto& e : c.examples()) {
      md += "- " + e.subject() + " at " + format("%.6f s", static_cast<double>(e.time_ns()) / 1e9) +
            ": " + e.detail() + "\n";
    }
    md += "\nReplay: `" + r.replay_command() + "`\n";
  }
  const auto& n = r.network();
  const auto& f = r.fault_counts();
  md += "\n## Network, storage, faults\n\n| messages sent | delivered | dropped | duplicated | "
        "calls timed out | storage writes | syncs | lost writes | crashes | partitions |\n"
        "|---|---|---|---|---|---|---|---|---|---|\n";
  md += "| " + std::to_string(n.messages_sent()) + " | " + std::to_string(n.messages_delivered()) +
        " | " + std::to_string(n.messages_dropped()) + " | " +
        std::to_string(n.messages_duplicated()) + " | " + std::to_string(n.call_timeouts()) +
        " | " + std::to_string(r.storage().writes()) + " | " + std::to_string(r.storage().syncs()) +
        " | " + std::to_string(r.storage().lost_writes()) + " | " + std::to_string(f.crashes()) +
        " | " + std::to_string(f.partitions()) + " |\n";
  return md;
}
bool is_freshness_check(const std::string& name) {
  return name == "freshness" || name == "session_guarantees" || name == "dirty_reads" ||
         name == "convergence" || name == "projection_effect_once";
}

std::string latency_row(const std::string& label, const report::LatencySummary& l) {
  return "| " + label + " | " + std::to_string(l.count()) + " | " + format("%.3f", l.mean()) +
         " | " + format("%.3f", l.p50()) + " | " + format("%.3f", l.p99()) + " | " +
         format("%.3f", l.max()) + " |\n";
}

// Read freshness of the view replicas: key figures, per replica, the t-visibility curve, and
// the witnesses of failed freshness checks (the saga section lists them when there are sagas).
std::string freshness_markdown(const report::Report& r) {
  const auto& f = r.freshness();
  std::string md = "\n## Read freshness\n\n| reads | timed out | stale-read fraction | "
                   "read-your-writes violations | monotonic-read violations | dirty reads | "
                   "never visible | converged | convergence lag (ms) |\n"
                   "|---|---|---|---|---|---|---|---|---|\n";
  md += "| " + std::to_string(f.reads()) + " | " + std::to_string(f.read_timeouts()) + " | " +
        format("%.4f", f.stale_read_fraction()) + " | " + std::to_string(f.ryw_violations()) +
        " | " + std::to_string(f.monotonic_read_violations()) + " | " +
        std::to_string(f.dirty_reads()) + " | " + std::to_string(f.never_visible()) + " | " +
        (f.converged() ? "yes" : "**no**") + " | " +
        (f.converged() ? format("%.3f", f.convergence_lag_ms()) : std::string("not converged")) +
        " |\n\n";
  md += "| measure | count | mean | p50 | p99 | max |\n|---|---|---|---|---|---|\n";
  md += latency_row("time to visibility (ms)", f.time_to_visibility_ms());
  md += latency_row("read staleness (ms)", f.staleness_ms());
  md += latency_row("read staleness (versions)", f.staleness_versions());
  md += "\n| replica | applied | never visible | time to visibility p50 (ms) | p99 | max | reads "
        "| stale-read fraction |\n|---|---|---|---|---|---|---|---|\n";
  for (const auto& rep : f.replicas()) {
    md += "| " + rep.name() + " | " + std::to_string(rep.applied()) + " | " +
          std::to_string(rep.never_visible()) + " | " +
          format("%.3f", rep.time_to_visibility_ms().p50()) + " | " +
          format("%.3f", rep.time_to_visibility_ms().p99()) + " | " +
          format("%.3f", rep.time_to_visibility_ms().max()) + " | " + std::to_string(rep.reads()) +
          " | " + format("%.4f", rep.stale_read_fraction()) + " |\n";
  }
  if (f.t_visibility_size() > 0) {
    md += "\nt-visibility: P(a read issued t after the latest commit sees it), buckets of " +
          format("%.3f ms", f.t_visibility_bucket_ms()) +
          " (the last also holds every later read).\n\n| t (ms) | P(visible) | reads |\n"
          "|---|---|---|\n";
    for (const auto& p : f.t_visibility()) {
      md += "| " + format("%.3f", p.t_ms()) + " | " + format("%.4f", p.probability()) + " | " +
            std::to_string(p.reads()) + " |\n";
    }
  }
  if (r.has_sagas()) return md;
  for (const auto& c : r.checks()) {
    if (c.passed() || c.examples_size() == 0 || !is_freshness_check(c.name())) continue;
    md += "\n### " + c.name() + ": " + std::to_string(c.violations()) + " violations\n\n";
    for (const auto& e : c.examples()) {
      md += "- " + e.subject() + " at " + format("%.6f s", static_cast<double>(e.time_ns()) / 1e9) +
            ": " + e.detail() + "\n";
    }
    md += "\nReplay: `" + r.replay_command() + "`\n";
  }
  return md;
}
}  // namespace

std::string to_markdown(const report::Report& r, const std::vector<SagaDiagram>& diagrams) {
  std::string md = "# txsim report: " + r.scenario() + "\n\n";
  md += "**Verdict: " + verdict(r) + "** — " + std::to_string(r.checks_size()) + " checks.\n\n";
  md += "Charts and diagrams: [report.html](report.html) (opens offline). Time series: "
        "[timeseries.csv](timeseries.csv).\n\n";
  for (const auto& d : diagrams) {
    md += "Saga `" + d.saga + "`: [" + diagram_file_name(d.saga) + "](" +
          diagram_file_name(d.saga) + ")\n\n";
  }
  md += "| | |\n|---|---|\n";
  md += "| scenario file | `" + r.scenario_file() + "` |\n";
  md += "| seed | " + std::to_string(r.seed()) + " |\n";
  md += "| trace hash | `" + r.trace_hash() + "` |\n";
  md += "| events processed | " + std::to_string(r.events_processed()) + " |\n";
  md += "| simulated time | " + format("%.3f s", static_cast<double>(r.sim_time_ns()) / 1e9) +
        " |\n";
  md += "| wall time | " + format("%.2f s", r.wall_time_s()) + " |\n";
  md += "| replay | `" + r.replay_command() + "` |\n\n";
  md += "## Checks\n\n| check | result | details |\n|---|---|---|\n";
  for (const auto& c : r.checks()) {
    md += "| " + c.name() + " | " +
          (c.passed() ? "pass" : c.expected_failure() ? "**FAIL** (expected)" : "**FAIL**") +
          " | " + c.summary() +
          " |\n";
  }
  if (r.queues_size() > 0) {
    md += "\n## Queues\n\n| station | servers | completed | mean response (ms) | theory (ms) | "
          "p50 | p99 | max | utilization | theory |\n|---|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& q : r.queues()) {
      md += "| " + q.name() + " | " + std::to_string(q.servers()) + " | " +
            std::to_string(q.completed()) + " | " + format("%.4f", q.mean_response_ms()) + " | " +
            format("%.4f", q.analytic_mean_response_ms()) + " | " +
            format("%.3f", q.p50_response_ms()) + " | " + format("%.3f", q.p99_response_ms()) +
            " | " + format("%.3f", q.max_response_ms()) + " | " + format("%.4f", q.utilization()) +
            " | " + format("%.4f", q.analytic_utilization()) + " |\n";
    }
  }
  if (r.has_sagas()) md += sagas_markdown(r);
  if (r.has_freshness()) md += freshness_markdown(r);
  return md;
}

std::vector<std::string> write_report_files(const report::Report& report,
                                            const std::string& directory,
                                            const std::vector<SagaDiagram>& diagrams) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) throw std::runtime_error("cannot create directory " + directory + ": " + ec.message());
  const std::filesystem::path dir(directory);
  std::vector<std::string> written;
  std::vector<std::pair<std::string, std::string>> files = {
      {"report.json", to_json(report)},
      {"report.md", to_markdown(report, diagrams)},
      {"report.html", to_html(report, diagrams)},
      {"timeseries.csv", to_timeseries_csv(report)}};
  for (const auto& d : diagrams) files.emplace_back(diagram_file_name(d.saga), d.svg);
  for (const auto& [name, content] : files) {
    write_file(dir / name, content);
    written.push_back((dir / name).string());
  }
  return written;
}

}  // namespace txsim::reports
