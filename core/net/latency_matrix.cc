#include "core/net/latency_matrix.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <utility>

namespace txsim::net {
namespace {

constexpr std::string_view kHeader = "from,to,average_latency_ms";

std::string_view trim(std::string_view s) {
  auto not_blank = [](char c) { return c != ' ' && c != '\t' && c != '\r'; };
  while (!s.empty() && !not_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && !not_blank(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split_commas(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == ',') {
      fields.push_back(trim(line.substr(start, i - start)));
      start = i + 1;
    }
  }
  return fields;
}

struct Row {
  std::string from;
  std::string to;
  double value;
  std::size_t line;
};

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "'" : ", '") + name + "'";
  return out;
}

double parse_value(std::string_view field, const std::string& file, std::size_t line) {
  double value = 0.0;
  auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
  if (field.empty() || error != std::errc() || end != field.data() + field.size() ||
      !std::isfinite(value)) {
    throw LatencyMatrixError(file, line,
                             "found average_latency_ms '" + std::string(field) +
                                 "'; expected a finite number of milliseconds");
  }
  if (value < 0.0) {
    throw LatencyMatrixError(file, line,
                             "found negative average_latency_ms " + std::string(field) +
                                 "; expected a latency >= 0 ms");
  }
  return value;
}

Row parse_row(std::string_view line_text, const std::string& file, std::size_t line,
              const LatencyMatrix::LoadOptions& options) {
  auto fields = split_commas(line_text);
  if (fields.size() != 3 || fields[0].empty() || fields[1].empty()) {
    throw LatencyMatrixError(file, line,
                             "found '" + std::string(trim(line_text)) +
                                 "'; expected 'from,to,average_latency_ms' with two names and a "
                                 "number");
  }
  for (std::string_view name : {fields[0], fields[1]}) {
    const auto& allowed = options.allowed_names;
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      throw LatencyMatrixError(file, line,
                               "found unknown " + options.name_kind + " '" + std::string(name) +
                                   "'; expected one of " + join(allowed));
    }
  }
  return Row{std::string(fields[0]), std::string(fields[1]), parse_value(fields[2], file, line),
             line};
}

}  // namespace

LatencyMatrixError::LatencyMatrixError(std::string file, std::size_t line,
                                       const std::string& message)
    : std::runtime_error(file + (line > 0 ? ":" + std::to_string(line) : std::string()) + ": " +
                         message),
      file_(std::move(file)),
      line_(line) {}

LatencyMatrix LatencyMatrix::load(const std::string& path, const LoadOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw LatencyMatrixError(path, 0, "cannot open file; expected a readable CSV latency matrix");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path, options);
}

LatencyMatrix LatencyMatrix::parse(std::string_view text, const std::string& file,
                                   const LoadOptions& options) {
  std::vector<Row> rows;
  bool header_seen = false;
  std::size_t line = 0;
  while (!text.empty()) {
    std::size_t newline = text.find('\n');
    std::string_view line_text = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    ++line;
    std::string_view trimmed = trim(line_text);
    if (trimmed.empty() || trimmed.front() == '#') continue;
    if (!header_seen) {
      std::string compact;
      for (auto field : split_commas(trimmed)) compact += std::string(field) + ",";
      compact.pop_back();
      if (compact != kHeader) {
        throw LatencyMatrixError(file, line,
                                 "found header '" + std::string(trimmed) + "'; expected '" +
                                     std::string(kHeader) + "'");
      }
      header_seen = true;
      continue;
    }
    rows.push_back(parse_row(line_text, file, line, options));
  }
  if (!header_seen) {
    throw LatencyMatrixError(file, line == 0 ? 1 : line,
                             "found no header; expected '" + std::string(kHeader) + "'");
  }

  LatencyMatrix matrix;
  matrix.file_ = file;
  std::map<std::string, std::size_t> first_line;  // name -> first line it appears on
  for (const Row& row : rows) {
    first_line.emplace(row.from, row.line);
    first_line.emplace(row.to, row.line);
  }
  for (const auto& [name, unused] : first_line) matrix.names_.push_back(name);
  const std::size_t n = matrix.names_.size();
  matrix.round_trip_ms_.assign(n * n, std::numeric_limits<double>::quiet_NaN());
  for (const Row& row : rows) {
    std::size_t cell = *matrix.index_of(row.from) * n + *matrix.index_of(row.to);
    if (!std::isnan(matrix.round_trip_ms_[cell])) {
      throw LatencyMatrixError(file, row.line,
                               "found a second line for pair '" + row.from + "' -> '" + row.to +
                                   "'; expected each ordered pair once");
    }
    matrix.round_trip_ms_[cell] = row.value;
  }
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      if (i == j || !std::isnan(matrix.round_trip_ms_[i * n + j])) continue;
      const std::string& from = matrix.names_[i];
      const std::string& to = matrix.names_[j];
      throw LatencyMatrixError(
          file, std::max(first_line[from], first_line[to]),
          "found no line for pair '" + from + "' -> '" + to + "' (both names occur by this "
          "line); expected a line for every ordered pair of distinct names");
    }
  }
  return matrix;
}

std::optional<std::size_t> LatencyMatrix::index_of(std::string_view name) const {
  auto it = std::lower_bound(names_.begin(), names_.end(), name);
  if (it == names_.end() || *it != name) return std::nullopt;
  return static_cast<std::size_t>(it - names_.begin());
}

std::optional<double> LatencyMatrix::round_trip_ms(std::string_view from,
                                                   std::string_view to) const {
  auto i = index_of(from);
  auto j = index_of(to);
  if (!i || !j) return std::nullopt;
  double value = round_trip_ms_[*i * names_.size() + *j];
  if (std::isnan(value)) return std::nullopt;
  return value;
}

std::optional<double> LatencyMatrix::one_way_ms(std::string_view from, std::string_view to) const {
  auto value = round_trip_ms(from, to);
  if (!value) return std::nullopt;
  return *value / 2.0;
}

void LatencyMatrix::require_names(const std::vector<std::string>& names,
                                  std::string_view name_kind) const {
  for (const auto& name : names) {
    if (!contains(name)) {
      throw LatencyMatrixError(file_, 0,
                               "found no " + std::string(name_kind) + " '" + name +
                                   "' in the latency matrix; expected one of " + join(names_));
    }
  }
}

}  // namespace txsim::net
