#include "reports/comparison_report.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>

#include "reports/chart_assets.h"
#include "reports/html_report.h"
#include "reports/report_writers.h"

namespace txsim::reports {
namespace {

using report::Estimate;
using report::ProtocolFigures;

// The rows of every table and chart: label, unit, how to read the estimate, decimals.
struct Row {
  const char* label;
  const char* unit;
  std::function<const Estimate&(const ProtocolFigures&)> get;
  int decimals;
};

const std::vector<Row>& rows() {
  static const std::vector<Row> kRows = {
      {"throughput", "/s", [](const ProtocolFigures& p) -> const Estimate& { return p.throughput_per_s(); }, 1},
      {"started", "", [](const ProtocolFigures& p) -> const Estimate& { return p.started(); }, 0},
      {"committed", "", [](const ProtocolFigures& p) -> const Estimate& { return p.committed(); }, 0},
      {"aborted", "", [](const ProtocolFigures& p) -> const Estimate& { return p.aborted(); }, 0},
      {"compensated", "", [](const ProtocolFigures& p) -> const Estimate& { return p.compensated(); }, 0},
      {"unfinished", "", [](const ProtocolFigures& p) -> const Estimate& { return p.unfinished(); }, 0},
      {"rejected", "", [](const ProtocolFigures& p) -> const Estimate& { return p.rejected(); }, 0},
      {"latency p50", "ms", [](const ProtocolFigures& p) -> const Estimate& { return p.latency_ms().p50(); }, 2},
      {"latency p99", "ms", [](const ProtocolFigures& p) -> const Estimate& { return p.latency_ms().p99(); }, 2},
      {"latency max", "ms", [](const ProtocolFigures& p) -> const Estimate& { return p.latency_ms().max(); }, 2},
      {"lock hold p50", "ms", [](const ProtocolFigures& p) -> const Estimate& { return p.lock_hold_ms().p50(); }, 2},
      {"lock hold p99", "ms", [](const ProtocolFigures& p) -> const Estimate& { return p.lock_hold_ms().p99(); }, 2},
      {"lock hold max", "ms", [](const ProtocolFigures& p) -> const Estimate& { return p.lock_hold_ms().max(); }, 2},
      {"blocked or in doubt, summed", "participant-ms", [](const ProtocolFigures& p) -> const Estimate& { return p.blocked_ms_total(); }, 0},
      {"blocked or in doubt per txn", "ms", [](const ProtocolFigures& p) -> const Estimate& { return p.blocked_ms_per_txn(); }, 2},
      {"in doubt, summed", "participant-ms", [](const ProtocolFigures& p) -> const Estimate& { return p.in_doubt_ms_total(); }, 0},
      {"exposed to faults", "", [](const ProtocolFigures& p) -> const Estimate& { return p.fault_exposed(); }, 0},
      {"exposed, finished in time", "", [](const ProtocolFigures& p) -> const Estimate& { return p.fault_on_time(); }, 0},
      {"availability", "on time / exposed", [](const ProtocolFigures& p) -> const Estimate& { return p.availability(); }, 4},
      {"messages/txn", "", [](const ProtocolFigures& p) -> const Estimate& { return p.messages_per_txn(); }, 2},
      {"storage writes/txn", "", [](const ProtocolFigures& p) -> const Estimate& { return p.storage_writes_per_txn(); }, 2},
      {"forced writes/txn", "", [](const ProtocolFigures& p) -> const Estimate& { return p.forced_writes_per_txn(); }, 2},
      {"atomicity violations", "", [](const ProtocolFigures& p) -> const Estimate& { return p.atomicity_violations(); }, 0},
      {"dirty reads", "", [](const ProtocolFigures& p) -> const Estimate& { return p.dirty_reads(); }, 1},
  };
  return kRows;
}

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.9g", value);
  return buffer;
}

// "mean ± half-width", or "mean [low, high]" when the interval was clamped to the figure's
// range (runner/confidence.h) and is no longer symmetric.
std::string cell(const Estimate& e, int decimals) {
  std::string s = fixed(e.mean(), decimals);
  if (e.n() <= 1) return s;
  const double below = e.mean() - e.ci95_low(), above = e.ci95_high() - e.mean();
  if (std::abs(below - above) > 1e-9 * std::max(1.0, std::abs(e.mean()))) {
    return s + " [" + fixed(e.ci95_low(), decimals) + ", " + fixed(e.ci95_high(), decimals) + "]";
  }
  return s + " ± " + fixed(above, decimals);
}

std::string label_with_unit(const Row& row) {
  return std::string(row.label) + (row.unit[0] != '\0' ? std::string(" (") + row.unit + ")" : "");
}

std::string seeds_text(const report::ComparisonReport& r) {
  std::string s;
  for (const auto seed : r.seeds()) s += (s.empty() ? "" : ", ") + std::to_string(seed);
  return s;
}


// Flat rows {metric, protocol, mean, lo, hi} for the faceted bar chart.
std::string chart_rows(const report::ComparisonReport& r) {
  std::string out = "[";
  for (const auto& row : rows()) {
    for (const auto& p : r.protocols()) {
      const Estimate& e = row.get(p);
      if (out.size() > 1) out += ',';
      out += "{\"metric\":" + script_json_string(label_with_unit(row)) + ",\"protocol\":" +
             script_json_string(p.name()) + ",\"mean\":" + number(e.mean()) + ",\"lo\":" +
             number(e.ci95_low()) + ",\"hi\":" + number(e.ci95_high()) + "}";
    }
  }
  return out + "]";
}

constexpr const char* kChartScript = R"js(
(function () {
  const rows = JSON.parse(document.getElementById('txsim-chart-data').textContent);
  const status = document.getElementById('txsim-charts-status');
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    data: {values: rows},
    facet: {field: 'metric', type: 'nominal', title: null, sort: null},
    columns: 4,
    spec: {width: 160, height: 120, layer: [
      {mark: 'bar', encoding: {
        x: {field: 'protocol', type: 'nominal', title: null, sort: null},
        y: {field: 'mean', type: 'quantitative', title: null},
        color: {field: 'protocol', type: 'nominal', sort: null},
        tooltip: [{field: 'protocol'}, {field: 'mean'}, {field: 'lo'}, {field: 'hi'}]}},
      {mark: {type: 'rule', color: '#222'}, encoding: {
        x: {field: 'protocol', type: 'nominal', sort: null},
        y: {field: 'lo', type: 'quantitative'}, y2: {field: 'hi'}}}]},
    resolve: {scale: {y: 'independent'}}
  };
  vegaEmbed('#txsim-charts', spec, {actions: false, renderer: 'svg'}).then(() => {
    document.documentElement.dataset.txsimCharts = 'rendered';
    status.textContent = 'charts: rendered';
  }).catch(error => {
    document.documentElement.dataset.txsimCharts = 'error: ' + error;
    status.textContent = 'charts: error: ' + error;
  });
})();
)js";


}  // namespace

