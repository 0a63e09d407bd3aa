// `txsim diagram` and `txsim run --trace-json` end to end: exit codes, messages and files.
#include <gtest/gtest.h>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

// Two sagas; an open queue keeps the scenario runnable by every version of the validator.
constexpr const char* kScenario = R"pb(
name: "two-sagas"
topology {
  node { name: "n1" }
  node { name: "orchestrator" }
}
service { name: "ingest-video" type: "upload.ingest" node: "n1" }
service { name: "publish" type: "upload.publish" node: "n1" }
saga {
  name: "first"
  step { name: "store" service: "ingest-video" compensation: "delete" }
  step { name: "publish" service: "publish" kind: PIVOT after: "store" }
}
saga {
  name: "second"
  step { name: "store" service: "ingest-video" compensation: "delete" }
}
workload {
  open_queue { name: "q" arrival_rate_per_ms: 0.5 service_rate_per_ms: 1 customers: 300 }
}
)pb";

struct Result {
  int exit_code;
  std::string out;
  std::string err;
};

class TxsimCli : public ::testing::Test {
 protected:
  void SetUp() override {
    // The pid keeps concurrent runs of this binary (several worktrees) apart.
    dir_ = fs::temp_directory_path() /
           ("txsim-diagram-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "s.textproto") << kScenario;
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  Result txsim(const std::string& args) const {
    const std::string command = std::string(TXSIM_BINARY) + " " + args + " > " +
                                (dir_ / "out").string() + " 2> " + (dir_ / "err").string();
    const int status = std::system(command.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read(dir_ / "out"), read(dir_ / "err")};
  }

  std::string scenario() const { return (dir_ / "s.textproto").string(); }
  fs::path dir_;
};

TEST_F(TxsimCli, UnknownSagaExitsTwoListingTheKnownSagas) {
  const auto r = txsim("diagram " + scenario() + " --saga nope");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no saga named 'nope'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("known sagas: first, second"), std::string::npos) << r.err;
}

TEST_F(TxsimCli, SeveralSagasWithoutSagaOptionExitsTwo) {
  const auto r = txsim("diagram " + scenario());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("choose one with --saga: first, second"), std::string::npos) << r.err;
}

TEST_F(TxsimCli, MissingFileAndBadFormatExitTwo) {
  EXPECT_EQ(txsim("diagram " + (dir_ / "missing.textproto").string()).exit_code, 2);
  EXPECT_EQ(txsim("diagram " + scenario() + " --saga first --format gif").exit_code, 2);
}

TEST_F(TxsimCli, DotGoesToStdoutSvgToAFile) {
  const auto dot = txsim("diagram " + scenario() + " --saga first --format dot");
  EXPECT_EQ(dot.exit_code, 0) << dot.err;
  EXPECT_EQ(dot.out.rfind("digraph G {", 0), 0u);
  EXPECT_NE(dot.out.find("0->1 [style=solid]"), std::string::npos);
  EXPECT_NE(dot.out.find("1->0 [style=dashed"), std::string::npos);

  const auto svg_path = dir_ / "first.svg";
  const auto svg = txsim("diagram " + scenario() + " --saga first -o " + svg_path.string());
  EXPECT_EQ(svg.exit_code, 0) << svg.err;
  EXPECT_NE(read(svg_path).find("<svg"), std::string::npos);
}

// Without --format, the output file's extension chooses it: a file named .dot holds Graphviz
// text, not SVG; an explicit --format wins.
TEST_F(TxsimCli, OutputExtensionChoosesTheFormatUnlessFormatIsGiven) {
  const auto dot_path = dir_ / "first.dot";
  const auto dot = txsim("diagram " + scenario() + " --saga first -o " + dot_path.string());
  EXPECT_EQ(dot.exit_code, 0) << dot.err;
  EXPECT_EQ(read(dot_path).rfind("digraph G {", 0), 0u) << read(dot_path).substr(0, 80);

  const auto png_path = dir_ / "first.png";
  const auto png = txsim("diagram " + scenario() + " --saga first -o " + png_path.string());
  EXPECT_EQ(png.exit_code, 0) << png.err;
  EXPECT_EQ(read(png_path).rfind("\x89PNG", 0), 0u);

  const auto upper_path = dir_ / "FIRST.DOT";  // the extension in any case
  const auto upper = txsim("diagram " + scenario() + " --saga first -o " + upper_path.string());
  EXPECT_EQ(upper.exit_code, 0) << upper.err;
  EXPECT_EQ(read(upper_path).rfind("digraph G {", 0), 0u) << read(upper_path).substr(0, 80);

  const auto svg_path = dir_ / "first-as-svg.dot";
  const auto svg =
      txsim("diagram " + scenario() + " --saga first --format svg -o " + svg_path.string());
  EXPECT_EQ(svg.exit_code, 0) << svg.err;
  EXPECT_NE(read(svg_path).find("<svg"), std::string::npos);
}

// An open queue alone: every customer is one span.
constexpr const char* kQueueScenario = R"pb(
name: "queue"
workload {
  open_queue { name: "q" arrival_rate_per_ms: 0.5 service_rate_per_ms: 1 customers: 300 }
}
)pb";

