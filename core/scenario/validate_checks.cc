// Validation of `checks` and `report`: registered check names, no check both run and skipped,
// and report options in range.
#include "core/scenario/validation.h"

namespace txsim::scenario {
namespace {

// "queueing_theory:mm1" names the check "queueing_theory" for one subject.
bool known_check(const Validation& v, const std::string& name) {
  return v.catalog().find(PluginKind::kCheck, name.substr(0, name.find(':'))) != nullptr;
}

void names(Validation& v, const FieldCursor& at, const Checks& c, const std::string& field,
           const google::protobuf::RepeatedPtrField<std::string>& list) {
  std::set<std::string> known;
  for (const auto* spec : v.catalog().list(PluginKind::kCheck)) known.insert(spec->name);
  for (int i = 0; i < list.size(); ++i) {
    if (!known_check(v, list[i])) {
      v.error(at, c, field, i,
              "'" + list[i] + "' is not a registered check; expected one of " + list_names(known));
    }
  }
}

}  // namespace

void validate_checks_and_report(Validation& v, const FieldCursor& root, const Scenario& s) {
  const Checks& c = s.checks();
  const FieldCursor at = root.nested(s, "checks");
  names(v, at, c, "run", c.run());
  names(v, at, c, "skip", c.skip());
  names(v, at, c, "expect_failed", c.expect_failed());
  for (int i = 0; i < c.skip_size(); ++i) {
    for (const auto& run : c.run()) {
      if (run == c.skip(i)) {
        v.error(at, c, "skip", i, "'" + run + "' is also in run; expected one or the other");
      }
    }
  }
  const ReportOptions& r = s.report();
  const FieldCursor rc = root.nested(s, "report");
  if (r.has_time_series_interval_s()) {
    v.in_range(rc, r, "time_series_interval_s", r.time_series_interval_s(), 1e-6, kMaxSeconds,
               "an interval in seconds in (0, 1e6]");
  }
  if (r.has_examples_max()) v.count(rc, r, "examples_max", r.examples_max(), 0, 1000, "examples");
}

}  // namespace txsim::scenario
