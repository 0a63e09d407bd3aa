#include "reports/html_report.h"

#include <cstdio>

#include "reports/chart_assets.h"

namespace txsim::reports {
namespace {

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.9g", value);
  return buffer;
}

std::string fixed(const char* pattern, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  return buffer;
}


// The chart data as one JSON object: {"series": [...], "histograms": [...], "faults": [...]}.
// Flat rows, the shape Vega-Lite's inline data expects.
std::string chart_data_json(const report::Report& r) {
  std::string series = "[";
  for (const auto& s : r.time_series()) {
    for (const auto& p : s.points()) {
      if (series.size() > 1) series += ',';
      series += "{\"chart\":" + script_json_string(s.chart()) + ",\"name\":" + script_json_string(s.name()) +
                ",\"unit\":" + script_json_string(s.unit()) + ",\"t\":" + number(p.t_s()) +
                ",\"v\":" + number(p.value()) + "}";
    }
  }
  std::string histograms = "[";
  for (const auto& h : r.latency_histograms()) {
    for (const auto& b : h.bins()) {
      if (histograms.size() > 1) histograms += ',';
      histograms += "{\"name\":" + script_json_string(h.name()) + ",\"unit\":" + script_json_string(h.unit()) +
                    ",\"lo\":" + number(b.lower()) + ",\"hi\":" + number(b.upper()) +
                    ",\"n\":" + std::to_string(b.count()) + "}";
    }
  }
  std::string faults = "[";
  for (const auto& f : r.faults()) {
    if (faults.size() > 1) faults += ',';
    faults += "{\"kind\":" + script_json_string(f.kind()) + ",\"target\":" + script_json_string(f.target()) +
              ",\"start\":" + number(f.start_s()) + ",\"end\":" + number(f.end_s()) +
              ",\"detail\":" + script_json_string(f.detail()) + "}";
  }
  std::string tvis = "[";
  for (const auto& p : r.freshness().t_visibility()) {
    if (tvis.size() > 1) tvis += ',';
    tvis += "{\"t\":" + number(p.t_ms()) + ",\"p\":" + number(p.probability()) +
            ",\"n\":" + std::to_string(p.reads()) + "}";
  }
  return "{\"series\":" + series + "],\"histograms\":" + histograms + "],\"faults\":" + faults +
         "],\"tvis\":" + tvis + "]}";
}

std::string row(const std::string& label, const std::string& value_html) {
  return "<tr><th>" + html_escape(label) + "</th><td>" + value_html + "</td></tr>\n";
}

std::string summary_table(const report::Report& r) {
  std::string t = "<table class=\"kv\">\n";
  t += row("scenario", html_escape(r.scenario()));
  t += row("scenario file", "<code>" + html_escape(r.scenario_file()) + "</code>");
  t += row("seed", std::to_string(r.seed()));
  t += row("trace hash", "<code>" + html_escape(r.trace_hash()) + "</code>");
  t += row("events processed", std::to_string(r.events_processed()));
  t += row("simulated time", fixed("%.3f s", static_cast<double>(r.sim_time_ns()) / 1e9));
  t += row("wall time", fixed("%.2f s", r.wall_time_s()));
  t += row("stopped", html_escape(r.stop_reason()));
  t += row("replay", "<code>" + html_escape(r.replay_command()) + "</code>");
  t += row("txsim", html_escape(r.txsim_version()));
  return t + "</table>\n";
}

std::string checks_table(const report::Report& r) {
  if (r.checks_size() == 0) return "<p>No checks in this scenario.</p>\n";
  std::string t = "<table>\n<tr><th>check</th><th>result</th><th>violations</th><th>details</th>"
                  "</tr>\n";
  for (const auto& c : r.checks()) {
    t += "<tr><td>" + html_escape(c.name()) + "</td><td class=\"" +
         (c.passed() ? "pass\">pass"
                     : c.expected_failure() ? "fail\">FAIL (expected)" : "fail\">FAIL") +
         "</td><td>" +
         std::to_string(c.violations()) + "</td><td>" + html_escape(c.summary());
    for (const auto& v : c.examples()) {
      t += "<br><small>" + html_escape(v.subject()) + ": " + html_escape(v.detail()) + "</small>";
    }
    t += "</td></tr>\n";
  }
  return t + "</table>\n";
}

std::string queues_table(const report::Report& r) {
  if (r.queues_size() == 0) return "";
  std::string t = "<h2>Queues</h2>\n<table>\n<tr><th>station</th><th>servers</th>"
                  "<th>completed</th><th>mean response (ms)</th><th>theory (ms)</th><th>p50</th>"
                  "<th>p99</th><th>max</th><th>utilization</th><th>theory</th></tr>\n";
  for (const auto& q : r.queues()) {
    t += "<tr><td>" + html_escape(q.name()) + "</td><td>" + std::to_string(q.servers()) +
         "</td><td>" + std::to_string(q.completed()) + "</td><td>" +
         fixed("%.4f", q.mean_response_ms()) + "</td><td>" +
         fixed("%.4f", q.analytic_mean_response_ms()) + "</td><td>" +
         fixed("%.3f", q.p50_response_ms()) + "</td><td>" + fixed("%.3f", q.p99_response_ms()) +
         "</td><td>" + fixed("%.3f", q.max_response_ms()) + "</td><td>" +
         fixed("%.4f", q.utilization()) + "</td><td>" + fixed("%.4f", q.analytic_utilization()) +
         "</td></tr>\n";
  }
  return t + "</table>\n";
}

std::string latency_cells(const report::LatencySummary& l) {
  return "<td>" + std::to_string(l.count()) + "</td><td>" + fixed("%.3f", l.mean()) + "</td><td>" +
         fixed("%.3f", l.p50()) + "</td><td>" + fixed("%.3f", l.p99()) + "</td><td>" +
         fixed("%.3f", l.max()) + "</td>";
}

// Read freshness of the CQRS view replicas (its charts are drawn with the others).
std::string freshness_section(const report::Report& r) {
  if (!r.has_freshness()) return "";
  const auto& f = r.freshness();
  std::string t = "<h2 id=\"freshness\">Read freshness</h2>\n<table class=\"kv\">\n";
  t += row("reads", std::to_string(f.reads()) + " (" + std::to_string(f.read_timeouts()) +
                        " timed out, " + std::to_string(f.sessions()) + " sessions)");
  t += row("stale-read fraction", fixed("%.4f", f.stale_read_fraction()));
  t += row("read-your-writes violations", std::to_string(f.ryw_violations()));
  t += row("monotonic-read violations", std::to_string(f.monotonic_read_violations()));
  t += row("dirty reads", std::to_string(f.dirty_reads()));
  t += row("never visible", std::to_string(f.never_visible()) + " (version, replica) pairs");
  t += row("converged", f.converged() ? "yes, lag " + fixed("%.3f ms", f.convergence_lag_ms())
                                      : std::string("<b>no</b>: not converged by end of run"));
  t += "</table>\n<table>\n<tr><th>measure</th><th>count</th><th>mean</th><th>p50</th>"
       "<th>p99</th><th>max</th></tr>\n";
  t += "<tr><td>time to visibility (ms)</td>" + latency_cells(f.time_to_visibility_ms()) + "</tr>\n";
  t += "<tr><td>read staleness (ms)</td>" + latency_cells(f.staleness_ms()) + "</tr>\n";
  t += "<tr><td>read staleness (versions)</td>" + latency_cells(f.staleness_versions()) +
       "</tr>\n</table>\n";
  t += "<table>\n<tr><th>replica</th><th>applied</th><th>never visible</th>"
       "<th>time to visibility p50 (ms)</th><th>p99</th><th>max</th><th>reads</th>"
       "<th>stale-read fraction</th></tr>\n";
  for (const auto& rep : f.replicas()) {
    t += "<tr><td>" + html_escape(rep.name()) + "</td><td>" + std::to_string(rep.applied()) +
         "</td><td>" + std::to_string(rep.never_visible()) + "</td><td>" +
         fixed("%.3f", rep.time_to_visibility_ms().p50()) + "</td><td>" +
         fixed("%.3f", rep.time_to_visibility_ms().p99()) + "</td><td>" +
         fixed("%.3f", rep.time_to_visibility_ms().max()) + "</td><td>" +
         std::to_string(rep.reads()) + "</td><td>" + fixed("%.4f", rep.stale_read_fraction()) +
         "</td></tr>\n";
  }
  return t + "</table>\n";
}

// Graphviz SVG starts with an XML declaration and a DOCTYPE, which are not allowed inline.
std::string inline_svg(const std::string& svg) {
  const auto start = svg.find("<svg");
  return start == std::string::npos ? std::string() : svg.substr(start);
}

std::string diagrams_section(const std::vector<SagaDiagram>& diagrams) {
  if (diagrams.empty()) return "";
  std::string s = "<h2>Saga diagrams</h2>\n";
  for (const auto& d : diagrams) {
    s += "<figure class=\"saga\" id=\"saga-" + html_escape(d.saga) + "\">" + inline_svg(d.svg) +
         "<figcaption>saga <b>" + html_escape(d.saga) +
         "</b>: solid arrows run forward, dashed arrows are compensations; pivot steps are "
         "double octagons, retriable steps are boxes with rounded corners.</figcaption></figure>\n";
  }
  return s;
}

constexpr const char* kStyle = R"css(
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222}
h1 .verdict{padding:.1em .5em;border-radius:.3em;color:#fff}
.PASS{background:#2a7d2a}.FAIL{background:#b22222}
table{border-collapse:collapse;margin:.5em 0 1.5em}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
table.kv th{background:#f4f4f4;font-weight:normal}
td.pass{color:#2a7d2a}td.fail{color:#b22222;font-weight:bold}
figure.saga{margin:1em 0}figure.saga svg{max-width:100%;height:auto}
.chart{margin:1em 0}#txsim-charts-status{color:#888;font-size:small}
)css";

// Builds one Vega-Lite spec per chart from the inline data and renders them all. The marker
// tells a headless browser (and a curious reader) whether every chart rendered.
constexpr const char* kChartScript = R"js(
(function () {
  const data = JSON.parse(document.getElementById('txsim-chart-data').textContent);
  // A fixed plot width from the page's width: vega-embed's wrapper is an inline block, so
  // Vega-Lite's width "container" would measure 0 there. The margin leaves room for the axis
  // titles and the legend.
  const plotWidth = Math.max(420, Math.min(1000, document.body.clientWidth - 220));
  const status = document.getElementById('txsim-charts-status');
  const faultRules = data.faults.length === 0 ? [] : [{
    data: {values: data.faults},
    mark: {type: 'rule', color: '#b22222', strokeDash: [4, 3]},
    encoding: {x: {field: 'start', type: 'quantitative'},
               tooltip: [{field: 'kind'}, {field: 'target'}, {field: 'detail'}]}
  }];
  // Fault spans shaded behind a chart, for the freshness charts: staleness grows inside them.
  const faultSpans = data.faults.length === 0 ? [] : [{
    data: {values: data.faults},
    mark: {type: 'rect', color: '#b22222', opacity: 0.12},
    encoding: {x: {field: 'start', type: 'quantitative'}, x2: {field: 'end'}}
  }];
  function timeChart(chart, title, yTitle, shaded) {
    const rows = data.series.filter(r => r.chart === chart);
    if (rows.length === 0) return null;
    return {title: title, width: plotWidth, height: 220,
      layer: (shaded ? faultSpans : []).concat([
              {data: {values: rows}, mark: {type: 'line', interpolate: 'step-after'},
               encoding: {x: {field: 't', type: 'quantitative', title: 'simulated time (s)'},
                          y: {field: 'v', type: 'quantitative', title: yTitle},
                          color: {field: 'name', type: 'nominal', title: null},
                          tooltip: [{field: 'name'}, {field: 't'}, {field: 'v'}]}}
             ]).concat(faultRules)};
  }
  const freshnessTitles = {
    freshness_age: ['Replica staleness: age of the oldest unapplied version', 'age (ms)'],
    freshness_lag: ['Replica position lag: committed versions not yet visible', 'versions'],
    read_staleness: ['Stale-read fraction, by read issue time', 'stale-read fraction'],
    read_staleness_ms: ['Worst read staleness, by read issue time', 'staleness (ms)']
  };
  const charts = [];
  const names = [...new Set(data.histograms.map(r => r.name))];
  for (const name of names) {
    const rows = data.histograms.filter(r => r.name === name);
    charts.push(['latency', {title: 'Latency distribution: ' + name, width: plotWidth,
      height: 220, data: {values: rows}, mark: 'bar',
      encoding: {x: {field: 'lo', type: 'quantitative', bin: {binned: true},
                     title: 'latency (' + rows[0].unit + ')'},
                 x2: {field: 'hi'}, y: {field: 'n', type: 'quantitative', title: 'count'},
                 tooltip: [{field: 'lo'}, {field: 'hi'}, {field: 'n'}]}}]);
  }
  const outcomes = timeChart('outcomes', 'Outcomes over time', 'completions per second');
  if (outcomes) charts.push(['outcomes', outcomes]);
  const inFlight = timeChart('in_flight', 'Work in flight over time', 'in flight');
  if (inFlight) charts.push(['in-flight', inFlight]);
  const others = [...new Set(data.series.map(r => r.chart))]
      .filter(c => c !== 'outcomes' && c !== 'in_flight');
  for (const c of others) {
    const named = freshnessTitles[c];
    charts.push(['series-' + c, named ? timeChart(c, named[0], named[1], true)
                                      : timeChart(c, c, c, false)]);
  }
  if (data.tvis.length > 0) {
    charts.push(['t-visibility', {
      title: 'Empirical t-visibility: P(a read issued t after the latest commit sees it)',
      width: plotWidth, height: 220, data: {values: data.tvis},
      mark: {type: 'line', point: true},
      encoding: {x: {field: 't', type: 'quantitative', title: 't since commit (ms)'},
                 y: {field: 'p', type: 'quantitative', title: 'P(visible)',
                     scale: {domain: [0, 1]}},
                 tooltip: [{field: 't'}, {field: 'p'}, {field: 'n', title: 'reads'}]}}]);
  }
  if (data.faults.length > 0) {
    charts.push(['faults', {title: 'Faults on the time axis', width: plotWidth, height: 140,
      data: {values: data.faults}, mark: {type: 'bar', minBandSize: 2},
      encoding: {x: {field: 'start', type: 'quantitative', title: 'simulated time (s)'},
                 x2: {field: 'end'}, y: {field: 'target', type: 'nominal', title: null},
                 color: {field: 'kind', type: 'nominal'},
                 tooltip: [{field: 'kind'}, {field: 'target'}, {field: 'start'},
                           {field: 'end'}, {field: 'detail'}]}}]);
  }
  const container = document.getElementById('txsim-charts');
  const renders = charts.map(([id, spec]) => {
    const div = document.createElement('div');
    div.className = 'chart';
    div.id = 'chart-' + id;
    container.appendChild(div);
    spec.$schema = 'https://vega.github.io/schema/vega-lite/v5.json';
    return vegaEmbed(div, spec, {actions: false, renderer: 'svg'});
  });
  Promise.all(renders).then(() => {
    const text = 'rendered';
    document.documentElement.dataset.txsimCharts = text;
    status.textContent = 'charts: ' + text + ' (' + charts.length + ')';
  }).catch(error => {
    const text = 'error: ' + error;
    document.documentElement.dataset.txsimCharts = text;
    status.textContent = 'charts: ' + text;
    console.error(error);
  });
})();
)js";

}  // namespace

std::string script_json_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fixed("\\u%04x", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string to_html(const report::Report& r, const std::vector<SagaDiagram>& diagrams) {
  const std::string verdict = r.passed() ? "PASS" : "FAIL";
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<title>txsim report: " + html_escape(r.scenario()) + " [" + verdict + "]</title>\n";
  h += "<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n";
  h += "<h1>txsim report: " + html_escape(r.scenario()) + " <span class=\"verdict " + verdict +
       "\">" + verdict + "</span></h1>\n";
  h += summary_table(r);
  h += "<h2>Checks</h2>\n" + checks_table(r);
  h += queues_table(r);
  h += freshness_section(r);
  h += diagrams_section(diagrams);
  h += "<h2>Charts</h2>\n";
  if (r.faults_size() == 0) h += "<p>No faults were injected in this run.</p>\n";
  h += "<div id=\"txsim-charts\"></div>\n<p id=\"txsim-charts-status\">charts: loading</p>\n";
  h += "<script type=\"application/json\" id=\"txsim-chart-data\">" + chart_data_json(r) +
       "</script>\n";
  for (const auto library : {assets::vega_js(), assets::vega_lite_js(), assets::vega_embed_js()}) {
    h += "<script>";
    h.append(library);
    h += "</script>\n";
  }
  h += "<script>" + std::string(kChartScript) + "</script>\n</body>\n</html>\n";
  return h;
}

}  // namespace txsim::reports
