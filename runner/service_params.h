// A scenario service's parameters as written, falling back to the plugin registry's defaults.
#pragma once

#include <stdexcept>
#include <string>

#include "core/scenario/loader.h"
#include "plugins/registry.h"

namespace txsim::runner {

class ServiceParams {
 public:
  explicit ServiceParams(const scenario::Service& service)
      : service_(service),
        spec_(plugins::registry().find(scenario::PluginKind::kService, service.type())) {}
  /// Throws std::logic_error for a parameter the service type does not declare.
  std::string text(const std::string& name) const {
    for (const auto& p : service_.param()) {
      if (p.key() == name) return p.value();
    }
    const scenario::ParamSpec* param = spec_ != nullptr ? spec_->param(name) : nullptr;
    if (param == nullptr) {
      throw std::logic_error("service type '" + service_.type() + "' has no parameter " + name);
    }
    return param->default_value;
  }
  double number(const std::string& name) const { return std::stod(text(name)); }
  bool flag(const std::string& name) const { return text(name) == "true" || text(name) == "1"; }
  bool has(const std::string& name) const { return spec_ != nullptr && spec_->param(name) != nullptr; }

 private:
  const scenario::Service& service_;
  const scenario::PluginSpec* spec_;
};

}  // namespace txsim::runner
