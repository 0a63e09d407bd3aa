// What validation needs to know about plugins: their names and typed parameters.
//
// Service types, protocols, projections, workloads and checks are plugins that register by
// name (plugins/registry.h holds the registry). The scenario layer sits below plugins/, so it
// sees them only through this read-only interface; validation rejects an unknown plugin type and
// an unknown or ill-typed parameter with the field that names it.
// Single-threaded like the rest of txsim; a catalog is built once at start-up and then read.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace txsim::scenario {

enum class PluginKind { kService, kProtocol, kProjection, kWorkload, kCheck };

/// "service", "protocol", ... as shown by `txsim plugins`.
const char* to_string(PluginKind kind);

enum class ParamType { kBool, kInt, kDouble, kString, kEnum };

/// "bool", "int", "double", "string", "enum".
const char* to_string(ParamType type);

/// One typed parameter of a plugin.
/// Invariants: default_value (when not empty) satisfies the parameter's own checks; min <= max.
struct ParamSpec {
  std::string name;
  ParamType type = ParamType::kString;
  std::string default_value;        // as text; empty means "required"
  std::string description;          // one line, with the unit when there is one
  std::optional<double> min;        // inclusive, for kInt and kDouble
  std::optional<double> max;        // inclusive, for kInt and kDouble
  std::vector<std::string> allowed; // the values of a kEnum
};

/// A registered plugin. `implemented` is false while only its parameters are declared (the
/// scenario validates; the runner refuses it with "not implemented yet").
struct PluginSpec {
  PluginKind kind = PluginKind::kService;
  std::string name;
  std::string description;
  std::vector<ParamSpec> params;
  bool implemented = false;

  /// The parameter called `name`, or null.
  const ParamSpec* param(std::string_view name) const;
};

/// Checks `value` against `spec`: its type, range and allowed values. Returns what is wrong
/// ("is 'x'; expected a number in [0, 1]"), or nothing when the value is fine.
std::optional<std::string> check_param_value(const ParamSpec& spec, std::string_view value);

class PluginCatalog {
 public:
  virtual ~PluginCatalog() = default;
  /// The plugin of `kind` called `name`, or null.
  virtual const PluginSpec* find(PluginKind kind, std::string_view name) const = 0;
  /// Every plugin of `kind`, sorted by name.
  virtual std::vector<const PluginSpec*> list(PluginKind kind) const = 0;
};

}  // namespace txsim::scenario
