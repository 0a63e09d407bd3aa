// A latency matrix between named locations (zones or regions), loaded from a CSV file.
//
// File format (as in scenarios/data/, see scenarios/data/README.md):
//
//     from,to,average_latency_ms
//     Dallas 1,Dallas 2,2.03
//
// The header line is required. Fields are separated by commas and trimmed of surrounding blanks;
// names may contain spaces but not commas (no quoting). Blank lines and lines starting with '#'
// are ignored. Every ordered pair of distinct names that occur in the file must be present
// exactly once; a self pair (A,A: latency within a location) is optional.
//
// Units and meaning: values are milliseconds. The published measurements are treated as
// ROUND-TRIP times, so the one-way latency of a message is half the value (one_way_ms). The
// matrix may be asymmetric; (from,to) is looked up in the message's direction.
//
// Errors: load/parse throw LatencyMatrixError, whose what() reads
// "file:line: what was found; what was expected" — for a malformed line, a wrong header, a
// non-numeric, negative or non-finite value, a duplicate pair, a missing pair, a name outside
// `allowed_names`, or an unreadable file (line 0).
//
// Thread-safety: immutable after loading.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace txsim::net {

/// Bad latency matrix input, with its position. line == 0 means the file as a whole.
class LatencyMatrixError : public std::runtime_error {
 public:
  LatencyMatrixError(std::string file, std::size_t line, const std::string& message);
  const std::string& file() const { return file_; }
  std::size_t line() const { return line_; }

 private:
  std::string file_;
  std::size_t line_;
};

/// Options for loading a matrix.
struct LatencyMatrixOptions {
  /// If not empty, every name in the file must be one of these (e.g. the zones a scenario
  /// declares); `name_kind` ("zone" or "region") is used in the error message.
  std::vector<std::string> allowed_names;
  std::string name_kind = "zone";
};

class LatencyMatrix {
 public:
  using LoadOptions = LatencyMatrixOptions;

  /// Reads and parses `path`. Throws LatencyMatrixError (see header comment).
  static LatencyMatrix load(const std::string& path, const LoadOptions& options = {});
  /// Parses CSV text; `file` is used in error messages only.
  static LatencyMatrix parse(std::string_view text, const std::string& file,
                             const LoadOptions& options = {});

  /// Location names, sorted.
  const std::vector<std::string>& names() const { return names_; }
  bool contains(std::string_view name) const { return index_of(name).has_value(); }
  std::optional<std::size_t> index_of(std::string_view name) const;

  /// The file's value for (from, to) in ms (round trip), or nullopt (unknown name, or a self
  /// pair the file does not list).
  std::optional<double> round_trip_ms(std::string_view from, std::string_view to) const;
  /// Half the round-trip value: the mean one-way latency of a message from `from` to `to`.
  std::optional<double> one_way_ms(std::string_view from, std::string_view to) const;

  /// Throws LatencyMatrixError (line 0) naming the first of `names` that the matrix lacks,
  /// e.g. a zone a node is placed in.
  void require_names(const std::vector<std::string>& names, std::string_view name_kind) const;

  const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::vector<std::string> names_;
  std::vector<double> round_trip_ms_;  // names_.size()^2, row = from; NaN where absent
};

}  // namespace txsim::net
