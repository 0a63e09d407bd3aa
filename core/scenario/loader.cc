#include "core/scenario/loader.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>
#include <utility>
#include <fstream>
#include <sstream>

#include "core/scenario/override.h"
#include "core/scenario/source_map.h"

namespace txsim::scenario {

std::string Diagnostic::to_string() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
  out += ": ";
  if (!field.empty()) out += field + ": ";
  return out + message;
}

namespace {
std::string join(const std::vector<Diagnostic>& diagnostics) {
  std::string text;
  for (const auto& d : diagnostics) text += (text.empty() ? "" : "\n") + d.to_string();
  return text;
}

// The text of 1-based line `line` of `text`.
std::string_view line_of(std::string_view text, int line) {
  std::size_t start = 0;
  for (int i = 1; i < line; ++i) {
    start = text.find('\n', start);
    if (start == std::string_view::npos) return {};
    ++start;
  }
  return text.substr(start, text.find('\n', start) - start);
}

// The protobuf parser reports an unknown field at the token after its name; users look for the
// name, so move the column back to where the name starts on that line.
int column_of_named_field(std::string_view text, int line, int column, const std::string& message) {
  static constexpr std::string_view kMarker = "no field named \"";
  const std::size_t at = message.find(kMarker);
  if (at == std::string::npos) return column;
  const std::size_t begin = at + kMarker.size();
  const std::string name = message.substr(begin, message.find('"', begin) - begin);
  const std::string_view source = line_of(text, line);
  const std::size_t found = source.rfind(name, column > 0 ? static_cast<std::size_t>(column - 1) : 0);
  return found == std::string_view::npos ? column : static_cast<int>(found) + 1;
}

// Whether offset `at` of `text` lies in a `#` comment: a '#' before it on its line, outside a
// quoted string.
bool in_comment(std::string_view text, std::size_t line_start, std::size_t at) {
  char quote = 0;
  for (std::size_t i = line_start; i < at; ++i) {
    const char c = text[i];
    if (quote != 0) {
      if (c == '\\') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#') {
      return true;
    }
  }
  return false;
}

// The parser reports an unknown enum value at the token after it, which may be on the next
// line; move the position back to the value itself, the last whole word `value` before it
// outside comments.
std::pair<int, int> position_of_enum_value(std::string_view text, int line, int column,
                                           const std::string& message) {
  static constexpr std::string_view kMarker = "Unknown enumeration value of \"";
  if (message.rfind(kMarker, 0) != 0) return {line, column};
  const std::string value =
      message.substr(kMarker.size(), message.find('"', kMarker.size()) - kMarker.size());
  const std::string_view reported = line_of(text, line);
  if (reported.data() == nullptr || value.empty()) return {line, column};
  const std::size_t offset =
      std::min(text.size(), static_cast<std::size_t>(reported.data() - text.data()) +
                                static_cast<std::size_t>(std::max(column - 1, 0)));
  const auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (std::size_t at = text.rfind(value, offset); at != std::string_view::npos && at > 0;
       at = text.rfind(value, at - 1)) {
    const std::size_t end = at + value.size();
    if (word(text[at - 1]) || (end < text.size() && word(text[end]))) continue;
    const std::size_t line_start = text.rfind('\n', at);
    if (in_comment(text, line_start == std::string_view::npos ? 0 : line_start + 1, at)) continue;
    const int found_line =
        1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
    const int found_column =
        static_cast<int>(at - (line_start == std::string_view::npos ? 0 : line_start + 1)) + 1;
    return {found_line, found_column};
  }
  return {line, column};
}

// `message` without its closing period, then "; expected one of " and `choices`.
std::string expecting_one_of(std::string message, const std::string& choices) {
  while (!message.empty() && (message.back() == '.' || message.back() == ' ')) message.pop_back();
  return message + "; expected one of " + choices;
}

// Protobuf says `Message type "txsim.scenario.Stop" has no field named "arival_s".`; a user
// wants to know what the message does have, as `--set` already tells them.
std::string with_known_fields(const std::string& message) {
  static constexpr std::string_view kType = "Message type \"";
  static constexpr std::string_view kNoField = "\" has no field named \"";
  if (message.rfind(kType, 0) != 0) return message;
  const std::size_t type_end = message.find(kNoField, kType.size());
  if (type_end == std::string::npos) return message;
  const std::string type = message.substr(kType.size(), type_end - kType.size());
  const auto* descriptor = google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(type);
  if (descriptor == nullptr) return message;
  std::string fields;
  for (int i = 0; i < descriptor->field_count(); ++i) {
    fields += (i ? ", " : "") + descriptor->field(i)->name();
  }
  return expecting_one_of(message, fields.empty() ? "(none)" : fields);
}

// The enum types of the scenario schema's fields named `field` (nested messages included).
void enums_of_field(const google::protobuf::Descriptor& message, const std::string& field,
                    std::vector<const google::protobuf::EnumDescriptor*>& out) {
  const auto* f = message.FindFieldByName(field);
  if (f != nullptr && f->enum_type() != nullptr &&
      std::find(out.begin(), out.end(), f->enum_type()) == out.end()) {
    out.push_back(f->enum_type());
  }
  for (int i = 0; i < message.nested_type_count(); ++i) {
    enums_of_field(*message.nested_type(i), field, out);
  }
}

// Protobuf says `Unknown enumeration value of "PIVIT" for field "kind".` without the values it
// would accept; they are listed when the field's name identifies one enum of the schema.
std::string with_known_values(const std::string& message) {
  static constexpr std::string_view kEnum = "Unknown enumeration value of \"";
  static constexpr std::string_view kField = "\" for field \"";
  if (message.rfind(kEnum, 0) != 0) return message;
  const std::size_t field_at = message.find(kField, kEnum.size());
  if (field_at == std::string::npos) return message;
  const std::size_t begin = field_at + kField.size();
  const std::string field = message.substr(begin, message.find('"', begin) - begin);
  const google::protobuf::FileDescriptor* schema = Scenario::descriptor()->file();
  std::vector<const google::protobuf::EnumDescriptor*> enums;
  for (int i = 0; i < schema->message_type_count(); ++i) {
    enums_of_field(*schema->message_type(i), field, enums);
  }
  if (enums.size() != 1) return message;
  std::string values;
  for (int i = 0; i < enums[0]->value_count(); ++i) {
    values += (i ? ", " : "") + enums[0]->value(i)->name();
  }
  return expecting_one_of(message, values);
}

class CollectErrors : public google::protobuf::io::ErrorCollector {
 public:
  CollectErrors(const std::string& file, std::string_view text, std::vector<Diagnostic>& out)
      : file_(file), text_(text), out_(out) {}
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    const auto [at_line, at_column] = position_of_enum_value(
        text_, line + 1, column_of_named_field(text_, line + 1, column + 1, message), message);
    out_.push_back({file_, at_line, at_column, "", with_known_values(with_known_fields(message))});
  }
  void AddWarning(int, google::protobuf::io::ColumnNumber, const std::string&) override {}