std::string comparison_to_json(const report::ComparisonReport& report) {
  return proto_to_json(report);
}

std::string comparison_to_text(const report::ComparisonReport& r) {
  std::vector<std::vector<std::string>> table;
  std::vector<std::string> header = {""};
  for (const auto& p : r.protocols()) header.push_back(p.name());
  table.push_back(header);
  for (const auto& row : rows()) {
    std::vector<std::string> line = {label_with_unit(row)};
    for (const auto& p : r.protocols()) line.push_back(cell(row.get(p), row.decimals));
    table.push_back(line);
  }
  std::vector<std::size_t> width(header.size(), 0);
  for (const auto& line : table) {
    for (std::size_t i = 0; i < line.size(); ++i) {
      // "±" is two bytes in UTF-8 and one column on a terminal.
      const std::size_t columns = line[i].size() - (line[i].find("±") != std::string::npos ? 1 : 0);
      width[i] = std::max(width[i], columns);
    }
  }
  std::string out = "txsim compare: " + r.scenario() + " (" + r.scenario_file() + "), seeds " +
                    seeds_text(r) + "\n\n";
  for (const auto& line : table) {
    for (std::size_t i = 0; i < line.size(); ++i) {
      const std::size_t columns = line[i].size() - (line[i].find("±") != std::string::npos ? 1 : 0);
      const std::string pad(width[i] - columns, ' ');
      out += i == 0 ? line[i] + pad : "  " + pad + line[i];
    }
    out += "\n";
  }
  out += "\n";
  for (const auto& p : r.protocols()) {
    out += p.name() + ": checks " + (p.passed() ? "passed" : "FAILED") + "\n";
  }
  return out + "\n" + r.verdict() + "\n";
}

