#include "core/net/latency_matrix.h"

#include <gtest/gtest.h>

#include <string>

namespace txsim::net {
namespace {

const std::string kZones = std::string(TXSIM_DATA_DIR) + "/zone-latency-dallas-2024-08-25.csv";
const std::string kRegions = std::string(TXSIM_DATA_DIR) + "/region-latency-2024-08-25.csv";

TEST(LatencyMatrix, LoadsTheShippedZoneMatrix) {
  auto matrix = LatencyMatrix::load(kZones);
  EXPECT_EQ(matrix.names(), (std::vector<std::string>{"Dallas 1", "Dallas 2", "Dallas 3"}));
  EXPECT_DOUBLE_EQ(*matrix.round_trip_ms("Dallas 1", "Dallas 2"), 2.03);
  EXPECT_DOUBLE_EQ(*matrix.one_way_ms("Dallas 1", "Dallas 2"), 2.03 / 2);
  EXPECT_DOUBLE_EQ(*matrix.round_trip_ms("Dallas 1", "Dallas 1"), 0.09);
}

TEST(LatencyMatrix, LoadsTheShippedRegionMatrixWithoutSelfPairs) {
  auto matrix = LatencyMatrix::load(kRegions, {{}, "region"});
  EXPECT_EQ(matrix.names().size(), 10u);
  EXPECT_DOUBLE_EQ(*matrix.round_trip_ms("Dallas", "Frankfurt"), 123);
  EXPECT_FALSE(matrix.round_trip_ms("Dallas", "Dallas").has_value());
  EXPECT_FALSE(matrix.round_trip_ms("Dallas", "Atlantis").has_value());
}

// Runs parse() and returns the error, failing the test if none is thrown.
LatencyMatrixError parse_error(const std::string& text, const LatencyMatrixOptions& options = {}) {
  try {
    LatencyMatrix::parse(text, "m.csv", options);
  } catch (const LatencyMatrixError& error) {
    return error;
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return LatencyMatrixError("", 0, "");
}

const std::string kHeader = "from,to,average_latency_ms\n";
const std::string kGood = kHeader + "A,B,1\nB,A,2\n";

TEST(LatencyMatrixErrors, GoodInputParses) {
  auto matrix = LatencyMatrix::parse(kGood, "m.csv");
  EXPECT_DOUBLE_EQ(*matrix.round_trip_ms("B", "A"), 2);
}

TEST(LatencyMatrixErrors, MissingPairNamesThePairAndTheLine) {
  auto error = parse_error(kHeader + "A,B,1\nB,A,2\nA,C,3\n");
  EXPECT_EQ(error.line(), 4u);  // C first occurs on line 4
  EXPECT_STREQ(error.what(),
               "m.csv:4: found no line for pair 'B' -> 'C' (both names occur by this line); "
               "expected a line for every ordered pair of distinct names");
}

TEST(LatencyMatrixErrors, NegativeValue) {
  auto error = parse_error(kHeader + "A,B,1\nB,A,-2\n");
  EXPECT_EQ(error.line(), 3u);
  EXPECT_STREQ(error.what(),
               "m.csv:3: found negative average_latency_ms -2; expected a latency >= 0 ms");
}

TEST(LatencyMatrixErrors, NonNumericValue) {
  for (std::string value : {"fast", "1.5ms", "", "nan", "inf"}) {
    auto error = parse_error(kHeader + "A,B," + value + "\nB,A,2\n");
    EXPECT_EQ(error.line(), 2u) << value;
    EXPECT_EQ(std::string(error.what()), "m.csv:2: found average_latency_ms '" + value +
                                             "'; expected a finite number of milliseconds");
  }
}

TEST(LatencyMatrixErrors, MalformedLine) {
  auto error = parse_error(kHeader + "A,B,1\n\nB;A;2\n");
  EXPECT_EQ(error.line(), 4u);
  EXPECT_STREQ(error.what(),
               "m.csv:4: found 'B;A;2'; expected 'from,to,average_latency_ms' with two names "
               "and a number");
  EXPECT_EQ(parse_error(kHeader + "A,B,1,9\n").line(), 2u);
  EXPECT_EQ(parse_error(kHeader + ",B,1\n").line(), 2u);
}

TEST(LatencyMatrixErrors, UnknownZone) {
  LatencyMatrixOptions options{{"A", "B"}, "zone"};
  auto error = parse_error(kHeader + "A,B,1\nB,A,2\nA,Dallas 9,3\n", options);
  EXPECT_EQ(error.line(), 4u);
  EXPECT_STREQ(error.what(), "m.csv:4: found unknown zone 'Dallas 9'; expected one of 'A', 'B'");
}

TEST(LatencyMatrixErrors, WrongOrMissingHeader) {
  auto error = parse_error("source,destination,ms\nA,B,1\n");
  EXPECT_EQ(error.line(), 1u);
  EXPECT_STREQ(error.what(),
               "m.csv:1: found header 'source,destination,ms'; expected "
               "'from,to,average_latency_ms'");
  EXPECT_EQ(parse_error("").line(), 1u);
}

TEST(LatencyMatrixErrors, DuplicatePair) {
  auto error = parse_error(kGood + "A,B,5\n");
  EXPECT_EQ(error.line(), 4u);
}

TEST(LatencyMatrixErrors, UnreadableFile) {
  try {
    LatencyMatrix::load("/nonexistent/matrix.csv");
    FAIL();
  } catch (const LatencyMatrixError& error) {
    EXPECT_EQ(error.line(), 0u);
    EXPECT_STREQ(error.what(),
                 "/nonexistent/matrix.csv: cannot open file; expected a readable CSV latency "
                 "matrix");
  }
}

TEST(LatencyMatrixErrors, RequireNamesRejectsAZoneOutsideTheMatrix) {
  auto matrix = LatencyMatrix::parse(kGood, "m.csv");
  EXPECT_NO_THROW(matrix.require_names({"A", "B"}, "zone"));
  try {
    matrix.require_names({"A", "C"}, "zone");
    FAIL();
  } catch (const LatencyMatrixError& error) {
    EXPECT_STREQ(error.what(),
                 "m.csv: found no zone 'C' in the latency matrix; expected one of 'A', 'B'");
  }
}

}  // namespace
}  // namespace txsim::net
