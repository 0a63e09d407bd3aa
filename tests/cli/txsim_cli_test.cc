// End-to-end tests of the txsim binary: determinism of its output, the JSON report's shape,
// exit codes for bad input, and the trace file.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "reports/trace_file.h"

namespace txsim {
namespace {

namespace fs = std::filesystem;

struct Result {
  int exit_code;
  std::string out;  // stdout only; stderr goes to the test log
};

Result run_txsim(const std::string& arguments) {
  const std::string command = std::string("'") + TXSIM_BINARY + "' " + arguments;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, ""};
  std::string out;
  char buffer[4096];
  std::size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string write_file(const fs::path& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

// A small M/M/1 scenario so that each run takes milliseconds.
constexpr const char* kSmallScenario = R"(
name: "small-mm1"
seed: 7
workload {
  open_queue { name: "q" arrival_rate_per_ms: 0.5 service_rate_per_ms: 1.0 customers: 2000
               theory_tolerance: 1.0 }
}
)";

google::protobuf::Struct parse_json(const std::string& text) {
  google::protobuf::Struct parsed;
  const auto status = google::protobuf::util::JsonStringToMessage(text, &parsed);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << text;
  return parsed;
}

// Protobuf's JSON mapping writes 64-bit integers as decimal strings and 32-bit ones as
// numbers; accept both, as any JSON consumer of a proto3 report must.
double number_field(const google::protobuf::Struct& s, const std::string& name) {
  const auto it = s.fields().find(name);
  EXPECT_NE(it, s.fields().end()) << "missing field " << name;
  if (it == s.fields().end()) return -1;
  if (it->second.has_string_value()) return std::stod(it->second.string_value());
  EXPECT_TRUE(it->second.has_number_value()) << name << " is neither a number nor a string";
  return it->second.number_value();
}

std::string string_field(const google::protobuf::Struct& s, const std::string& name) {
  const auto it = s.fields().find(name);
  EXPECT_NE(it, s.fields().end()) << "missing field " << name;
  if (it == s.fields().end()) return "";
  EXPECT_TRUE(it->second.has_string_value()) << name;
  return it->second.string_value();
}

std::string trace_hash_of(const Result& r) { return string_field(parse_json(r.out), "trace_hash"); }

const std::string kW2a = std::string(TXSIM_SOURCE_DIR) + "/scenarios/bench/w2a_mm1.textproto";

// Each test gets its own scratch directory (ctest runs tests in parallel), removed afterwards.
class TxsimCli : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           (std::string("txsim_cli_test.") + info->name() + "." + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path scratch_dir() const { return dir_; }

 private:
  fs::path dir_;
};

TEST_F(TxsimCli, SameScenarioAndSeedTwiceGiveTheSameTraceHash) {
  const Result first = run_txsim("run '" + kW2a + "' --format json");
  const Result second = run_txsim("run '" + kW2a + "' --format json");
  ASSERT_EQ(first.exit_code, 0) << first.out;
  ASSERT_EQ(second.exit_code, 0);
  const std::string hash = trace_hash_of(first);
  EXPECT_EQ(hash.size(), 16u);
  EXPECT_EQ(hash.find_first_not_of("0123456789abcdef"), std::string::npos) << hash;
  EXPECT_EQ(hash, trace_hash_of(second));
}

TEST_F(TxsimCli, SeedOptionChangesTheTraceHash) {
  const auto file = write_file(scratch_dir() / "small.textproto", kSmallScenario);
  const Result base = run_txsim("run '" + file + "' --format json");
  const Result same = run_txsim("run '" + file + "' --format json --seed 7");
  const Result other = run_txsim("run '" + file + "' --format json --seed 8");
  ASSERT_EQ(base.exit_code, 0) << base.out;
  EXPECT_EQ(trace_hash_of(base), trace_hash_of(same)) << "--seed 7 is the scenario's own seed";
  EXPECT_NE(trace_hash_of(base), trace_hash_of(other));
  EXPECT_EQ(number_field(parse_json(other.out), "seed"), 8);
}

TEST_F(TxsimCli, JsonReportHasTheDocumentedFields) {
  const auto file = write_file(scratch_dir() / "small.textproto", kSmallScenario);
  const Result r = run_txsim("run '" + file + "' --format json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto report = parse_json(r.out);
  trace_hash_of(r);
  EXPECT_EQ(number_field(report, "seed"), 7);
  EXPECT_EQ(number_field(report, "events_processed"), 4000) << "arrival + departure each";
  EXPECT_GT(number_field(report, "sim_time_ns"), 0);
  EXPECT_GE(number_field(report, "wall_time_s"), 0);
  const auto queues = report.fields().find("queues");
  ASSERT_NE(queues, report.fields().end());
  ASSERT_TRUE(queues->second.has_list_value());
  ASSERT_EQ(queues->second.list_value().values_size(), 1);
  const auto& q = queues->second.list_value().values(0).struct_value();
  EXPECT_EQ(string_field(q, "name"), "q");
  EXPECT_EQ(number_field(q, "completed"), 2000);
  EXPECT_GT(number_field(q, "mean_response_ms"), 0);
  const double utilization = number_field(q, "utilization");
  EXPECT_GT(utilization, 0);
  EXPECT_LT(utilization, 1);
}

TEST_F(TxsimCli, TextFormatIsTheDefaultAndNotJson) {
  const auto file = write_file(scratch_dir() / "small.textproto", kSmallScenario);
  const Result text = run_txsim("run '" + file + "'");
  const Result json = run_txsim("run '" + file + "' --format json");
  ASSERT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find(trace_hash_of(json)), std::string::npos)
      << "the text summary prints the trace hash:\n"
      << text.out;
}

TEST_F(TxsimCli, ExitCodeTwoForBadInput) {
  const fs::path dir = scratch_dir();
  const auto empty = write_file(dir / "empty.textproto", "");
  const auto garbage =
      write_file(dir / "garbage.textproto", std::string("\x00\xff\x13\x37\x80\x01", 6));
  const auto unknown =
      write_file(dir / "unknown.textproto", std::string(kSmallScenario) + "\nno_such_field: 3\n");
  const auto good = write_file(dir / "good.textproto", kSmallScenario);
  EXPECT_EQ(run_txsim("run '" + (dir / "missing.textproto").string() + "'").exit_code, 2);
  EXPECT_EQ(run_txsim("run '" + empty + "'").exit_code, 2);
  EXPECT_EQ(run_txsim("run '" + garbage + "'").exit_code, 2);
  EXPECT_EQ(run_txsim("run '" + unknown + "'").exit_code, 2);
  EXPECT_EQ(run_txsim("run '" + good + "' --format xml").exit_code, 2);
  EXPECT_EQ(run_txsim("run '" + good + "' --seed banana").exit_code, 2);
  EXPECT_EQ(run_txsim("run").exit_code, 2) << "no file";
  EXPECT_EQ(run_txsim("frobnicate").exit_code, 2) << "unknown command";
  EXPECT_EQ(run_txsim("run '" + good + "'").exit_code, 0) << "the control case passes";
}

TEST_F(TxsimCli, HelpExitsZero) {
  const Result top = run_txsim("--help");
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_NE(top.out.find("run FILE"), std::string::npos);
  const Result run = run_txsim("run --help");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("--seed"), std::string::npos);
}

TEST_F(TxsimCli, TraceFileHoldsEveryExecutedEvent) {
  const fs::path dir = scratch_dir();
  const auto file = write_file(dir / "small.textproto", kSmallScenario);
  const std::string trace_path = (dir / "run.trace").string();
  const Result r = run_txsim("run '" + file + "' --format json --trace '" + trace_path + "'");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto report = parse_json(r.out);
  const auto records = reports::read_trace_file(trace_path);
  ASSERT_FALSE(records.empty());
  ASSERT_TRUE(records.front().has_header());
  EXPECT_EQ(records.front().header().seed(), 7u);
  EXPECT_EQ(records.front().header().scenario(), "small-mm1");
  std::uint64_t events = 0;
  std::int64_t last_time = 0;
  std::uint64_t last_sequence = 0;
  for (const auto& record : records) {
    if (!record.has_event()) continue;
    const auto& e = record.event();
    // Execution order is (time, sequence) order.
    if (events > 0) {
      EXPECT_TRUE(e.time_ns() > last_time ||
                  (e.time_ns() == last_time && e.sequence() > last_sequence));
    }
    last_time = e.time_ns();
    last_sequence = e.sequence();
    ++events;
  }
  EXPECT_EQ(static_cast<double>(events), number_field(report, "events_processed"));
  EXPECT_EQ(static_cast<double>(last_time), number_field(report, "sim_time_ns"));
}

}  // namespace
}  // namespace txsim

