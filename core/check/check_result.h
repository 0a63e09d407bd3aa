// The result of one checker, independent of the report format (runner/ converts it).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/sim/time.h"

namespace txsim::check {

/// One piece of evidence that an invariant was broken.
struct Violation {
  std::string subject;  // e.g. "saga 17 (upload-video)"
  std::string detail;   // what was seen, naming the steps involved
  sim::Time at;         // simulated time of the witness event
};

struct CheckResult {
  static constexpr std::size_t kMaxExamples = 10;

  std::string name;
  std::uint64_t violations = 0;
  std::vector<Violation> examples;  // the first kMaxExamples violations, in time order of discovery
  std::string summary;              // one line a person reads

  bool passed() const { return violations == 0; }
  /// Counts a violation, keeping it as an example while there is room.
  void add(Violation violation) {
    ++violations;
    if (examples.size() < kMaxExamples) examples.push_back(std::move(violation));
  }
};

}  // namespace txsim::check
