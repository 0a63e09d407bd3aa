// Turning a report::Report into what people and tools read.
//
// - to_json: protobuf JSON with the proto's snake_case field names (report.json);
// - to_text_summary: the one-screen summary printed on stdout;
// - to_markdown: report.md, what a person opens first (verdict, checks, key figures).
#pragma once

#include <string>
#include <vector>

#include "txsim/report.pb.h"

namespace txsim::reports {

/// Pretty-printed protobuf JSON, snake_case names, default values included.
std::string to_json(const report::Report& report);
/// Plain text that fits on one screen: verdict, seed, trace hash, key figures, failed checks.
std::string to_text_summary(const report::Report& report);
std::string to_markdown(const report::Report& report);

/// Writes report.json and report.md into `directory` (created if missing). Returns the paths
/// written. Throws std::runtime_error naming the path if a file cannot be written.
std::vector<std::string> write_report_files(const report::Report& report,
                                            const std::string& directory);

}  // namespace txsim::reports