TEST_F(TxsimCli, RunWritesParsableTraceJsonAndTheReportFiles) {
  const auto trace = dir_ / "trace.json";
  const auto out = dir_ / "report";
  std::ofstream(dir_ / "queue.textproto") << kQueueScenario;
  const auto r = txsim("run " + (dir_ / "queue.textproto").string() + " --trace-json " +
                       trace.string() + " --out " + out.string());
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
  google::protobuf::Struct file;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(read(trace), &file).ok());
  const auto& events = file.fields().at("traceEvents").list_value().values();
  // Every customer of the queue is one span: 300 spans plus process and thread names.
  int spans = 0;
  for (const auto& e : events) {
    const auto& f = e.struct_value().fields();
    for (const char* key : {"ph", "name", "pid", "tid", "ts"}) ASSERT_TRUE(f.contains(key)) << key;
    if (f.at("ph").string_value() == "X") {
      ASSERT_TRUE(f.contains("dur"));
      ++spans;
    }
  }
  EXPECT_EQ(spans, 300);
  for (const char* name : {"report.json", "report.md", "report.html", "timeseries.csv"}) {
    EXPECT_TRUE(fs::exists(out / name)) << name;
  }
}

// Ten sagas a second for one second: instance 1 is the first accepted saga.
constexpr const char* kSagaRun = R"pb(
name: "saga-run"
seed: 3
stop { arrivals_s: 1  drain_s: 30 }
topology { node { name: "orchestrator" } node { name: "n1" } }
service { name: "ingest-video" type: "upload.ingest" node: "n1" }
service { name: "publish" type: "upload.publish" node: "n1" }
saga {
  name: "first"
  step { name: "store" service: "ingest-video" compensation: "delete" }
  step { name: "publish" service: "publish" kind: PIVOT after: "store" }
}
workload { uploads { rate_per_s: 10  kind_mix { video: 1 }  video_saga: "first" } }
)pb";

TEST_F(TxsimCli, InstanceDiagramDrawsOneSagaPathFromAScenarioOrItsReport) {
  std::ofstream(dir_ / "run.textproto") << kSagaRun;
  const std::string file = (dir_ / "run.textproto").string();
  const auto dot = txsim("diagram " + file + " --instance 1 --format dot");
  ASSERT_EQ(dot.exit_code, 0) << dot.err;
  EXPECT_NE(dot.out.find("saga first, instance 1: "), std::string::npos) << dot.out;
  EXPECT_NE(dot.out.find("1 attempt"), std::string::npos) << dot.out;

  const auto report_dir = dir_ / "report";
  ASSERT_EQ(txsim("run " + file + " --out " + report_dir.string()).exit_code, 0);
  const auto from_report =
      txsim("diagram " + (report_dir / "report.json").string() + " --instance 1 --format dot");
  ASSERT_EQ(from_report.exit_code, 0) << from_report.err;
  EXPECT_EQ(from_report.out, dot.out);  // same scenario and seed: the same path

  const auto missing = txsim("diagram " + file + " --instance 100000");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no accepted saga with id 100000"), std::string::npos) << missing.err;
  EXPECT_EQ(txsim("diagram " + file + " --seed 4").exit_code, 2);  // --seed needs --instance
}

TEST_F(TxsimCli, ReplayPrintsTheStepsOfOneSaga) {
  std::ofstream(dir_ / "run.textproto") << kSagaRun;
  const auto report_dir = dir_ / "report";
  ASSERT_EQ(txsim("run " + (dir_ / "run.textproto").string() + " --out " + report_dir.string())
                .exit_code,
            0);
  const auto r = txsim("replay " + (report_dir / "report.json").string() + " --saga 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("saga 2 (first): "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("step store (ingest-video, compensatable): "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("action attempt 1: sent "), std::string::npos) << r.out;
  EXPECT_EQ(txsim("replay " + (report_dir / "report.json").string() + " --saga 999999").exit_code,
            2);
}

// Under two-phase commit, --saga ID shows transaction ID's path: one line per participant with
// its prepare, vote, decision and acknowledgement times. Both parts run on n1 and the
// coordinator on "orchestrator", so each part's line has every step.
TEST_F(TxsimCli, ReplayPrintsThePathOfOneTwoPhaseCommitTransaction) {
  std::ofstream(dir_ / "run.textproto")
      << kSagaRun << "protocol { two_phase_commit { coordinator_node: \"orchestrator\" } }\n";
  const auto report_dir = dir_ / "report";
  ASSERT_EQ(txsim("run " + (dir_ / "run.textproto").string() + " --out " + report_dir.string())
                .exit_code,
            0);
  const auto r = txsim("replay " + (report_dir / "report.json").string() + " --saga 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("2PC transaction 2 (first): begun "), std::string::npos) << r.out;
  for (const char* part : {"part 0 ingest-video: prepare sent ", "part 1 publish: prepare sent "}) {
    const auto line = r.out.find(part);
    ASSERT_NE(line, std::string::npos) << r.out;
    const std::string text = r.out.substr(line, r.out.find('\n', line) - line);
    for (const char* step : {"prepare received ", "voted ", "decision sent ", "applied "}) {
      EXPECT_NE(text.find(step), std::string::npos) << step << " in " << text;
    }
  }
  const auto missing = txsim("replay " + (report_dir / "report.json").string() + " --saga 999999");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no accepted transaction with id 999999"), std::string::npos) << missing.err;
}

}  // namespace