namespace txsim {
namespace {

// `txsim replay` re-runs the file, seed and overrides a report names and compares trace hashes;
// a report whose hash does not match what the run gives is reported as a difference (exit 1).
TEST_F(TxsimCli, ReplayReproducesTheReportedRunAndFlagsADifferentHash) {
  const std::string scenario = write_file(scratch_dir() / "small.textproto", kSmallScenario);
  const std::string out = (scratch_dir() / "out").string();
  // The run's own verdict does not matter here (a short M/M/1 run may miss the utilisation
  // check); only that it ran (exit 0 or 1) and wrote its report.
  ASSERT_LE(run_txsim("run '" + scenario + "' --seed 11 --set 'workload.open_queue[q].customers=1500' --out '" +
                      out + "'").exit_code,
            1);
  const std::string report = out + "/report.json";
  const Result replay = run_txsim("replay '" + report + "' --format json");
  EXPECT_EQ(replay.exit_code, 0);
  const auto original = parse_json([&] {
    std::ifstream in(report);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }());
  EXPECT_EQ(string_field(parse_json(replay.out), "trace_hash"), string_field(original, "trace_hash"));
  EXPECT_EQ(number_field(parse_json(replay.out), "seed"), 11);

  // Tamper with the recorded hash: the replay must say the runs differ.
  std::ifstream in(report);
  std::stringstream text;
  text << in.rdbuf();
  std::string json = text.str();
  const std::string hash = string_field(original, "trace_hash");
  json.replace(json.find(hash), hash.size(), "0000000000000000");
  const std::string tampered = write_file(scratch_dir() / "tampered.json", json);
  EXPECT_EQ(run_txsim("replay '" + tampered + "'").exit_code, 1);
  EXPECT_EQ(run_txsim("replay '" + (scratch_dir() / "missing.json").string() + "'").exit_code, 2);
}

// The replay command a report prints is pasted into a shell: a scenario path with a space or a
// quote, and an override with a quote, must come back as the same words, giving the same run.
TEST_F(TxsimCli, ReplayCommandOfAPathWithSpacesAndQuotesRunsTheSameRun) {
  const fs::path dir = scratch_dir() / "my scenarios";
  fs::create_directories(dir);
  const std::string scenario =
      write_file(dir / "it's small.textproto", std::string(kSmallScenario) + "\n");
  const Result first = run_txsim("run \"" + scenario +
                                 "\" --format json --set 'workload.open_queue[q].customers=1500' "
                                 "--set \"description=it's short\"");
  ASSERT_LE(first.exit_code, 1) << first.out;
  const std::string replay = string_field(parse_json(first.out), "replay_command");
  ASSERT_EQ(replay.rfind("txsim run ", 0), 0u) << replay;
  const Result again = run_txsim(replay.substr(std::string("txsim ").size()) + " --format json");
  ASSERT_LE(again.exit_code, 1) << replay;
  EXPECT_EQ(string_field(parse_json(again.out), "trace_hash"),
            string_field(parse_json(first.out), "trace_hash"))
      << replay;
  EXPECT_EQ(string_field(parse_json(again.out), "replay_command"), replay);
}

}  // namespace
}  // namespace txsim
