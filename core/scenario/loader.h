// Reading scenario files: protobuf text format in, a validated Scenario out.
//
// Errors are values the user must see, so every problem is reported, not just the first:
// - syntax errors as `file:line:col: message` (from the protobuf text parser);
// - semantic errors as `file:line:col: field.path[i].name: what was found; what was expected`,
//   with the position of the offending field (or of its enclosing message when it is absent).
// All are collected into one ScenarioError. Exit code 2 in the CLI.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "txsim/scenario.pb.h"

namespace google::protobuf {
class TextFormat;
}

namespace txsim::scenario {

/// One problem in a scenario file. line and column are 1-based; 0 when unknown.
struct Diagnostic {
  std::string file;
  int line = 0;
  int column = 0;
  std::string field;  // field path such as "workload.open_queue[0].servers"; empty for syntax
  std::string message;
  /// "file:line:col: field: message" (parts that are unknown are left out).
  std::string to_string() const;
};

/// Thrown when a scenario cannot be read or is invalid. what() lists every diagnostic, one a line.
class ScenarioError : public std::runtime_error {
 public:
  explicit ScenarioError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

/// Where each field of a parsed scenario was written, for semantic error messages.
class SourceMap;

struct LoadedScenario {
  Scenario scenario;
  std::string file;                  // as given by the user
  std::shared_ptr<SourceMap> source;  // field positions; never null after loading
  LoadedScenario();
  ~LoadedScenario();
  LoadedScenario(LoadedScenario&&) noexcept;
  LoadedScenario& operator=(LoadedScenario&&) noexcept;
};

/// Largest scenario file accepted, in bytes (a scenario is a page of text, not a data set).
inline constexpr std::size_t kMaxScenarioBytes = 16 * 1024 * 1024;

/// Reads, parses and validates `path`. Throws ScenarioError (missing file, unreadable, too
/// large, not text, syntax or semantic errors).
LoadedScenario load_scenario_file(const std::string& path);

/// Parses and validates scenario text; `file` is used only in messages.
LoadedScenario parse_scenario(std::string_view text, const std::string& file);

/// Re-validates a scenario after programmatic changes (e.g. --seed). Throws ScenarioError.
void validate(const LoadedScenario& loaded);

}  // namespace txsim::scenario
