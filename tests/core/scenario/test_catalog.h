// A small plugin catalog for scenario tests, independent of the plugins shipped in plugins/.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "core/scenario/plugin_catalog.h"

namespace txsim::scenario::testing {

class TestCatalog : public PluginCatalog {
 public:
  TestCatalog() {
    PluginSpec svc;
    svc.kind = PluginKind::kService;
    svc.name = "test.svc";
    ParamSpec p;
    p.name = "reject_probability";
    p.type = ParamType::kDouble;
    p.default_value = "0";
    p.min = 0;
    p.max = 1;
    svc.params.push_back(p);
    ParamSpec mode;
    mode.name = "mode";
    mode.type = ParamType::kEnum;
    mode.allowed = {"fast", "slow"};
    mode.default_value = "fast";
    svc.params.push_back(mode);
    add(svc);
    PluginSpec needs;
    needs.kind = PluginKind::kService;
    needs.name = "test.needs_size";
    ParamSpec size;
    size.name = "size";
    size.type = ParamType::kInt;
    size.min = 1;
    size.max = 10;
    needs.params.push_back(size);
    add(needs);
    PluginSpec check;
    check.kind = PluginKind::kCheck;
    check.name = "saga_atomicity";
    add(check);
    PluginSpec projection;
    projection.kind = PluginKind::kProjection;
    projection.name = "feed.join";
    add(projection);
  }
  const PluginSpec* find(PluginKind kind, std::string_view name) const override {
    const auto it = specs_.find({kind, std::string(name)});
    return it == specs_.end() ? nullptr : &it->second;
  }
  std::vector<const PluginSpec*> list(PluginKind kind) const override {
    std::vector<const PluginSpec*> out;
    for (const auto& [key, spec] : specs_) {
      if (key.first == kind) out.push_back(&spec);
    }
    return out;
  }

 private:
  void add(PluginSpec spec) { specs_[{spec.kind, spec.name}] = std::move(spec); }
  std::map<std::pair<PluginKind, std::string>, PluginSpec> specs_;
};

}  // namespace txsim::scenario::testing
