// report.html: one self-contained page a person takes to a design review.
//
// Summary tables (verdict, checks, key figures, seed, trace hash, replay command), the saga
// diagrams as inline SVG, and charts drawn in the browser by Vega-Lite (third_party/vega):
// latency distributions, outcomes over time, work in flight over time and injected faults on
// the time axis; with a `freshness` section, its tables, replica staleness and read staleness
// over time with the fault spans shaded, and the empirical t-visibility curve. The chart
// libraries and the data are inlined, so the page needs no network.
//
// When every chart has rendered, the page sets `data-txsim-charts="rendered"` on <html> (or
// "error: ..." when one failed) and writes the same text into #txsim-charts-status; the
// headless-browser test reads that marker.
#pragma once

#include <string>
#include <vector>

#include "txsim/report.pb.h"

namespace txsim::reports {

/// A rendered saga diagram for the report: the saga's name and an SVG document (Graphviz).
struct SagaDiagram {
  std::string saga;
  std::string svg;
};

/// The whole page. Time series without points, histograms without bins and an empty fault list
/// produce no chart (a sentence says so instead).
std::string to_html(const report::Report& report, const std::vector<SagaDiagram>& diagrams = {});

/// A JSON string literal that is also safe inside <script>: "</" would end the element, so
/// <, > and & are written as \u escapes; control characters too.
std::string script_json_string(const std::string& text);

/// Escapes text for HTML element content and attribute values.
std::string html_escape(const std::string& text);

}  // namespace txsim::reports
