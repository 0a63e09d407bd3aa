// Opens report.html in headless Chromium: the page must load with no console message (Vega
// logs errors and warnings to the console) and every chart must render as SVG.
//
// Skipped, with a message, when no chromium binary is installed (Debian package `chromium`,
// listed in scripts/install-deps).
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

#include "reports/html_report.h"
#include "tests/reports/test_reports.h"

namespace txsim::reports {
namespace {

namespace fs = std::filesystem;

std::string find_chromium() {
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    const std::string command = std::string("command -v ") + name + " >/dev/null 2>&1";
    if (std::system(command.c_str()) == 0) return name;
  }
  return {};
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(ReportHtmlInBrowser, LoadsWithoutConsoleMessagesAndRendersEveryChart) {
  const std::string chromium = find_chromium();
  if (chromium.empty()) {
    GTEST_SKIP() << "chromium is not installed (apt-get install chromium); report.html was not "
                    "checked in a browser";
  }
  // The pid keeps concurrent runs of this binary (several worktrees) apart.
  const fs::path dir =
      fs::temp_directory_path() / ("txsim-html-browser-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "profile");
  const fs::path page = dir / "report.html";
  std::ofstream(page) << to_html(testing::sample_report(), {{"s", "<svg id=\"saga-svg\"></svg>"}});

  // --virtual-time-budget lets the page's promises (vega-embed) settle before the DOM dump.
  const std::string command =
      "timeout 60 " + chromium +
      " --headless --no-sandbox --disable-gpu --disable-dev-shm-usage"
      " --disable-background-networking --disable-component-update --disable-sync"
      " --no-first-run --no-default-browser-check --virtual-time-budget=10000"
      " --enable-logging=stderr --v=0 --user-data-dir=" + (dir / "profile").string() +
      " --dump-dom file://" + page.string() + " > " + (dir / "dom.html").string() + " 2> " +
      (dir / "stderr.txt").string();
  ASSERT_EQ(std::system(command.c_str()), 0) << read_file(dir / "stderr.txt");
  const std::string dom = read_file(dir / "dom.html");
  const std::string log = read_file(dir / "stderr.txt");

  // Console messages appear in Chromium's log as "...:CONSOLE(line)] "message", source: ...".
  std::string console;
  std::istringstream log_lines(log);
  for (std::string line; std::getline(log_lines, line);) {
    if (line.find(":CONSOLE") != std::string::npos) console += line + "\n";
  }
  EXPECT_EQ(console, "") << "console messages while loading report.html";

  EXPECT_NE(dom.find("data-txsim-charts=\"rendered\""), std::string::npos)
      << "charts did not report success; status: "
      << dom.substr(dom.find("txsim-charts-status"), 120);
  // The sample report has a histogram, outcomes, in-flight and faults: four charts, each an
  // SVG drawn by Vega (class "marks"), plus the inline saga diagram.
  EXPECT_NE(dom.find("charts: rendered (4)"), std::string::npos);
  EXPECT_EQ(count(dom, "class=\"marks\""), 4u);
  // Each chart has a drawing area (a width of 0 renders nothing visible).
  EXPECT_EQ(count(dom, "class=\"marks\" width=\"0\""), 0u);
  // Every chart drew data marks: bars (rect paths) or lines.
  EXPECT_GE(count(dom, "role-mark"), 4u);
  EXPECT_NE(dom.find("id=\"saga-svg\""), std::string::npos);
  fs::remove_all(dir);
}

// The freshness charts (replica staleness with the crash span shaded, position lag, stale-read
// fraction) and the t-visibility curve render too, without console messages.
TEST(ReportHtmlInBrowser, RendersTheFreshnessCharts) {
  const std::string chromium = find_chromium();
  if (chromium.empty()) GTEST_SKIP() << "chromium is not installed (apt-get install chromium)";
  const fs::path dir =
      fs::temp_directory_path() / ("txsim-html-fresh-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "profile");
  const fs::path page = dir / "report.html";
  std::ofstream(page) << to_html(testing::freshness_sample_report());
  const std::string command =
      "timeout 60 " + chromium +
      " --headless --no-sandbox --disable-gpu --disable-dev-shm-usage"
      " --disable-background-networking --disable-component-update --disable-sync"
      " --no-first-run --no-default-browser-check --virtual-time-budget=10000"
      " --enable-logging=stderr --v=0 --user-data-dir=" + (dir / "profile").string() +
      " --dump-dom file://" + page.string() + " > " + (dir / "dom.html").string() + " 2> " +
      (dir / "stderr.txt").string();
  ASSERT_EQ(std::system(command.c_str()), 0) << read_file(dir / "stderr.txt");
  const std::string dom = read_file(dir / "dom.html");
  std::string console;
  std::istringstream log_lines(read_file(dir / "stderr.txt"));
  for (std::string line; std::getline(log_lines, line);) {
    if (line.find(":CONSOLE") != std::string::npos) console += line + "\n";
  }
  EXPECT_EQ(console, "") << "console messages while loading report.html";
  // The four charts of sample_report plus freshness_age, freshness_lag, read_staleness and
  // t-visibility.
  EXPECT_NE(dom.find("charts: rendered (8)"), std::string::npos)
      << dom.substr(dom.find("txsim-charts-status"), 200);
  EXPECT_NE(dom.find("id=\"chart-series-freshness_age\""), std::string::npos);
  EXPECT_NE(dom.find("id=\"chart-t-visibility\""), std::string::npos);
  EXPECT_EQ(count(dom, "class=\"marks\""), 8u);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace txsim::reports
