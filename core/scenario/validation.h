// Shared state and small checks of semantic validation (internal to core/scenario).
//
// Validation walks the scenario section by section (validate_*.cc). Each section appends every
// problem it finds to Validation::errors() with the field's path and file position, so a user
// sees all of them at once. Sections run in a fixed order: topology first (it defines the names
// the others refer to), then services, sagas, protocol, workload, cqrs, faults, checks, report.
#pragma once

#include <google/protobuf/message.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/scenario/loader.h"
#include "core/scenario/plugin_catalog.h"
#include "core/scenario/source_map.h"

namespace txsim::scenario {

// Limits on everything a scenario can make large. Beyond them a scenario is almost certainly a
// typo (an extra zero or two) and would exhaust memory or time; say so instead of trying.
inline constexpr double kMaxSeconds = 1e6;          // ~11.5 simulated days
inline constexpr double kMaxMilliseconds = 1e9;     // the same span in ms
inline constexpr double kMaxRatePerS = 1e7;         // arrivals or reads per simulated second
inline constexpr std::uint64_t kMaxCount = 1'000'000'000;  // arrivals in one run
inline constexpr std::uint64_t kMaxSessions = 10'000'000;
inline constexpr int kMaxNodes = 10'000;
inline constexpr int kMaxServices = 10'000;
inline constexpr int kMaxSagas = 1'000;
inline constexpr int kMaxSteps = 1'000;
inline constexpr int kMaxTimedFaults = 100'000;
inline constexpr int kMaxSamples = 100'000;
inline constexpr std::uint32_t kMaxAttempts = 1'000;

/// The text of a double as a user wrote it, without trailing zeros ("0.5", "inf").
std::string format_number(double value);

class Validation {
 public:
  Validation(const LoadedScenario& loaded, const PluginCatalog& catalog);

  const PluginCatalog& catalog() const { return catalog_; }
  /// Directory against which relative data paths resolve (the scenario file's directory).
  const std::filesystem::path& base_dir() const { return base_dir_; }
  std::vector<Diagnostic> take_errors() { return std::move(errors_); }

  /// Reports `message` at field `field` (element `index`, or -1) of `parent`.
  void error(const FieldCursor& at, const google::protobuf::Message& parent,
             const std::string& field, int index, std::string message);

  // Value checks. Each reports "is <found>; expected <what>" at the field when it fails and
  // returns whether the value was fine.
  bool probability(const FieldCursor& at, const google::protobuf::Message& parent,
                   const std::string& field, double value);
  bool seconds(const FieldCursor& at, const google::protobuf::Message& parent,
               const std::string& field, double value);
  bool milliseconds(const FieldCursor& at, const google::protobuf::Message& parent,
                    const std::string& field, double value, bool positive = false);
  bool rate_per_s(const FieldCursor& at, const google::protobuf::Message& parent,
                  const std::string& field, double value);
  bool in_range(const FieldCursor& at, const google::protobuf::Message& parent,
                const std::string& field, double value, double min, double max,
                const std::string& what);
  bool count(const FieldCursor& at, const google::protobuf::Message& parent,
             const std::string& field, std::uint64_t value, std::uint64_t min, std::uint64_t max,
             const std::string& what);
  /// A repeated field's size is at most `max`.
  bool size_limit(const FieldCursor& at, const google::protobuf::Message& parent,
                  const std::string& field, int size, int max);

  /// Checks that `name` (field `field` of `parent`) is set and unique in `seen`, which maps the
  /// names of one list to the line that first used them.
  void unique_name(std::map<std::string, int>& seen, const FieldCursor& at,
                   const google::protobuf::Message& parent, const std::string& field,
                   const std::string& name, const std::string& what);

  /// Checks plugin parameters `params` (a repeated Param field called `field` of `parent`)
  /// against the plugin `spec`: known keys, no repeats, well-typed values, required present.
  void plugin_params(const FieldCursor& at, const google::protobuf::Message& parent,
                     const std::string& field, const PluginSpec& spec);

  /// Checks a registered plugin name; returns its spec or null (and reports the problem).
  const PluginSpec* plugin(const FieldCursor& at, const google::protobuf::Message& parent,
                           const std::string& field, PluginKind kind, const std::string& name);

  // Names defined by the topology and services, filled as the sections run.
  std::set<std::string> regions;   // declared and referenced
  std::set<std::string> zones;     // declared and referenced
  std::set<std::string> nodes;
  std::set<std::string> groups;
  std::set<std::string> services;
  std::map<std::string, std::string> service_node;  // service -> node
  std::set<std::string> sagas;
  bool regions_declared = false;
  bool zones_declared = false;

  /// A node, zone, region or group name (what a fault or link endpoint may name).
  bool is_place(const std::string& name) const;
  /// "expected a node, zone, region or group name (known: a, b, c)" for messages.
  std::string expected_place() const;

 private:
  const std::string& file_;
  const SourceMap& source_;
  const PluginCatalog& catalog_;
  std::filesystem::path base_dir_;
  std::vector<Diagnostic> errors_;
};

/// "'a', 'b', 'c'" (at most a handful, then "..."), for "known: ..." hints.
std::string list_names(const std::set<std::string>& names);

void validate_topology(Validation& v, const FieldCursor& root, const Scenario& s);
void validate_services(Validation& v, const FieldCursor& root, const Scenario& s);
void validate_sagas(Validation& v, const FieldCursor& root, const Scenario& s);
void validate_protocol(Validation& v, const FieldCursor& root, const Scenario& s);
void validate_workload(Validation& v, const FieldCursor& root, const Scenario& s);
void validate_cqrs(Validation& v, const FieldCursor& root, const Scenario& s);
void validate_faults(Validation& v, const FieldCursor& root, const Scenario& s);
void validate_checks_and_report(Validation& v, const FieldCursor& root, const Scenario& s);
/// Every enum field holds a declared value (text format accepts any number for proto3 enums).
void validate_enums(Validation& v, const FieldCursor& at, const google::protobuf::Message& m);

}  // namespace txsim::scenario
