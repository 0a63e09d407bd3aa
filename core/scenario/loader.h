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

#include "core/scenario/plugin_catalog.h"
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
  std::vector<std::string> overridden;  // canonical paths set by --set (core/scenario/override.h)
  std::vector<std::string> overrides;   // the --set assignments as given, for replay
  LoadedScenario();
  ~LoadedScenario();
  LoadedScenario(LoadedScenario&&) noexcept;
  LoadedScenario& operator=(LoadedScenario&&) noexcept;
};

/// Largest scenario file accepted, in bytes (a scenario is a page of text, not a data set).
inline constexpr std::size_t kMaxScenarioBytes = 16 * 1024 * 1024;

/// Reads and parses `path`, applies `overrides` (`--set path=value`, see override.h), then
/// validates the result against `catalog` (plugin types and parameters). Throws ScenarioError
/// (missing file, unreadable, too large, not text, syntax, override or semantic errors).
LoadedScenario load_scenario_file(const std::string& path, const PluginCatalog& catalog,
                                  const std::vector<std::string>& overrides = {});

/// Parses scenario text, applies `overrides` and validates; `file` is used in messages and to
/// resolve relative data paths.
LoadedScenario parse_scenario(std::string_view text, const std::string& file,
                              const PluginCatalog& catalog,
                              const std::vector<std::string>& overrides = {});

/// Re-validates a scenario after programmatic changes. Throws ScenarioError listing every
/// problem, sorted by position.
void validate(const LoadedScenario& loaded, const PluginCatalog& catalog);

}  // namespace txsim::scenario
