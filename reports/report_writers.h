// Turning a report::Report into what people and tools read.
//
// - to_json: protobuf JSON with the proto's snake_case field names (report.json);
// - to_text_summary: the one-screen summary printed on stdout;
// - to_markdown: report.md, what a person opens first (verdict, checks, key figures, links to
//   report.html and the saga diagrams);
// - to_html: report.html (reports/html_report.h);
// - to_timeseries_csv: timeseries.csv, every time series in long form.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <google/protobuf/message.h>

#include "reports/html_report.h"
#include "txsim/report.pb.h"

namespace txsim::reports {

/// Pretty-printed protobuf JSON, snake_case names, default values included. Throws
/// std::runtime_error if the message cannot be printed.
std::string proto_to_json(const google::protobuf::Message& message);
/// The report as proto_to_json prints it.
std::string to_json(const report::Report& report);
/// Writes `content` to `path`, replacing it. Throws std::runtime_error naming the path.
void write_file(const std::filesystem::path& path, const std::string& content);
/// Plain text that fits on one screen (at most kSummaryMaxLines lines of at most ~100
/// characters): verdict, seed, trace hash, key figures, failed checks first.
std::string to_text_summary(const report::Report& report);
inline constexpr int kSummaryMaxLines = 24;
/// `diagrams` are linked as saga-<name>.svg, the files write_report_files writes beside it.
std::string to_markdown(const report::Report& report,
                        const std::vector<SagaDiagram>& diagrams = {});
/// Header `series,unit,chart,t_s,value`, then one row per sample.
std::string to_timeseries_csv(const report::Report& report);

/// The file name a saga's diagram gets in the output directory: saga-<name>.svg, with any
/// character other than [A-Za-z0-9_-] replaced by '_'.
std::string diagram_file_name(const std::string& saga);

/// Writes report.json, report.md, report.html, timeseries.csv and one saga-<name>.svg per
/// diagram into `directory` (created if missing). Returns the paths written. Throws
/// std::runtime_error naming the path if a file cannot be written.
std::vector<std::string> write_report_files(const report::Report& report,
                                            const std::string& directory,
                                            const std::vector<SagaDiagram>& diagrams = {});

}  // namespace txsim::reports
