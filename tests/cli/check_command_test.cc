// `txsim check` run as a user would: exit codes, the JSON verdict, determinism, and the written
// counterexample replayed with the printed command.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

struct Result {
  int exit_code = -1;
  std::string out;  // stdout; stderr (progress) is dropped unless asked for
};

Result shell(const std::string& command) {
  Result r;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return r;
  char buffer[4096];
  while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) r.out.append(buffer, n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

Result txsim(const std::string& args, bool with_stderr = false) {
  return shell(std::string("'") + TXSIM_BINARY + "' " + args +
               (with_stderr ? " 2>&1" : " 2>/dev/null"));
}

std::string scenario(const std::string& name) {
  return std::string(TXSIM_SOURCE_DIR) + "/scenarios/upload/" + name + ".textproto";
}

fs::path out_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() /
                       ("txsim-check-test-" + std::to_string(getpid()) + "-" + name);
  fs::create_directories(dir);
  return dir;
}

google::protobuf::Struct parse_json(const std::string& text) {
  google::protobuf::Struct parsed;
  const auto status = google::protobuf::util::JsonStringToMessage(text, &parsed);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << text;
  return parsed;
}

const google::protobuf::Value& field(const google::protobuf::Struct& s, const std::string& name) {
  static const google::protobuf::Value kMissing;
  const auto it = s.fields().find(name);
  EXPECT_NE(it, s.fields().end()) << "no field " << name;
  return it == s.fields().end() ? kMissing : it->second;
}

TEST(CheckCommand, HelpListsItsOptions) {
  const Result r = txsim("check --help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* option : {"--runs", "--max-faults", "--seed", "--format", "--out", "--set"}) {
    EXPECT_THAT(r.out, HasSubstr(option));
  }
}

TEST(CheckCommand, BadArgumentsExit2WithAMessage) {
  const std::string file = scenario("saga");
  const Result runs = txsim("check " + file + " --runs 0", true);
  EXPECT_EQ(runs.exit_code, 2);
  EXPECT_THAT(runs.out, HasSubstr("--runs is 0; expected at least 1"));
  const Result faults = txsim("check " + file + " --max-faults 0", true);
  EXPECT_EQ(faults.exit_code, 2);
  EXPECT_THAT(faults.out, HasSubstr("--max-faults is 0"));
  const Result format = txsim("check " + file + " --format xml", true);
  EXPECT_EQ(format.exit_code, 2);
  EXPECT_THAT(format.out, HasSubstr("expected text or json"));
  EXPECT_EQ(txsim("check").exit_code, 2);
  EXPECT_EQ(txsim("check /nonexistent/x.textproto").exit_code, 2);
  EXPECT_EQ(txsim("check " + file + " --set stop.nonsense=1").exit_code, 2);
  EXPECT_EQ(txsim("check " + file + " --runs many").exit_code, 2);
}

TEST(CheckCommand, NoFailureExits0) {
  const Result r = txsim("check " + scenario("saga") +
                         " --runs 3 --set stop.arrivals_s=1 --set stop.drain_s=20 --format json "
                         "--out " + out_dir("pass").string());
  EXPECT_EQ(r.exit_code, 0);
  const auto json = parse_json(r.out);
  EXPECT_FALSE(field(json, "failed").bool_value());
  EXPECT_EQ(field(json, "runs").number_value(), 3);
}

// The documented flow: check finds and shrinks, the printed replay command fails the same check
// with the same trace hash, and the same check command prints the same verdict again.
TEST(CheckCommand, CounterexampleReplaysWithThePrintedCommand) {
  const fs::path dir = out_dir("no-checkpoint");
  const std::string command = "check " + scenario("saga-no-checkpoint") +
                              " --runs 300 --set stop.arrivals_s=5 --format json --out " +
                              dir.string();
  const Result r = txsim(command);
  ASSERT_EQ(r.exit_code, 1) << r.out;
  const auto json = parse_json(r.out);
  EXPECT_TRUE(field(json, "failed").bool_value());
  const std::string check = field(json, "check").string_value();
  EXPECT_TRUE(check == "no_lost_work" || check == "saga_atomicity") << check;
  const auto faults = field(json, "faults").list_value().values_size();
  EXPECT_GE(faults, 1);
  EXPECT_LE(faults, 2);
  const std::string file = field(json, "scenario_file").string_value();
  EXPECT_TRUE(fs::exists(file)) << file;
  const std::string replay = field(json, "replay").string_value();
  ASSERT_EQ(replay.rfind("txsim run ", 0), 0u) << replay;
  EXPECT_THAT(replay, HasSubstr("--seed " + std::to_string(static_cast<std::uint64_t>(
                                                field(json, "seed").number_value()))));

  const Result replayed = txsim(replay.substr(6) + " --format json");
  EXPECT_EQ(replayed.exit_code, 1);
  const auto report = parse_json(replayed.out);
  EXPECT_EQ(field(report, "trace_hash").string_value(), field(json, "trace_hash").string_value());
  bool failed_there = false;
  for (const auto& c : field(report, "checks").list_value().values()) {
    const auto& fields = c.struct_value().fields();
    if (fields.at("name").string_value() == check) {
      failed_there = !fields.contains("passed") || !fields.at("passed").bool_value();
    }
  }
  EXPECT_TRUE(failed_there) << replayed.out;

  EXPECT_EQ(txsim(command).out, r.out);
}

TEST(CheckCommand, TextOutputNamesCheckWitnessAndReplay) {
  const Result r = txsim("check " + scenario("saga-no-checkpoint") +
                             " --runs 300 --set stop.arrivals_s=5 --out " +
                             out_dir("text").string(),
                         true);
  EXPECT_EQ(r.exit_code, 1);
  for (const char* part : {"FAILED in run", "witness:", "shrunk in", "replay: txsim run",
                           "run 1/300", "shrink 1"}) {
    EXPECT_THAT(r.out, HasSubstr(part));
  }
}

}  // namespace
