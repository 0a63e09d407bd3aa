#include "plugins/registry.h"

#include <stdexcept>

namespace txsim::plugins {

ParamSpec bool_param(std::string name, bool default_value, std::string description) {
  ParamSpec p;
  p.name = std::move(name);
  p.type = ParamType::kBool;
  p.default_value = default_value ? "true" : "false";
  p.description = std::move(description);
  return p;
}

ParamSpec int_param(std::string name, std::string default_value, double min, double max,
                    std::string description) {
  ParamSpec p;
  p.name = std::move(name);
  p.type = ParamType::kInt;
  p.default_value = std::move(default_value);
  p.description = std::move(description);
  p.min = min;
  p.max = max;
  return p;
}

namespace {
std::string shortest_text(double value) {
  std::string text = std::to_string(value);
  while (text.size() > 1 && text.back() == '0') text.pop_back();
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}
}  // namespace

ParamSpec double_param(std::string name, double default_value, double min, double max,
                       std::string description) {
  ParamSpec p = required_double_param(std::move(name), min, max, std::move(description));
  p.default_value = shortest_text(default_value);
  return p;
}

ParamSpec required_double_param(std::string name, double min, double max,
                                std::string description) {
  ParamSpec p;
  p.name = std::move(name);
  p.type = ParamType::kDouble;
  p.description = std::move(description);
  p.min = min;
  p.max = max;
  return p;
}

ParamSpec string_param(std::string name, std::string default_value, std::string description) {
  ParamSpec p;
  p.name = std::move(name);
  p.type = ParamType::kString;
  p.default_value = std::move(default_value);
  p.description = std::move(description);
  return p;
}

ParamSpec enum_param(std::string name, std::vector<std::string> allowed, std::string default_value,
                     std::string description) {
  ParamSpec p;
  p.name = std::move(name);
  p.type = ParamType::kEnum;
  p.allowed = std::move(allowed);
  p.default_value = std::move(default_value);
  p.description = std::move(description);
  return p;
}

PluginSpec& Registry::add(PluginSpec spec) {
  const std::string where = std::string(to_string(spec.kind)) + " '" + spec.name + "'";
  if (spec.name.empty()) throw std::logic_error("a plugin needs a name");
  for (std::size_t i = 0; i < spec.params.size(); ++i) {
    const auto& p = spec.params[i];
    for (std::size_t j = 0; j < i; ++j) {
      if (spec.params[j].name == p.name) {
        throw std::logic_error(where + ": parameter '" + p.name + "' is declared twice");
      }
    }
    if (p.min && p.max && *p.min > *p.max) {
      throw std::logic_error(where + ": parameter '" + p.name + "' has min > max");
    }
    if (!p.default_value.empty()) {
      if (auto problem = scenario::check_param_value(p, p.default_value)) {
        throw std::logic_error(where + ": default of '" + p.name + "' " + *problem);
      }
    }
  }
  auto key = std::make_pair(spec.kind, spec.name);
  auto [it, inserted] = plugins_.emplace(std::move(key), std::move(spec));
  if (!inserted) throw std::logic_error(where + " is registered twice");
  return it->second;
}

namespace {
PluginSpec make_spec(PluginKind kind, std::string name, std::string description,
                     std::vector<ParamSpec> params) {
  PluginSpec spec;
  spec.kind = kind;
  spec.name = std::move(name);
  spec.description = std::move(description);
  spec.params = std::move(params);
  return spec;
}
}  // namespace

PluginSpec& Registry::add_service(std::string name, std::string description,
                                  std::vector<ParamSpec> params) {
  return add(make_spec(PluginKind::kService, std::move(name), std::move(description),
                       std::move(params)));
}
PluginSpec& Registry::add_protocol(std::string name, std::string description,
                                   std::vector<ParamSpec> params) {
  return add(make_spec(PluginKind::kProtocol, std::move(name), std::move(description),
                       std::move(params)));
}
PluginSpec& Registry::add_projection(std::string name, std::string description,
                                     std::vector<ParamSpec> params) {
  return add(make_spec(PluginKind::kProjection, std::move(name), std::move(description),
                       std::move(params)));
}
PluginSpec& Registry::add_workload(std::string name, std::string description,
                                   std::vector<ParamSpec> params) {
  return add(make_spec(PluginKind::kWorkload, std::move(name), std::move(description),
                       std::move(params)));
}
PluginSpec& Registry::add_check(std::string name, std::string description,
                                std::vector<ParamSpec> params) {
  return add(make_spec(PluginKind::kCheck, std::move(name), std::move(description),
                       std::move(params)));
}

const PluginSpec* Registry::find(PluginKind kind, std::string_view name) const {
  const auto it = plugins_.find(std::make_pair(kind, std::string(name)));
  return it == plugins_.end() ? nullptr : &it->second;
}

std::vector<const PluginSpec*> Registry::list(PluginKind kind) const {
  std::vector<const PluginSpec*> out;
  for (const auto& [key, spec] : plugins_) {
    if (key.first == kind) out.push_back(&spec);
  }
  return out;
}

const Registry& registry() {
  static const Registry built = [] {
    Registry r;
    register_builtin_plugins(r);
    return r;
  }();
  return built;
}

namespace {
std::string describe_param(const ParamSpec& p) {
  std::string line = "      " + p.name + " (" + to_string(p.type);
  if (p.type == ParamType::kEnum) {
    std::string values;
    for (const auto& v : p.allowed) values += (values.empty() ? "" : "|") + v;
    line += ": " + values;
  }
  if (p.min || p.max) {
    line += ", " + (p.min ? shortest_text(*p.min) : std::string("-inf")) + ".." +
            (p.max ? shortest_text(*p.max) : std::string("inf"));
  }
  line += p.default_value.empty() ? ", required" : ", default " + p.default_value;
  return line + ")  " + p.description + "\n";
}

bool name_matches(const std::string& plugin, std::string_view name) {
  if (name.empty() || plugin == name) return true;
  return plugin.size() > name.size() && plugin.compare(0, name.size(), name) == 0 &&
         plugin[name.size()] == '.';
}
}  // namespace

std::string describe(const Registry& registry, std::string_view name) {
  constexpr PluginKind kKinds[] = {PluginKind::kService, PluginKind::kProtocol,
                                   PluginKind::kProjection, PluginKind::kWorkload,
                                   PluginKind::kCheck};
  std::string out;
  for (const auto kind : kKinds) {
    std::string section;
    for (const auto* spec : registry.list(kind)) {
      if (!name_matches(spec->name, name)) continue;
      section += "  " + spec->name + (spec->implemented ? "" : "  [not implemented yet]") + "\n";
      section += "      " + spec->description + "\n";
      for (const auto& p : spec->params) section += describe_param(p);
    }
    if (!section.empty()) out += std::string(to_string(kind)) + "s:\n" + section;
  }
  return out;
}

}  // namespace txsim::plugins
