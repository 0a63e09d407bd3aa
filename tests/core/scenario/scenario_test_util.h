// Helpers for scenario tests: parse text and collect the diagnostics it produces.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "core/scenario/loader.h"
#include "tests/core/scenario/test_catalog.h"

namespace txsim::scenario::testing {

/// A minimal valid scenario: one node, one service, one saga, uploads of one kind. Tests append
/// or replace lines to make exactly one thing wrong. Line numbers are stated where tests rely
/// on them.
inline const char* kValidSaga = R"(name: "ok"
stop { arrivals_s: 10 }
topology {
  node { name: "orchestrator" }
  node { name: "n1" }
}
service { name: "s1" type: "test.svc" node: "n1" }
saga {
  name: "upload-video"
  step { name: "a" service: "s1" compensation: "undo_a" }
  step { name: "b" service: "s1" kind: PIVOT after: "a" }
  step { name: "c" service: "s1" kind: RETRIABLE after: "b" }
}
workload { uploads { rate_per_s: 10 kind_mix { video: 1 } } }
)";

/// 1-based line and column where `needle` first occurs in `text` (after `from`, if given):
/// where the parser reports the field written there.
inline std::pair<int, int> position_of(const std::string& text, const std::string& needle,
                                       const std::string& from = "") {
  const std::size_t start = from.empty() ? 0 : text.find(from);
  const std::size_t at = text.find(needle, start == std::string::npos ? 0 : start);
  if (at == std::string::npos) {
    ADD_FAILURE() << "'" << needle << "' is not in the scenario text";
    return {0, 0};
  }
  int line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < at; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, static_cast<int>(at - line_start) + 1};
}

/// `text` with the first occurrence of `from` replaced by `to`.
inline std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) {
    ADD_FAILURE() << "'" << from << "' is not in the scenario text";
    return text;
  }
  return text.replace(at, from.size(), to);
}

/// Diagnostics of parsing `text` as "test.textproto"; empty when it is valid.
inline std::vector<Diagnostic> diagnostics_of(const std::string& text,
                                              const std::vector<std::string>& overrides = {}) {
  static const TestCatalog catalog;
  try {
    parse_scenario(text, "test.textproto", catalog, overrides);
  } catch (const ScenarioError& e) {
    return e.diagnostics();
  }
  return {};
}

/// The single diagnostic of `text`; fails the test unless there is exactly one.
inline Diagnostic only_diagnostic(const std::string& text,
                                  const std::vector<std::string>& overrides = {}) {
  const auto all = diagnostics_of(text, overrides);
  std::string listing;
  for (const auto& d : all) listing += d.to_string() + "\n";
  if (all.size() != 1) {
    ADD_FAILURE() << "expected exactly one diagnostic, got " << all.size() << ":\n" << listing;
    return all.empty() ? Diagnostic{} : all.front();
  }
  return all.front();
}

}  // namespace txsim::scenario::testing
