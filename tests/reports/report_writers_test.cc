#include "reports/report_writers.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <unistd.h>

#include "tests/reports/test_reports.h"

namespace txsim::reports {
namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> result;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) result.push_back(line);
  return result;
}

TEST(TimeseriesCsv, OneRowPerPointWithQuotedFields) {
  const auto csv = lines(to_timeseries_csv(testing::sample_report()));
  ASSERT_EQ(csv.size(), 1u + 2 * 3);
  EXPECT_EQ(csv[0], "series,unit,chart,t_s,value");
  EXPECT_EQ(csv[1], "\"in_flight series, with comma\",per s,in_flight,0,0");
  EXPECT_EQ(csv[6], "\"outcomes series, with comma\",per s,outcomes,2,20");
}

TEST(TextSummary, FitsOneScreenWithFailedChecksFirst) {
  auto r = testing::sample_report();
  for (int i = 0; i < 40; ++i) {
    auto* c = r.add_checks();
    c->set_name("check_" + std::to_string(i));
    c->set_passed(i % 10 != 9);  // 4 more failures, the last at index 39
    c->set_summary("detail");
  }
  const auto summary = lines(to_text_summary(r));
  EXPECT_LE(static_cast<int>(summary.size()), kSummaryMaxLines);
  // All 5 failures come before any passed check.
  const auto first_ok = std::find_if(summary.begin(), summary.end(),
                                     [](const auto& l) { return l.rfind("  ok", 0) == 0; });
  EXPECT_EQ(std::count_if(summary.begin(), first_ok,
                          [](const auto& l) { return l.rfind("  FAIL", 0) == 0; }),
            5);
  // 42 checks, 10 shown: 32 hidden, all of them passed.
  EXPECT_NE(to_text_summary(r).find("... 32 more checks (0 failed) in report.md"),
            std::string::npos);
  EXPECT_NE(to_text_summary(r).find("replay: txsim run demo.textproto --seed 42"),
            std::string::npos);
}

// A scenario that demonstrates an anomaly passes while its check fails: every format says the
// failure was expected, so a PASS verdict next to a FAIL line is not a contradiction.
TEST(TextSummary, ExpectedFailureIsMarkedInEveryFormat) {
  auto r = testing::sample_report();
  auto* c = r.add_checks();
  c->set_name("session_guarantees");
  c->set_passed(false);
  c->set_expected_failure(true);
  c->set_summary("3 violations");
  EXPECT_NE(to_text_summary(r).find("FAIL session_guarantees (expected to fail): 3 violations"),
            std::string::npos)
      << to_text_summary(r);
  EXPECT_NE(to_markdown(r).find("| session_guarantees | **FAIL** (expected) |"), std::string::npos);
}

TEST(TextSummary, ShowsFreshnessAndStillFitsOneScreen) {
  auto r = testing::freshness_sample_report();
  for (int i = 0; i < 40; ++i) {
    auto* c = r.add_checks();
    c->set_name("check_" + std::to_string(i));
    c->set_passed(true);
  }
  const auto text = to_text_summary(r);
  EXPECT_LE(static_cast<int>(lines(text).size()), kSummaryMaxLines);
  EXPECT_NE(text.find("freshness: time to visibility p50 12.50 ms, p99 80.00 ms, max 250.00 ms, "
                      "3 never visible; NOT converged by end of run"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("reads: 800, stale 12.50 %, 7 timed out; violations: read-your-writes 4, "
                      "monotonic reads 2, dirty reads 1"),
            std::string::npos)
      << text;
  EXPECT_EQ(to_text_summary(testing::sample_report()).find("freshness:"), std::string::npos);
}

TEST(TextSummary, SaysHowManySettledSagasRetentionPruned) {
  report::Report r = testing::sample_report();
  r.mutable_sagas()->set_started(10);
  EXPECT_EQ(to_text_summary(r).find("retention:"), std::string::npos);  // retention off
  EXPECT_EQ(to_markdown(r).find("pruned by retention"), std::string::npos);
  r.mutable_sagas()->set_pruned(7);
  EXPECT_NE(to_text_summary(r).find("retention: 7 settled sagas pruned"), std::string::npos);
  EXPECT_NE(to_markdown(r).find("7 settled sagas were pruned by retention"), std::string::npos);
}

TEST(TextSummary, LatencyOfNoCommittedSagaIsNotPrintedAsZeroMilliseconds) {
  // Every saga stuck or compensated: there is no committed latency to summarise, and "mean
  // 0.00 ms" would read as instant commits.
  report::Report r = testing::sample_report();
  r.mutable_sagas()->set_started(5);
  r.mutable_sagas()->set_stuck(5);
  r.mutable_sagas()->clear_latency_ms();
  const auto text = to_text_summary(r);
  EXPECT_NE(text.find("committed latency: none (no saga committed)"), std::string::npos) << text;
  const auto md = to_markdown(r);
  EXPECT_NE(md.find("| committed | n/a | n/a | n/a | n/a |"), std::string::npos) << md;
}

TEST(Markdown, FreshnessSectionWithReplicasCurveAndWitnesses) {
  const auto md = to_markdown(testing::freshness_sample_report());
  EXPECT_NE(md.find("## Read freshness"), std::string::npos);
  EXPECT_NE(md.find("| 800 | 7 | 0.1250 | 4 | 2 | 1 | 3 | **no** | not converged |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| view-us | 40 | 0 |"), std::string::npos);
  EXPECT_NE(md.find("| 30.000 | 1.0000 | 100 |"), std::string::npos);  // last t-visibility bucket
  // Without a saga section, the failed freshness check's witness is listed here.
  EXPECT_NE(md.find("### session_guarantees: 6 violations"), std::string::npos);
  EXPECT_NE(md.find("- session 17 at 1.250000 s: read-your-writes: wrote version 2"),
            std::string::npos);
  EXPECT_EQ(to_markdown(testing::sample_report()).find("Read freshness"), std::string::npos);
}

TEST(Markdown, LinksTheHtmlReportAndTheDiagrams) {
  const auto md = to_markdown(testing::sample_report(), {{"upload video", "<svg/>"}});
  EXPECT_NE(md.find("[report.html](report.html)"), std::string::npos);
  EXPECT_NE(md.find("[saga-upload_video.svg](saga-upload_video.svg)"), std::string::npos);
  EXPECT_NE(md.find("[timeseries.csv](timeseries.csv)"), std::string::npos);
}

TEST(WriteReportFiles, WritesEveryFileAndOneSvgPerSaga) {
  // The pid keeps concurrent runs of this binary (several worktrees) apart.
  const auto dir = std::filesystem::temp_directory_path() /
                   ("txsim-write-report-files-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const auto written =
      write_report_files(testing::sample_report(), dir.string(), {{"a", "<svg>a</svg>"}});
  EXPECT_EQ(written.size(), 5u);
  for (const char* name :
       {"report.json", "report.md", "report.html", "timeseries.csv", "saga-a.svg"}) {
    EXPECT_TRUE(std::filesystem::exists(dir / name)) << name;
  }
  std::ifstream svg(dir / "saga-a.svg");
  std::string text((std::istreambuf_iterator<char>(svg)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "<svg>a</svg>");
  std::filesystem::remove_all(dir);
}

TEST(DiagramFileName, ReplacesCharactersThatAreNotSafeInFileNames) {
  EXPECT_EQ(diagram_file_name("upload-video_2"), "saga-upload-video_2.svg");
  EXPECT_EQ(diagram_file_name("../x y"), "saga-___x_y.svg");
}

}  // namespace
}  // namespace txsim::reports
