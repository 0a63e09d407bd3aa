// Semantic validation of a parsed scenario: the driver and the shared checks. The sections are
// in validate_*.cc; see validation.h.
#include <algorithm>
#include <cmath>
#include <tuple>

#include "core/scenario/loader.h"
#include "core/scenario/source_map.h"
#include "core/scenario/validation.h"

namespace txsim::scenario {

std::string format_number(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.15g", value);
  return buffer;
}

std::string list_names(const std::set<std::string>& names) {
  std::string out;
  int shown = 0;
  for (const auto& name : names) {
    if (shown++ == 12) return out + ", ...";
    out += (out.empty() ? "'" : ", '") + name + "'";
  }
  return out.empty() ? "none" : out;
}

Validation::Validation(const LoadedScenario& loaded, const PluginCatalog& catalog)
    : file_(loaded.file), source_(*loaded.source), catalog_(catalog) {
  base_dir_ = std::filesystem::path(loaded.file).parent_path();
}

void Validation::error(const FieldCursor& at, const google::protobuf::Message& parent,
                       const std::string& field, int index, std::string message) {
  errors_.push_back(at.at(parent, field, index, file_, std::move(message)));
}

bool Validation::in_range(const FieldCursor& at, const google::protobuf::Message& parent,
                          const std::string& field, double value, double min, double max,
                          const std::string& what) {
  if (std::isfinite(value) && value >= min && value <= max) return true;
  error(at, parent, field, -1, "is " + format_number(value) + "; expected " + what);
  return false;
}

bool Validation::probability(const FieldCursor& at, const google::protobuf::Message& parent,
                             const std::string& field, double value) {
  return in_range(at, parent, field, value, 0, 1, "a probability in [0, 1]");
}

bool Validation::seconds(const FieldCursor& at, const google::protobuf::Message& parent,
                         const std::string& field, double value) {
  return in_range(at, parent, field, value, 0, kMaxSeconds,
                  "a duration in simulated seconds in [0, 1e6]");
}

bool Validation::milliseconds(const FieldCursor& at, const google::protobuf::Message& parent,
                              const std::string& field, double value, bool positive) {
  if (positive && value == 0) {
    error(at, parent, field, -1, "is 0; expected a duration in milliseconds > 0");
    return false;
  }
  return in_range(at, parent, field, value, 0, kMaxMilliseconds,
                  std::string("a duration in milliseconds in ") + (positive ? "(0" : "[0") +
                      ", 1e9]");
}

bool Validation::rate_per_s(const FieldCursor& at, const google::protobuf::Message& parent,
                            const std::string& field, double value) {
  if (std::isfinite(value) && value > 0 && value <= kMaxRatePerS) return true;
  error(at, parent, field, -1,
        "is " + format_number(value) + "; expected a rate per simulated second in (0, 1e7]");
  return false;
}

bool Validation::count(const FieldCursor& at, const google::protobuf::Message& parent,
                       const std::string& field, std::uint64_t value, std::uint64_t min,
                       std::uint64_t max, const std::string& what) {
  if (value >= min && value <= max) return true;
  error(at, parent, field, -1,
        "is " + std::to_string(value) + "; expected " + std::to_string(min) + " to " +
            std::to_string(max) + " " + what);
  return false;
}

bool Validation::size_limit(const FieldCursor& at, const google::protobuf::Message& parent,
                            const std::string& field, int size, int max) {
  if (size <= max) return true;
  error(at, parent, field, max,
        "has " + std::to_string(size) + " entries; at most " + std::to_string(max) +
            " are allowed");
  return false;
}

void Validation::unique_name(std::map<std::string, int>& seen, const FieldCursor& at,
                             const google::protobuf::Message& parent, const std::string& field,
                             const std::string& name, const std::string& what) {
  if (name.empty()) {
    error(at, parent, field, -1, "is missing; expected the " + what + "'s name");
    return;
  }
  const int line = at.at(parent, field, -1, file_, "").line;
  const auto [it, inserted] = seen.emplace(name, line);
  if (!inserted) {
    error(at, parent, field, -1,
          "'" + name + "' is used twice (first on line " + std::to_string(it->second) +
              "); expected unique " + what + " names");
  }
}

const PluginSpec* Validation::plugin(const FieldCursor& at,
                                     const google::protobuf::Message& parent,
                                     const std::string& field, PluginKind kind,
                                     const std::string& name) {
  if (name.empty()) {
    error(at, parent, field, -1,
          "is missing; expected a registered " + std::string(to_string(kind)) +
              " type (see `txsim plugins`)");
    return nullptr;
  }
  if (const auto* spec = catalog_.find(kind, name)) return spec;
  std::set<std::string> known;
  for (const auto* spec : catalog_.list(kind)) known.insert(spec->name);
  error(at, parent, field, -1,
        "'" + name + "' is not a registered " + to_string(kind) + " type; expected one of " +
            list_names(known) + " (see `txsim plugins`)");
  return nullptr;
}

void Validation::plugin_params(const FieldCursor& at, const google::protobuf::Message& parent,
                               const std::string& field, const PluginSpec& spec) {
  const auto* descriptor = parent.GetDescriptor()->FindFieldByName(field);
  const auto& reflection = *parent.GetReflection();
  std::set<std::string> given;
  for (int i = 0; i < reflection.FieldSize(parent, descriptor); ++i) {
    const auto& param = static_cast<const Param&>(reflection.GetRepeatedMessage(parent, descriptor, i));
    const FieldCursor cursor = at.nested(parent, field, i);
    const ParamSpec* p = spec.param(param.key());
    if (p == nullptr) {
      std::set<std::string> known;
      for (const auto& q : spec.params) known.insert(q.name);
      error(cursor, param, "key", -1,
            "'" + param.key() + "' is not a parameter of " + to_string(spec.kind) + " type '" +
                spec.name + "'; expected one of " + list_names(known));
      continue;
    }
    if (!given.insert(param.key()).second) {
      error(cursor, param, "key", -1, "'" + param.key() + "' is set twice; expected it once");
    }
    if (auto problem = check_param_value(*p, param.value())) {
      error(cursor, param, "value", -1, *problem + " (parameter '" + p->name + "')");
    }
  }
  for (const auto& p : spec.params) {
    if (p.default_value.empty() && p.type != ParamType::kString && !given.count(p.name)) {
      error(at, parent, field, -1,
            "lacks required parameter '" + p.name + "' of " + to_string(spec.kind) + " type '" +
                spec.name + "' (" + p.description + ")");
    }
  }
}

bool Validation::is_place(const std::string& name) const {
  return nodes.count(name) || zones.count(name) || regions.count(name) || groups.count(name);
}

std::string Validation::expected_place() const {
  std::set<std::string> all = nodes;
  all.insert(zones.begin(), zones.end());
  all.insert(regions.begin(), regions.end());
  all.insert(groups.begin(), groups.end());
  return "a node, zone, region or group name (known: " + list_names(all) + ")";
}

void validate_enums(Validation& v, const FieldCursor& at, const google::protobuf::Message& m) {
  const auto& reflection = *m.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  reflection.ListFields(m, &fields);
  for (const auto* field : fields) {
    using FD = google::protobuf::FieldDescriptor;
    if (field->cpp_type() == FD::CPPTYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection.FieldSize(m, field); ++i) {
          validate_enums(v, at.nested(m, field->name(), i),
                         reflection.GetRepeatedMessage(m, field, i));
        }
      } else {
        validate_enums(v, at.nested(m, field->name()), reflection.GetMessage(m, field));
      }
    } else if (field->cpp_type() == FD::CPPTYPE_ENUM && !field->is_repeated()) {
      const int number = reflection.GetEnumValue(m, field);
      if (field->enum_type()->FindValueByNumber(number) == nullptr) {
        std::string names;
        for (int i = 0; i < field->enum_type()->value_count(); ++i) {
          names += (names.empty() ? "" : ", ") + field->enum_type()->value(i)->name();
        }
        v.error(at, m, field->name(), -1,
                "is " + std::to_string(number) + "; expected one of " + names);
      }
    }
  }
}

