// The plugin registry: service types, protocols, projections, workloads and checks by name,
// each with typed parameters (name, type, default, description, allowed range).
//
// Scenario validation reads it (through scenario::PluginCatalog) to reject an unknown plugin
// type or an unknown or ill-typed parameter; `txsim plugins` prints it. A plugin is registered
// by its module's register function, called from register_builtin_plugins() (plugins/builtin.cc)
// — no static-initialisation tricks, so the linker cannot drop a registration. Registering a
// service type is a few lines:
//
//   void register_plugins(Registry& registry) {
//     auto& ingest = registry.add_service("upload.ingest", "Stores the media record of an upload",
//         {enum_param("kind", {"live", "video", "shorts"}, "video", "upload kind it accepts"),
//          double_param("service_time_ms_mean", 2, 0, 1e6, "mean local transaction time, ms")});
//     ingest.implemented = true;  // once the runner can instantiate it
//   }
//
// Single-threaded: built once at start-up, then only read.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/scenario/plugin_catalog.h"

namespace txsim::plugins {

using scenario::ParamSpec;
using scenario::ParamType;
using scenario::PluginKind;
using scenario::PluginSpec;

/// Parameter constructors. An empty default makes a bool, number or enum parameter required (a
/// scenario must set it); a string parameter with an empty default is optional.
ParamSpec bool_param(std::string name, bool default_value, std::string description);
ParamSpec int_param(std::string name, std::string default_value, double min, double max,
                    std::string description);
ParamSpec double_param(std::string name, double default_value, double min, double max,
                       std::string description);
/// A double parameter without a default: the scenario must set it.
ParamSpec required_double_param(std::string name, double min, double max,
                                std::string description);
ParamSpec string_param(std::string name, std::string default_value, std::string description);
ParamSpec enum_param(std::string name, std::vector<std::string> allowed,
                     std::string default_value, std::string description);

class Registry : public scenario::PluginCatalog {
 public:
  /// Adds `spec`. Throws std::logic_error when a plugin of the same kind and name exists, a
  /// parameter name repeats, or a default value fails its own parameter's checks.
  PluginSpec& add(PluginSpec spec);
  PluginSpec& add_service(std::string name, std::string description,
                          std::vector<ParamSpec> params = {});
  PluginSpec& add_protocol(std::string name, std::string description,
                           std::vector<ParamSpec> params = {});
  PluginSpec& add_projection(std::string name, std::string description,
                             std::vector<ParamSpec> params = {});
  PluginSpec& add_workload(std::string name, std::string description,
                           std::vector<ParamSpec> params = {});
  PluginSpec& add_check(std::string name, std::string description,
                        std::vector<ParamSpec> params = {});

  const PluginSpec* find(PluginKind kind, std::string_view name) const override;
  std::vector<const PluginSpec*> list(PluginKind kind) const override;

 private:
  // Ordered map: listing order is by (kind, name), never by address or hash.
  std::map<std::pair<PluginKind, std::string>, PluginSpec, std::less<>> plugins_;
};

/// Registers every plugin shipped with txsim (plugins/builtin.cc).
void register_builtin_plugins(Registry& registry);

/// The registry of built-in plugins, built on first use.
const Registry& registry();

/// The text `txsim plugins` prints: every plugin by kind with its parameters. With a non-empty
/// `name`, only the plugins whose name equals it or starts with "name." (`upload` lists
/// upload.ingest, upload.publish, ...); the result is empty when none matches.
std::string describe(const Registry& registry, std::string_view name = {});

}  // namespace txsim::plugins