std::string comparison_to_markdown(const report::ComparisonReport& r) {
  std::string md = "# txsim compare: " + r.scenario() + "\n\n";
  md += "Scenario file `" + r.scenario_file() + "`, seeds " + seeds_text(r) + ", txsim " +
        r.txsim_version() + ".";
  for (const auto& o : r.overrides()) md += " `--set " + o + "`";
  md += "\n\n" + r.verdict() + "\n\n| figure |";
  for (const auto& p : r.protocols()) md += " " + p.name() + " |";
  md += "\n|---|";
  for (int i = 0; i < r.protocols_size(); ++i) md += "---:|";
  md += "\n";
  for (const auto& row : rows()) {
    md += "| " + label_with_unit(row) + " |";
    for (const auto& p : r.protocols()) md += " " + cell(row.get(p), row.decimals) + " |";
    md += "\n";
  }
  md += "| checks |";
  for (const auto& p : r.protocols()) md += std::string(" ") + (p.passed() ? "pass" : "FAIL") + " |";
  md += "\n\nFigures are means over the seeds";
  if (r.seeds_size() > 1) md += " ± the half-width of the 95 % confidence interval (Student t)";
  return md + ". The charts are in comparison.html (written with --out DIR).\n";
}

std::string comparison_to_html(const report::ComparisonReport& r) {
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<title>txsim compare: " + html_escape(r.scenario()) + "</title>\n<style>"
       "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;"
       "color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid "
       "#ccc;padding:.25em .6em}td{text-align:right}#txsim-charts-status{color:#888;"
       "font-size:small}</style>\n</head>\n<body>\n";
  h += "<h1>txsim compare: " + html_escape(r.scenario()) + "</h1>\n";
  h += "<p>Scenario file <code>" + html_escape(r.scenario_file()) + "</code>, seeds " +
       html_escape(seeds_text(r)) + ".</p>\n<p class=\"verdict\">" + html_escape(r.verdict()) +
       "</p>\n<table>\n<tr><th>figure</th>";
  for (const auto& p : r.protocols()) h += "<th>" + html_escape(p.name()) + "</th>";
  h += "</tr>\n";
  for (const auto& row : rows()) {
    h += "<tr><th>" + html_escape(label_with_unit(row)) + "</th>";
    for (const auto& p : r.protocols()) h += "<td>" + html_escape(cell(row.get(p), row.decimals)) + "</td>";
    h += "</tr>\n";
  }
  h += "</table>\n<h2>Side by side</h2>\n<p>Bars are means; black rules span the 95 % "
       "confidence interval across seeds.</p>\n<div id=\"txsim-charts\"></div>\n"
       "<p id=\"txsim-charts-status\">charts: loading</p>\n";
  h += "<script type=\"application/json\" id=\"txsim-chart-data\">" + chart_rows(r) + "</script>\n";
  for (const auto library : {assets::vega_js(), assets::vega_lite_js(), assets::vega_embed_js()}) {
    h += "<script>";
    h.append(library);
    h += "</script>\n";
  }
  return h + "<script>" + kChartScript + "</script>\n</body>\n</html>\n";
}

std::vector<std::string> write_comparison_files(const report::ComparisonReport& report,
                                                const std::string& directory) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) throw std::runtime_error("cannot create directory " + directory + ": " + ec.message());
  const std::filesystem::path dir(directory);
  std::vector<std::string> written;
  for (const auto& [name, content] :
       std::vector<std::pair<std::string, std::string>>{{"comparison.json", comparison_to_json(report)},
                                                        {"comparison.md", comparison_to_markdown(report)},
                                                        {"comparison.html", comparison_to_html(report)}}) {
    write_file(dir / name, content);
    written.push_back((dir / name).string());
  }
  return written;
}

}  // namespace txsim::reports