namespace {
bool has_work(const Scenario& s) {
  const auto& w = s.workload();
  return w.open_queue_size() > 0 || w.has_uploads() || w.has_transfers() ||
         w.saga_arrivals_size() > 0 || s.cqrs().readers().sessions() > 0;
}
}  // namespace

void validate(const LoadedScenario& loaded, const PluginCatalog& catalog) {
  Validation v(loaded, catalog);
  const Scenario& s = loaded.scenario;
  const FieldCursor root(&loaded.source->tree, "", 1, 1);
  if (s.name().empty()) v.error(root, s, "name", -1, "is missing; expected a short scenario name");
  // The name becomes part of file names (txsim check's counterexample) and of one-line comments.
  const bool fits_a_file_name = std::none_of(s.name().begin(), s.name().end(), [](char c) {
    return c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  if (!fits_a_file_name) {
    v.error(root, s, "name", -1,
            "holds '/', '\\' or a control character; expected a short scenario name usable in a "
            "file name (txsim check names its counterexample file after it)");
  }
  const FieldCursor stop = root.nested(s, "stop");
  v.seconds(stop, s.stop(), "arrivals_s", s.stop().arrivals_s());
  v.seconds(stop, s.stop(), "drain_s", s.stop().drain_s());
  validate_topology(v, root, s);
  validate_services(v, root, s);
  validate_sagas(v, root, s);
  validate_protocol(v, root, s);
  validate_workload(v, root, s);
  validate_cqrs(v, root, s);
  validate_faults(v, root, s);
  validate_checks_and_report(v, root, s);
  validate_enums(v, root, s);
  if (!has_work(s)) {
    v.error(root, s, "workload", -1,
            "has no work in it; expected at least one workload (open_queue, uploads, transfers, "
            "saga_arrivals) or cqrs readers");
  }
  auto errors = v.take_errors();
  for (auto& d : errors) {
    // A value from --set was not written where the file says; point at the option instead.
    if (std::find(loaded.overridden.begin(), loaded.overridden.end(), d.field) !=
        loaded.overridden.end()) {
      d.line = 0;
      d.column = 0;
      d.message += " (value from --set)";
    }
  }
  std::stable_sort(errors.begin(), errors.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  if (!errors.empty()) throw ScenarioError(std::move(errors));
}

}  // namespace txsim::scenario
