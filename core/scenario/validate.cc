// Semantic validation of a parsed scenario: values in range, names unique, relations between
// fields consistent. Every problem found is reported with its field path and file position.
#include <cmath>
#include <set>

#include "core/scenario/loader.h"
#include "core/scenario/source_map.h"

namespace txsim::scenario {
namespace {

constexpr std::uint64_t kMaxCustomers = 1'000'000'000;
constexpr double kMaxSeconds = 1e6;  // ~11.5 simulated days; far beyond any useful run

class Validator {
 public:
  Validator(const LoadedScenario& loaded) : file_(loaded.file), source_(*loaded.source) {}

  std::vector<Diagnostic> run(const Scenario& s) {
    const FieldCursor root(&source_.tree, "", 0, 0);
    if (s.name().empty()) error(root, s, "name", -1, "is missing; expected a short scenario name");
    check_stop(root.nested(s, "stop"), s.stop());
    check_workload(root.nested(s, "workload"), s.workload());
    if (s.workload().open_queue_size() == 0) {
      error(root, s, "workload", -1,
            "has no work in it; expected at least one workload (e.g. open_queue { ... })");
    }
    return std::move(errors_);
  }

 private:
  void error(const FieldCursor& at, const google::protobuf::Message& parent,
             const std::string& field, int index, std::string message) {
    errors_.push_back(at.at(parent, field, index, file_, std::move(message)));
  }

  void check_seconds(const FieldCursor& at, const google::protobuf::Message& parent,
                     const std::string& field, double value) {
    if (!std::isfinite(value) || value < 0 || value > kMaxSeconds) {
      error(at, parent, field, -1,
            "is " + format(value) + "; expected a duration in seconds in [0, 1e6]");
    }
  }

  void check_stop(const FieldCursor& at, const Stop& stop) {
    check_seconds(at, stop, "arrivals_s", stop.arrivals_s());
    check_seconds(at, stop, "drain_s", stop.drain_s());
  }

  void check_workload(const FieldCursor& at, const Workload& workload) {
    std::set<std::string> names;
    for (int i = 0; i < workload.open_queue_size(); ++i) {
      const auto& q = workload.open_queue(i);
      const FieldCursor cursor = at.nested(workload, "open_queue", i);
      if (q.name().empty()) {
        error(cursor, q, "name", -1, "is missing; expected a station name");
      } else if (!names.insert(q.name()).second) {
        error(cursor, q, "name", -1, "'" + q.name() + "' is used twice; names must be unique");
      }
      check_rate(cursor, q, "arrival_rate_per_ms", q.arrival_rate_per_ms());
      check_rate(cursor, q, "service_rate_per_ms", q.service_rate_per_ms());
      if (q.has_servers() && (q.servers() < 1 || q.servers() > 100'000)) {
        error(cursor, q, "servers", -1,
              "is " + std::to_string(q.servers()) + "; expected 1 to 100000 servers");
      }
      if (q.customers() < 1 || q.customers() > kMaxCustomers) {
        error(cursor, q, "customers", -1,
              "is " + std::to_string(q.customers()) + "; expected 1 to 10^9 customers");
      }
      if (q.has_theory_tolerance() &&
          !(q.theory_tolerance() > 0 && q.theory_tolerance() <= 1)) {
        error(cursor, q, "theory_tolerance", -1,
              "is " + format(q.theory_tolerance()) + "; expected a fraction in (0, 1]");
      }
    }
  }

  void check_rate(const FieldCursor& at, const google::protobuf::Message& parent,
                  const std::string& field, double value) {
    if (!std::isfinite(value) || value <= 0 || value > 1e9) {
      error(at, parent, field, -1,
            "is " + format(value) + "; expected a rate > 0 (per simulated millisecond)");
    }
  }

  static std::string format(double value) {
    std::string text = std::to_string(value);
    while (text.size() > 1 && text.back() == '0') text.pop_back();
    if (!text.empty() && text.back() == '.') text.pop_back();
    return text;
  }

  const std::string& file_;
  const SourceMap& source_;
  std::vector<Diagnostic> errors_;
};

}  // namespace

void validate(const LoadedScenario& loaded) {
  auto errors = Validator(loaded).run(loaded.scenario);
  if (!errors.empty()) throw ScenarioError(std::move(errors));
}

}  // namespace txsim::scenario
