// Writers of the `txsim compare` report (report.proto ComparisonReport): a text table for the
// terminal, JSON (protobuf JSON, snake_case), Markdown, and a self-contained HTML page with
// side-by-side bar charts per figure (Vega-Lite, inlined as in reports/html_report.h; the page
// sets data-txsim-charts="rendered" on <html> once the charts are drawn).
//
// Every figure is printed as its mean, followed by "± h" (the half-width of the 95 % confidence
// interval) when it was measured over more than one seed.
#pragma once

#include <string>
#include <vector>

#include "txsim/report.pb.h"

namespace txsim::reports {

std::string comparison_to_json(const report::ComparisonReport& report);
std::string comparison_to_text(const report::ComparisonReport& report);
std::string comparison_to_markdown(const report::ComparisonReport& report);
std::string comparison_to_html(const report::ComparisonReport& report);

/// Writes comparison.json, comparison.md and comparison.html into `directory` (created if
/// missing). Returns the paths written. Throws std::runtime_error naming a path it cannot write.
std::vector<std::string> write_comparison_files(const report::ComparisonReport& report,
                                                const std::string& directory);

}  // namespace txsim::reports
