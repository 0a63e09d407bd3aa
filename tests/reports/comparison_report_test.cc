// The `txsim compare` writers: the text table, Markdown and HTML show one column per protocol
// with "mean ± half-width" when there were several seeds, the JSON round-trips, and the HTML
// page renders its bar charts in headless Chromium (skipped when chromium is not installed).
#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "reports/comparison_report.h"

namespace txsim::reports {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

report::Estimate estimate(double mean, double half, unsigned n) {
  report::Estimate e;
  e.set_mean(mean);
  e.set_ci95_low(mean - half);
  e.set_ci95_high(mean + half);
  e.set_n(n);
  return e;
}

report::ComparisonReport sample(unsigned seeds) {
  report::ComparisonReport r;
  r.set_scenario("w3 <test>");
  r.set_scenario_file("w3.textproto");
  for (unsigned i = 0; i < seeds; ++i) r.add_seeds(1 + i);
  for (const char* name : {"saga", "2pc"}) {
    auto* p = r.add_protocols();
    p->set_name(name);
    const bool saga = std::string(name) == "saga";
    *p->mutable_throughput_per_s() = estimate(saga ? 199.5 : 180.25, seeds > 1 ? 1.5 : 0, seeds);
    *p->mutable_committed() = estimate(saga ? 4000 : 3600, 0, seeds);
    *p->mutable_blocked_ms_total() = estimate(saga ? 0 : 1234, seeds > 1 ? 20 : 0, seeds);
    *p->mutable_latency_ms()->mutable_p99() = estimate(saga ? 19.25 : 11.5, 0, seeds);
    p->set_passed(true);
  }
  r.set_verdict("2pc blocked & saga did not.");
  return r;
}

TEST(ComparisonReport, TextHasAColumnPerProtocolAndTheInterval) {
  const std::string one = comparison_to_text(sample(1));
  EXPECT_THAT(one, HasSubstr("saga"));
  EXPECT_THAT(one, HasSubstr("2pc"));
  EXPECT_THAT(one, HasSubstr("199.5"));
  EXPECT_THAT(one, ::testing::Not(HasSubstr("±")));  // one seed: no interval to show
  const std::string three = comparison_to_text(sample(3));
  EXPECT_THAT(three, HasSubstr("199.5 ± 1.5"));
  EXPECT_THAT(three, HasSubstr("1234 ± 20"));
  EXPECT_THAT(three, HasSubstr("2pc blocked & saga did not."));
}

// A clamped interval (runner/confidence.h) is not symmetric: the cell shows its bounds instead
// of a half-width that would hide the clamp. The blocked figure says what it sums.
TEST(ComparisonReport, ClampedIntervalsShowTheirBoundsAndBlockedSaysItIsASum) {
  auto r = sample(3);
  auto* aborted = r.mutable_protocols(1)->mutable_aborted();
  aborted->set_mean(14);  // e.g. {0, 0, 0, 20, 50}: t interval [-13.3, 41.3] clamped at 0
  aborted->set_ci95_low(0);
  aborted->set_ci95_high(41.3);
  aborted->set_n(3);
  const std::string text = comparison_to_text(r);
  EXPECT_THAT(text, HasSubstr("14 [0, 41]"));
  EXPECT_THAT(text, HasSubstr("blocked or in doubt, summed (participant-ms)"));
  EXPECT_THAT(text, HasSubstr("blocked or in doubt per txn (ms)"));
  EXPECT_THAT(comparison_to_markdown(r), HasSubstr("| 14 [0, 41] |"));
}

TEST(ComparisonReport, MarkdownTableAndJsonRoundTrip) {
  const auto r = sample(3);
  const std::string md = comparison_to_markdown(r);
  EXPECT_THAT(md, HasSubstr("| figure | saga | 2pc |"));
  EXPECT_THAT(md, HasSubstr("| throughput (/s) | 199.5 ± 1.5 | 180.2 ± 1.5 |"));
  report::ComparisonReport parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(comparison_to_json(r), &parsed).ok());
  EXPECT_EQ(parsed.SerializeAsString(), r.SerializeAsString());
}

TEST(ComparisonReport, HtmlEscapesTextAndCarriesTheChartData) {
  const std::string html = comparison_to_html(sample(2));
  EXPECT_THAT(html, HasSubstr("w3 &lt;test&gt;"));
  EXPECT_THAT(html, HasSubstr("2pc blocked &amp; saga did not."));
  EXPECT_THAT(html, HasSubstr("{\"metric\":\"blocked or in doubt, summed (participant-ms)\",\"protocol\":\"2pc\",\"mean\":1234,"
                              "\"lo\":1214,\"hi\":1254}"));
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ComparisonReport, HtmlRendersInABrowser) {
  std::string chromium;
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    if (std::system((std::string("command -v ") + name + " >/dev/null 2>&1").c_str()) == 0) {
      chromium = name;
      break;
    }
  }
  if (chromium.empty()) GTEST_SKIP() << "chromium is not installed; comparison.html not checked";
  const fs::path dir = fs::temp_directory_path() / ("txsim-compare-html-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "profile");
  std::ofstream(dir / "comparison.html") << comparison_to_html(sample(3));
  const std::string command =
      "timeout 60 " + chromium +
      " --headless --no-sandbox --disable-gpu --disable-dev-shm-usage"
      " --disable-background-networking --disable-component-update --disable-sync"
      " --no-first-run --no-default-browser-check --virtual-time-budget=10000"
      " --enable-logging=stderr --v=0 --user-data-dir=" + (dir / "profile").string() +
      " --dump-dom file://" + (dir / "comparison.html").string() + " > " +
      (dir / "dom.html").string() + " 2> " + (dir / "stderr.txt").string();
  ASSERT_EQ(std::system(command.c_str()), 0) << read_file(dir / "stderr.txt");
  const std::string dom = read_file(dir / "dom.html");
  EXPECT_NE(dom.find("data-txsim-charts=\"rendered\""), std::string::npos)
      << dom.substr(dom.find("txsim-charts-status"), 200);
  EXPECT_NE(dom.find("role-mark"), std::string::npos);
  std::string console;
  std::istringstream log(read_file(dir / "stderr.txt"));
  for (std::string line; std::getline(log, line);) {
    if (line.find(":CONSOLE") != std::string::npos) console += line + "\n";
  }
  EXPECT_EQ(console, "");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace txsim::reports
