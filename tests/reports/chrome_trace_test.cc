#include "reports/chrome_trace.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "tests/reports/test_reports.h"

namespace txsim::reports {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

sim::Time at_ns(std::int64_t ns) { return sim::Time::zero() + sim::Duration::from_ns(ns); }

const Value& field(const Value& event, const std::string& key) {
  return event.struct_value().fields().at(key);
}

TEST(ChromeTrace, ParsesAsJsonWithTheRequiredKeys) {
  ChromeTraceWriter trace;
  const auto server = trace.track("queue q", "server 0");
  const auto faults = trace.track("faults", "node a");
  trace.add_span(server, "customer", "queue", at_ns(1'500), at_ns(3'001'750), {{"wait_ms", "0"}});
  trace.add_instant(faults, "crash \"a\"", "fault", at_ns(2'000'000));
  Struct file;
  ASSERT_TRUE(testing::parse_json(trace.to_json(), file));
  const auto& events = file.fields().at("traceEvents").list_value().values();
  // 2 process names, 2 thread names, 1 span, 1 instant.
  ASSERT_EQ(events.size(), 6);
  for (const auto& e : events) {
    for (const char* key : {"ph", "name", "pid", "tid", "ts"}) {
      EXPECT_TRUE(e.struct_value().fields().contains(key)) << key;
    }
  }
  const auto& span = events[4];
  EXPECT_EQ(field(span, "ph").string_value(), "X");
  EXPECT_DOUBLE_EQ(field(span, "ts").number_value(), 1.5);          // microseconds
  EXPECT_DOUBLE_EQ(field(span, "dur").number_value(), 3'000.25);    // 3,000,250 ns
  const auto& instant = events[5];
  EXPECT_EQ(field(instant, "ph").string_value(), "i");
  EXPECT_EQ(field(instant, "name").string_value(), "crash \"a\"");
  EXPECT_EQ(field(instant, "pid").number_value(), 2);
  EXPECT_FALSE(file.fields().at("otherData").struct_value().fields().at("truncated").bool_value());
}

TEST(ChromeTrace, TracksGetStableIdsInOrderOfFirstUse) {
  ChromeTraceWriter trace;
  const auto a0 = trace.track("a", "0");
  const auto b0 = trace.track("b", "0");
  const auto a1 = trace.track("a", "1");
  EXPECT_EQ(a0.pid, 1u);
  EXPECT_EQ(b0.pid, 2u);
  EXPECT_EQ(a1.pid, 1u);
  EXPECT_NE(a1.tid, a0.tid);
  EXPECT_EQ(trace.track("a", "0").tid, a0.tid);
}

TEST(ChromeTrace, KeepsTheFirstEventsUpToTheBoundAndCountsTheRest) {
  ChromeTraceWriter trace(5);
  const auto t = trace.track("p", "t");
  for (int i = 0; i < 8; ++i) trace.add_instant(t, "e" + std::to_string(i), "c", at_ns(i));
  EXPECT_EQ(trace.events(), 5u);
  EXPECT_EQ(trace.dropped(), 3u);
  Struct file;
  ASSERT_TRUE(testing::parse_json(trace.to_json(), file));
  const auto& other = file.fields().at("otherData").struct_value().fields();
  EXPECT_TRUE(other.at("truncated").bool_value());
  EXPECT_EQ(other.at("dropped_events").number_value(), 3);
  const auto& events = file.fields().at("traceEvents").list_value().values();
  EXPECT_EQ(field(events[events.size() - 1], "name").string_value(), "e4");
}

TEST(ChromeTrace, RejectsASpanThatEndsBeforeItStarts) {
  ChromeTraceWriter trace;
  EXPECT_THROW(trace.add_span(trace.track("p", "t"), "x", "c", at_ns(10), at_ns(9)),
               std::logic_error);
}

}  // namespace
}  // namespace txsim::reports
