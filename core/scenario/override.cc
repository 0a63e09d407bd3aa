#include "core/scenario/override.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <charconv>
#include <cmath>
#include <limits>

namespace txsim::scenario {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

class OverrideError {
 public:
  std::string path;
  std::string message;
};

struct Part {
  std::string field;
  bool indexed = false;
  std::string selector;  // inside [...]
};

std::vector<Part> split_path(std::string_view path) {
  std::vector<Part> parts;
  std::size_t i = 0;
  while (i <= path.size()) {
    Part part;
    const std::size_t end = path.find_first_of(".[", i);
    part.field = std::string(path.substr(i, end == std::string_view::npos ? end : end - i));
    if (part.field.empty()) throw OverrideError{std::string(path.substr(0, i)), "expected a field name"};
    i = end == std::string_view::npos ? path.size() : end;
    if (i < path.size() && path[i] == '[') {
      const std::size_t close = path.find(']', i);
      if (close == std::string_view::npos) {
        throw OverrideError{std::string(path), "'[' without ']'; expected field[index] or field[name]"};
      }
      part.indexed = true;
      part.selector = std::string(path.substr(i + 1, close - i - 1));
      if (part.selector.empty()) {
        throw OverrideError{std::string(path.substr(0, close + 1)), "expected an index or a name inside []"};
      }
      i = close + 1;
    }
    parts.push_back(std::move(part));
    if (i == path.size()) break;
    if (path[i] != '.') {
      throw OverrideError{std::string(path.substr(0, i)), "expected '.' after ']'"};
    }
    ++i;
  }
  return parts;
}

std::string known_fields(const google::protobuf::Descriptor& d) {
  std::string out;
  for (int i = 0; i < d.field_count(); ++i) out += (i ? ", " : "") + d.field(i)->name();
  return out;
}

std::string oneof_members(const google::protobuf::OneofDescriptor& oneof) {
  std::string out;
  for (int i = 0; i < oneof.field_count(); ++i) out += (i > 0 ? ", " : "") + oneof.field(i)->name();
  return out;
}

bool parse_index(const std::string& text, int& index) {
  const auto r = std::from_chars(text.data(), text.data() + text.size(), index);
  return r.ec == std::errc() && r.ptr == text.data() + text.size() && index >= 0;
}

// The element of repeated message field `f` selected by index or by its name (or key) field.
int select_element(const Message& m, const FieldDescriptor* f, const std::string& selector,
                   const std::string& path) {
  const Reflection& r = *m.GetReflection();
  const int size = r.FieldSize(m, f);
  int index = 0;
  if (parse_index(selector, index)) {
    if (index >= size) {
      throw OverrideError{path, "index " + selector + " is out of range; the list has " +
                                    std::to_string(size) + " element(s)"};
    }
    return index;
  }
  const auto* element_type = f->message_type();
  const FieldDescriptor* key = element_type->FindFieldByName("name");
  if (key == nullptr) key = element_type->FindFieldByName("key");
  if (key == nullptr || key->cpp_type() != FieldDescriptor::CPPTYPE_STRING) {
    throw OverrideError{path, "'" + selector + "' is not an index; elements of " + f->name() +
                                  " have no name, expected a 0-based index"};
  }
  std::string names;
  for (int i = 0; i < size; ++i) {
    const Message& element = r.GetRepeatedMessage(m, f, i);
    const std::string name = element.GetReflection()->GetString(element, key);
    if (name == selector) return i;
    names += (names.empty() ? "'" : ", '") + name + "'";
  }
  throw OverrideError{path, "no element with " + key->name() + " '" + selector +
                                "'; expected one of " + (names.empty() ? "(none)" : names) +
                                " or a 0-based index"};
}

template <typename T>
T parse_integer(const std::string& value, const std::string& path, const char* what) {
  T result{};
  const auto r = std::from_chars(value.data(), value.data() + value.size(), result);
  if (r.ec != std::errc() || r.ptr != value.data() + value.size()) {
    throw OverrideError{path, "value '" + value + "' is not " + what};
  }
  return result;
}

double parse_double(const std::string& value, const std::string& path) {
  double result = 0;
  const auto r = std::from_chars(value.data(), value.data() + value.size(), result);
  if (r.ec != std::errc() || r.ptr != value.data() + value.size() || !std::isfinite(result)) {
    throw OverrideError{path, "value '" + value + "' is not a finite number"};
  }
  return result;
}

void set_scalar(Message& m, const FieldDescriptor* f, int index, const std::string& value,
                const std::string& path) {
  const Reflection& r = *m.GetReflection();
  const bool append = index == -2;
  switch (f->cpp_type()) {
#define TXSIM_SET(CPPTYPE, Type, parsed)                 \
  case FieldDescriptor::CPPTYPE: {                       \
    const auto v = parsed;                               \
    if (append) {                                        \
      r.Add##Type(&m, f, v);                             \
    } else if (index >= 0) {                             \
      r.SetRepeated##Type(&m, f, index, v);              \
    } else {                                             \
      r.Set##Type(&m, f, v);                             \
    }                                                    \
    return;                                              \
  }
    TXSIM_SET(CPPTYPE_INT32, Int32, parse_integer<std::int32_t>(value, path, "a 32-bit integer"))
    TXSIM_SET(CPPTYPE_INT64, Int64, parse_integer<std::int64_t>(value, path, "a 64-bit integer"))
    TXSIM_SET(CPPTYPE_UINT32, UInt32,
              parse_integer<std::uint32_t>(value, path, "a non-negative 32-bit integer"))
    TXSIM_SET(CPPTYPE_UINT64, UInt64,
              parse_integer<std::uint64_t>(value, path, "a non-negative 64-bit integer"))
    TXSIM_SET(CPPTYPE_DOUBLE, Double, parse_double(value, path))
    TXSIM_SET(CPPTYPE_FLOAT, Float, static_cast<float>(parse_double(value, path)))
    TXSIM_SET(CPPTYPE_STRING, String, value)
#undef TXSIM_SET
    case FieldDescriptor::CPPTYPE_BOOL: {
      if (value != "true" && value != "false") {
        throw OverrideError{path, "value '" + value + "' is not a bool; expected true or false"};
      }
      const bool v = value == "true";
      if (append) r.AddBool(&m, f, v);
      else if (index >= 0) r.SetRepeatedBool(&m, f, index, v);
      else r.SetBool(&m, f, v);
      return;
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* e = f->enum_type()->FindValueByName(value);
      if (e == nullptr) {
        std::string names;
        for (int i = 0; i < f->enum_type()->value_count(); ++i) {
          names += (i ? ", " : "") + f->enum_type()->value(i)->name();
        }
        throw OverrideError{path, "value '" + value + "' is not one of " + names};
      }
      if (append) r.AddEnum(&m, f, e);
      else if (index >= 0) r.SetRepeatedEnum(&m, f, index, e);
      else r.SetEnum(&m, f, e);
      return;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  throw OverrideError{path, "is a message; expected a path to a scalar field inside it (one of " +
                                known_fields(*f->message_type()) + ")"};
}

}  // namespace

std::string apply_override(Scenario& scenario, std::string_view assignment) {
  const std::string text(assignment);
  const std::size_t equals = assignment.find('=');
  try {
    if (equals == std::string_view::npos || equals == 0) {
      throw OverrideError{"", "expected path=value, e.g. workload.uploads.count=5000"};
    }
    const std::string value(assignment.substr(equals + 1));
    const auto parts = split_path(assignment.substr(0, equals));
    Message* m = &scenario;
    std::string canonical;
    for (std::size_t k = 0; k < parts.size(); ++k) {
      const Part& part = parts[k];
      const bool last = k + 1 == parts.size();
      const auto* f = m->GetDescriptor()->FindFieldByName(part.field);
      const std::string here = canonical + (canonical.empty() ? "" : ".") + part.field;
      if (f == nullptr) {
        throw OverrideError{here, "'" + part.field + "' is not a field of " +
                                      (canonical.empty() ? "the scenario" : canonical) +
                                      "; expected one of " + known_fields(*m->GetDescriptor())};
      }
      if (f->is_repeated() != part.indexed) {
        throw OverrideError{here, f->is_repeated()
                                      ? "is a list; expected " + part.field + "[index] or " +
                                            part.field + "[name]"
                                      : "is not a list; expected no [...]"};
      }
      // Setting a member of a oneof silently clears the member the file chose (e.g. a
      // protocol.saga_orchestration field on a two-phase-commit scenario would switch protocols).
      if (const auto* oneof = f->real_containing_oneof()) {
        const auto* chosen = m->GetReflection()->GetOneofFieldDescriptor(*m, oneof);
        if (chosen != nullptr && chosen != f) {
          const std::string prefix = canonical + (canonical.empty() ? "" : ".");
          throw OverrideError{here, "the scenario sets " + prefix + chosen->name() +
                                        ", and only one of " + oneof_members(*oneof) +
                                        " can be set; --set fields of " + prefix +
                                        chosen->name() + ", or change it in the file"};
        }
      }
      int index = -1;
      canonical = here;
      if (f->is_repeated()) {
        if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
          index = select_element(*m, f, part.selector, here + "[" + part.selector + "]");
        } else if (part.selector == "+") {
          index = -2;
        } else if (!parse_index(part.selector, index) ||
                   index >= m->GetReflection()->FieldSize(*m, f)) {
          throw OverrideError{here + "[" + part.selector + "]",
                              "expected an index below " +
                                  std::to_string(m->GetReflection()->FieldSize(*m, f)) +
                                  " or [+] to append"};
        }
        canonical += "[" + (index == -2 ? std::to_string(m->GetReflection()->FieldSize(*m, f))
                                        : std::to_string(index)) + "]";
      }
      if (last) {
        set_scalar(*m, f, index, value, canonical);
      } else if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
        throw OverrideError{canonical, "is a scalar; expected it at the end of the path"};
      } else {
        m = index >= 0 ? m->GetReflection()->MutableRepeatedMessage(m, f, index)
                       : m->GetReflection()->MutableMessage(m, f);
      }
    }
    return canonical;
  } catch (const OverrideError& e) {
    throw ScenarioError({Diagnostic{"--set " + text, 0, 0, e.path, e.message}});
  }
}

void apply_overrides(LoadedScenario& loaded, const std::vector<std::string>& assignments) {
  std::vector<Diagnostic> errors;
  for (const auto& assignment : assignments) {
    try {
      loaded.overridden.push_back(apply_override(loaded.scenario, assignment));
      loaded.overrides.push_back(assignment);
    } catch (const ScenarioError& e) {
      errors.insert(errors.end(), e.diagnostics().begin(), e.diagnostics().end());
    }
  }
  if (!errors.empty()) throw ScenarioError(std::move(errors));
}

}  // namespace txsim::scenario
