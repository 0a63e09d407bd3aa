// Reading scenario files: bad input of every kind is a ScenarioError with a position, never a
// crash, and valid text round-trips.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/core/scenario/scenario_test_util.h"

namespace txsim::scenario::testing {
namespace {

using ::testing::HasSubstr;

// A directory of this process only: test binaries of several worktrees may run at once.
std::filesystem::path temp_dir() {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("txsim-loader-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

std::string temp_file(const std::string& name, const std::string& contents) {
  const auto path = temp_dir() / name;
  std::ofstream(path, std::ios::binary) << contents;
  return path.string();
}

Diagnostic load_error(const std::string& path) {
  static const TestCatalog catalog;
  try {
    load_scenario_file(path, catalog);
  } catch (const ScenarioError& e) {
    return e.diagnostics().front();
  }
  ADD_FAILURE() << path << " loaded";
  return {};
}

TEST(ScenarioLoader, MissingFileIsNamed) {
  const Diagnostic d = load_error("/nonexistent/dir/s.textproto");
  EXPECT_EQ(d.file, "/nonexistent/dir/s.textproto");
  EXPECT_THAT(d.message, HasSubstr("no such file"));
}

TEST(ScenarioLoader, DirectoryIsRejected) {
  EXPECT_THAT(load_error(std::filesystem::temp_directory_path().string()).message,
              HasSubstr("is a directory"));
}

TEST(ScenarioLoader, EmptyFileSaysWhatIsExpected) {
  const Diagnostic d = load_error(temp_file("empty.textproto", ""));
  EXPECT_EQ(d.line, 1);
  EXPECT_EQ(d.column, 1);
  EXPECT_THAT(d.message, HasSubstr("the scenario is empty"));
}

TEST(ScenarioLoader, CommentOnlyFileIsEmpty) {
  EXPECT_THAT(load_error(temp_file("comments.textproto", "# nothing\n\n# here\n")).message,
              HasSubstr("empty"));
}

TEST(ScenarioLoader, BinaryWithNulBytesIsRejected) {
  const std::string bytes("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  EXPECT_THAT(load_error(temp_file("nul.textproto", bytes)).message, HasSubstr("NUL bytes"));
}

TEST(ScenarioLoader, InvalidUtf8IsRejectedAtItsPosition) {
  const Diagnostic d = load_error(temp_file("latin1.textproto", "name: \"ok\"\nname: \"caf\xe9\"\n"));
  EXPECT_EQ(d.line, 2);
  EXPECT_EQ(d.column, 11);  // n a m e : space " c a f -> the 11th column
  EXPECT_THAT(d.message, HasSubstr("not UTF-8"));
}

TEST(ScenarioLoader, UnknownFieldIsASyntaxErrorWithPosition) {
  const auto all = diagnostics_of("name: \"x\"\nstop { arrival_s: 5 }\n");
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all[0].line, 2);
  EXPECT_EQ(all[0].column, 8);  // after "stop { "
  EXPECT_THAT(all[0].message, HasSubstr("arrival_s"));
}

TEST(ScenarioLoader, WrongTypeIsASyntaxErrorWithPosition) {
  const auto all = diagnostics_of("name: \"x\"\nseed: \"forty-two\"\n");
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all[0].line, 2);
  EXPECT_EQ(all[0].column, 7);
  EXPECT_THAT(all[0].message, HasSubstr("integer"));
}

TEST(ScenarioLoader, UnknownEnumNameIsASyntaxError) {
  const auto all = diagnostics_of(replace(kValidSaga, "kind: PIVOT", "kind: PIVOTAL"));
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all[0].line, position_of(kValidSaga, "PIVOT").first);
  EXPECT_THAT(all[0].message, HasSubstr("PIVOTAL"));
}

TEST(ScenarioLoader, UnknownEnumNameAtTheEndOfALineIsReportedAtTheName) {
  // The parser stops at the token after the value, here the next line's `step`; the user looks
  // for the misspelled value itself.
  const std::string text = replace(kValidSaga, "name: \"upload-video\"",
                                   "name: \"upload-video\" checkpoint: EVERY_STAGES");
  const auto all = diagnostics_of(text);
  ASSERT_FALSE(all.empty());
  const auto [line, column] = position_of(text, "EVERY_STAGES");
  EXPECT_EQ(all[0].line, line) << all[0].to_string();
  EXPECT_EQ(all[0].column, column) << all[0].to_string();
}

TEST(ScenarioLoader, UnknownEnumNameRepeatedInAFollowingCommentIsReportedAtTheValue) {
  // Searching back from the next token must skip the comment that quotes the value.
  const std::string text =
      replace(kValidSaga, "name: \"upload-video\"",
              "name: \"upload-video\" checkpoint: EVERY_STAGES  # EVERY_STAGES?");
  const auto all = diagnostics_of(text);
  ASSERT_FALSE(all.empty());
  const auto [line, column] = position_of(text, "EVERY_STAGES");  // the first: the value
  EXPECT_EQ(all[0].line, line) << all[0].to_string();
  EXPECT_EQ(all[0].column, column) << all[0].to_string();
}

TEST(ScenarioLoader, UnknownEnumNameListsTheValuesOfThatEnum) {
  // As for an unknown field name, the user is told what would have been accepted.
  const auto kind = diagnostics_of(replace(kValidSaga, "kind: PIVOT", "kind: pivot"));
  ASSERT_FALSE(kind.empty());
  EXPECT_THAT(kind[0].message, HasSubstr("; expected one of COMPENSATABLE, PIVOT, RETRIABLE"));
  const auto order = diagnostics_of(replace(kValidSaga, "name: \"upload-video\"",
                                            "name: \"upload-video\" compensation_order: REVRSE"));
  ASSERT_FALSE(order.empty());
  EXPECT_THAT(order[0].message, HasSubstr("; expected one of REVERSE, PARALLEL"));
}

TEST(ScenarioLoader, NegativeValueForUnsignedIsASyntaxError) {
  EXPECT_FALSE(diagnostics_of(replace(kValidSaga, "rate_per_s: 10", "rate_per_s: 10 count: -5"))
                   .empty());
}

TEST(ScenarioLoader, RelativeMatrixPathResolvesAgainstTheScenarioDirectory) {
  const auto dir = temp_dir() / "relative";
  std::filesystem::create_directories(dir / "data");
  std::ofstream(dir / "data" / "m.csv") << "from,to,average_latency_ms\n";
  const std::string text = replace(kValidSaga, "topology {",
                                   "topology {\n  latency_matrix_csv: \"data/m.csv\"");
  std::ofstream(dir / "s.textproto") << text;
  static const TestCatalog catalog;
  EXPECT_NO_THROW(load_scenario_file((dir / "s.textproto").string(), catalog));
}

TEST(ScenarioLoader, WhatListsEveryDiagnosticOnItsOwnLine) {
  try {
    parse_scenario("name: \"\"\nstop { drain_s: -1 }\n", "f.textproto", TestCatalog());
    FAIL() << "expected an error";
  } catch (const ScenarioError& e) {
    EXPECT_GE(e.diagnostics().size(), 2u);
    EXPECT_THAT(std::string(e.what()), HasSubstr("f.textproto:2:8: stop.drain_s: is -1"));
    EXPECT_THAT(std::string(e.what()), HasSubstr("\n"));
  }
}

// Arbitrary bytes never crash the loader: they parse or raise ScenarioError, nothing else.
RC_GTEST_PROP(ScenarioLoaderProperty, ArbitraryBytesNeverCrash, (const std::string& bytes)) {
  static const TestCatalog catalog;
  try {
    parse_scenario(bytes, "fuzz.textproto", catalog);
  } catch (const ScenarioError&) {
  }
}

// Mutating one character of a valid scenario never crashes the loader either.
RC_GTEST_PROP(ScenarioLoaderProperty, MutatedScenarioNeverCrashes, ()) {
  static const TestCatalog catalog;
  std::string text = kValidSaga;
  const auto at = *rc::gen::inRange<std::size_t>(0, text.size());
  text[at] = *rc::gen::elementOf(std::string("{}:\"[]#0-9.e \n\\az"));
  try {
    parse_scenario(text, "mutated.textproto", catalog);
  } catch (const ScenarioError&) {
  }
}

}  // namespace
}  // namespace txsim::scenario::testing
