#include "core/scenario/plugin_catalog.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

namespace txsim::scenario {

const char* to_string(PluginKind kind) {
  switch (kind) {
    case PluginKind::kService:
      return "service";
    case PluginKind::kProtocol:
      return "protocol";
    case PluginKind::kProjection:
      return "projection";
    case PluginKind::kWorkload:
      return "workload";
    case PluginKind::kCheck:
      return "check";
  }
  return "plugin";
}

const char* to_string(ParamType type) {
  switch (type) {
    case ParamType::kBool:
      return "bool";
    case ParamType::kInt:
      return "int";
    case ParamType::kDouble:
      return "double";
    case ParamType::kString:
      return "string";
    case ParamType::kEnum:
      return "enum";
  }
  return "value";
}

const ParamSpec* PluginSpec::param(std::string_view wanted) const {
  for (const auto& p : params) {
    if (p.name == wanted) return &p;
  }
  return nullptr;
}

namespace {

std::string number_text(double value) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string range_text(const ParamSpec& spec) {
  if (!spec.min && !spec.max) return "";
  return " in [" + (spec.min ? number_text(*spec.min) : std::string("-inf")) + ", " +
         (spec.max ? number_text(*spec.max) : std::string("inf")) + "]";
}

// Parses the whole of `text` as a number of the parameter's type.
std::optional<double> parse_number(ParamType type, std::string_view text) {
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (type == ParamType::kInt) {
    std::int64_t value = 0;
    const auto result = std::from_chars(first, last, value);
    if (result.ec != std::errc() || result.ptr != last) return std::nullopt;
    return static_cast<double>(value);
  }
  double value = 0;
  const auto result = std::from_chars(first, last, value);
  if (result.ec != std::errc() || result.ptr != last || !std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace

std::optional<std::string> check_param_value(const ParamSpec& spec, std::string_view value) {
  const std::string found = "is '" + std::string(value) + "'; expected ";
  switch (spec.type) {
    case ParamType::kString:
      return std::nullopt;
    case ParamType::kBool:
      if (value == "true" || value == "false") return std::nullopt;
      return found + "true or false";
    case ParamType::kEnum: {
      std::string choices;
      for (const auto& allowed : spec.allowed) {
        if (allowed == value) return std::nullopt;
        choices += (choices.empty() ? "" : ", ") + allowed;
      }
      return found + "one of " + choices;
    }
    case ParamType::kInt:
    case ParamType::kDouble: {
      const auto number = parse_number(spec.type, value);
      const std::string what = spec.type == ParamType::kInt ? "an integer" : "a number";
      if (!number || (spec.min && *number < *spec.min) || (spec.max && *number > *spec.max)) {
        return found + what + range_text(spec);
      }
      return std::nullopt;
    }
  }
  return found + "a value";
}

}  // namespace txsim::scenario