 private:
  const std::string& file_;
  std::string_view text_;
  std::vector<Diagnostic>& out_;
};

// Line and column (1-based) of the first byte that is not part of valid UTF-8, if any.
std::optional<std::pair<int, int>> first_invalid_utf8(std::string_view text) {
  int line = 1;
  int column = 1;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    int extra = 0;
    if (byte < 0x80) extra = 0;
    else if ((byte & 0xE0) == 0xC0 && byte >= 0xC2) extra = 1;
    else if ((byte & 0xF0) == 0xE0) extra = 2;
    else if ((byte & 0xF8) == 0xF0 && byte <= 0xF4) extra = 3;
    else return std::make_pair(line, column);
    if (i + extra >= text.size()) return std::make_pair(line, column);
    for (int k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return std::make_pair(line, column);
    }
    if (byte == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += extra + 1;
  }
  return std::nullopt;
}

[[noreturn]] void fail(const std::string& file, const std::string& message) {
  throw ScenarioError({Diagnostic{file, 0, 0, "", message}});
}
}  // namespace

ScenarioError::ScenarioError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join(diagnostics)), diagnostics_(std::move(diagnostics)) {}

LoadedScenario::LoadedScenario() : source(std::make_shared<SourceMap>()) {}
LoadedScenario::~LoadedScenario() = default;
LoadedScenario::LoadedScenario(LoadedScenario&&) noexcept = default;
LoadedScenario& LoadedScenario::operator=(LoadedScenario&&) noexcept = default;

LoadedScenario parse_scenario(std::string_view text, const std::string& file,
                              const PluginCatalog& catalog,
                              const std::vector<std::string>& overrides) {
  // The text parser takes an int length; a scenario never comes close, but say so if it does.
  if (text.size() > kMaxScenarioBytes) {
    fail(file, "file is " + std::to_string(text.size()) + " bytes; a scenario may be at most " +
                   std::to_string(kMaxScenarioBytes) + " bytes");
  }
  if (text.find('\0') != std::string_view::npos) {
    fail(file, "file contains NUL bytes; expected a protobuf text-format scenario (*.textproto)");
  }
  if (const auto bad = first_invalid_utf8(text)) {
    throw ScenarioError({Diagnostic{file, bad->first, bad->second, "",
                                    "is not UTF-8 text; expected a protobuf text-format scenario "
                                    "(*.textproto)"}});
  }
  LoadedScenario loaded;
  loaded.file = file;
  std::vector<Diagnostic> errors;
  CollectErrors collector(file, text, errors);
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&collector);
  parser.WriteLocationsTo(&loaded.source->tree);
  if (!parser.ParseFromString(std::string(text), &loaded.scenario)) {
    if (errors.empty()) errors.push_back({file, 0, 0, "", "could not parse the scenario"});
    throw ScenarioError(std::move(errors));
  }
  if (loaded.scenario.ByteSizeLong() == 0 && overrides.empty()) {
    throw ScenarioError({Diagnostic{file, 1, 1, "",
                                    "the scenario is empty; expected at least name: \"...\" and "
                                    "a workload { ... } (see docs/scenarios.md)"}});
  }
  apply_overrides(loaded, overrides);
  validate(loaded, catalog);
  return loaded;
}

LoadedScenario load_scenario_file(const std::string& path, const PluginCatalog& catalog,
                                  const std::vector<std::string>& overrides) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) fail(path, "no such file");
  if (std::filesystem::is_directory(status)) fail(path, "is a directory; expected a scenario file");
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxScenarioBytes) {
    fail(path, "file is " + std::to_string(size) + " bytes; a scenario may be at most " +
                   std::to_string(kMaxScenarioBytes) + " bytes");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot be opened for reading");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return parse_scenario(buffer.str(), path, catalog, overrides);
}

}  // namespace txsim::scenario
