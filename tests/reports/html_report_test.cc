#include "reports/html_report.h"

#include <gtest/gtest.h>

#include "tests/reports/test_reports.h"

namespace txsim::reports {
namespace {

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

std::string between(const std::string& text, const std::string& open, const std::string& close) {
  const auto start = text.find(open);
  if (start == std::string::npos) return {};
  const auto end = text.find(close, start + open.size());
  return text.substr(start + open.size(), end - start - open.size());
}

// The page's own markup: the HTML with every script body removed.
std::string markup(const std::string& html) {
  std::string out;
  std::size_t at = 0;
  while (true) {
    const auto open = html.find("<script", at);
    if (open == std::string::npos) break;
    const auto body = html.find('>', open) + 1;
    out += html.substr(at, body - at);
    at = html.find("</script>", body);
  }
  return out + html.substr(at);
}

TEST(HtmlReport, IsSelfContained) {
  const auto html = to_html(testing::sample_report());
  // No external scripts, stylesheets or images: every <script> is inline.
  const auto page = markup(html);
  EXPECT_EQ(count(page, "src="), 0u);
  EXPECT_EQ(count(page, "<link"), 0u);
  EXPECT_EQ(count(page, "<img"), 0u);
  EXPECT_EQ(count(page, "http"), 0u);
  // The chart data block, the three libraries and the chart script.
  EXPECT_EQ(count(html, "<script"), 5u);
  EXPECT_GT(html.size(), 700'000u);  // the minified Vega libraries are ~0.8 MB
}

TEST(HtmlReport, EscapesNamesInTheMarkup) {
  const auto html = to_html(testing::sample_report());
  EXPECT_EQ(count(html, "demo <b>"), 0u);
  EXPECT_GE(count(html, "demo &lt;b&gt;&amp;&lt;/b&gt;"), 2u);  // title and heading
}

TEST(HtmlReport, ChartDataIsValidJsonWithOneRowPerPointBinAndFault) {
  const auto html = to_html(testing::sample_report());
  const auto json =
      between(html, "<script type=\"application/json\" id=\"txsim-chart-data\">", "</script>");
  google::protobuf::Struct data;
  ASSERT_TRUE(testing::parse_json(json, data)) << json;
  EXPECT_EQ(data.fields().at("series").list_value().values_size(), 2 * 3);
  EXPECT_EQ(data.fields().at("histograms").list_value().values_size(), 3);
  EXPECT_EQ(data.fields().at("faults").list_value().values_size(), 1);
}

TEST(HtmlReport, FreshnessSectionAndChartData) {
  const auto html = to_html(testing::freshness_sample_report());
  EXPECT_NE(html.find("<h2 id=\"freshness\">Read freshness</h2>"), std::string::npos);
  EXPECT_NE(html.find("<tr><th>stale-read fraction</th><td>0.1250</td></tr>"), std::string::npos);
  EXPECT_NE(html.find("<b>no</b>: not converged by end of run"), std::string::npos);
  EXPECT_NE(html.find("<td>view-eu</td>"), std::string::npos);
  const auto json =
      between(html, "<script type=\"application/json\" id=\"txsim-chart-data\">", "</script>");
  google::protobuf::Struct data;
  ASSERT_TRUE(testing::parse_json(json, data)) << json;
  EXPECT_EQ(data.fields().at("tvis").list_value().values_size(), 4);
  EXPECT_EQ(data.fields().at("series").list_value().values_size(), 2 * 3 + 4 * 4);
  // No freshness section, and an empty curve, without it.
  const auto plain = to_html(testing::sample_report());
  EXPECT_EQ(plain.find("Read freshness"), std::string::npos);
  EXPECT_NE(plain.find("\"tvis\":[]"), std::string::npos);
}

TEST(HtmlReport, InlinesSagaDiagramsWithoutTheXmlProlog) {
  const std::string svg =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE svg>\n<svg id=\"d\"><g/></svg>\n";
  const auto html = to_html(testing::sample_report(), {{"upload", svg}});
  EXPECT_NE(html.find("<figure class=\"saga\" id=\"saga-upload\"><svg id=\"d\">"),
            std::string::npos);
  EXPECT_EQ(count(html, "<?xml"), 0u);
  EXPECT_EQ(count(html, "<!DOCTYPE svg"), 0u);
}

TEST(HtmlEscape, EscapesTheFiveSpecialCharacters) {
  EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

}  // namespace
}  // namespace txsim::reports
