#include "core/scenario/loader.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

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

class CollectErrors : public google::protobuf::io::ErrorCollector {
 public:
  CollectErrors(const std::string& file, std::vector<Diagnostic>& out) : file_(file), out_(out) {}
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    out_.push_back({file_, line + 1, column + 1, "", message});
  }
  void AddWarning(int, google::protobuf::io::ColumnNumber, const std::string&) override {}

 private:
  const std::string& file_;
  std::vector<Diagnostic>& out_;
};

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

LoadedScenario parse_scenario(std::string_view text, const std::string& file) {
  // The text parser takes an int length; a scenario never comes close, but say so if it does.
  if (text.size() > kMaxScenarioBytes) {
    fail(file, "file is " + std::to_string(text.size()) + " bytes; a scenario may be at most " +
                   std::to_string(kMaxScenarioBytes) + " bytes");
  }
  if (text.find('\0') != std::string_view::npos) {
    fail(file, "file contains NUL bytes; expected a protobuf text-format scenario (*.textproto)");
  }
  LoadedScenario loaded;
  loaded.file = file;
  std::vector<Diagnostic> errors;
  CollectErrors collector(file, errors);
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&collector);
  parser.WriteLocationsTo(&loaded.source->tree);
  if (!parser.ParseFromString(std::string(text), &loaded.scenario)) {
    if (errors.empty()) errors.push_back({file, 0, 0, "", "could not parse the scenario"});
    throw ScenarioError(std::move(errors));
  }
  validate(loaded);
  return loaded;
}

LoadedScenario load_scenario_file(const std::string& path) {
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
  return parse_scenario(buffer.str(), path);
}

}  // namespace txsim::scenario
