// Semantic validation: each kind of mistake is reported once, at the position of the field that
// holds it (line:col derived from the input text), with the field path and what was expected.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>

#include "core/txn/saga/definition.h"
#include "tests/core/scenario/scenario_test_util.h"

namespace txsim::scenario::testing {
namespace {

using ::testing::HasSubstr;

// Asserts that `text` has exactly one problem, at field `path`, written where `needle` (first
// after `from`) is, and that its message contains `says`.
void expect_error(const std::string& text, const std::string& path, const std::string& needle,
                  const std::string& says, const std::string& from = "") {
  const Diagnostic d = only_diagnostic(text);
  const auto [line, column] = position_of(text, needle, from);
  EXPECT_EQ(d.file, "test.textproto");
  EXPECT_EQ(d.field, path);
  EXPECT_EQ(d.line, line) << d.to_string();
  EXPECT_EQ(d.column, column) << d.to_string();
  EXPECT_THAT(d.message, HasSubstr(says));
}

TEST(ScenarioValidate, ValidSagaScenarioHasNoDiagnostics) {
  EXPECT_TRUE(diagnostics_of(kValidSaga).empty());
}

TEST(ScenarioValidate, ProbabilityAboveOneIsRejectedAtItsField) {
  const std::string text =
      std::string(kValidSaga) + "faults { random { message_loss_probability: 1.5 } }\n";
  expect_error(text, "faults.random.message_loss_probability", "message_loss_probability",
               "is 1.5; expected a probability in [0, 1]");
}

TEST(ScenarioValidate, NegativeProbabilityIsRejected) {
  const std::string text = replace(kValidSaga, "topology {",
                                   "topology {\n  link { from: \"n1\" to: \"*\" loss_probability: -0.1 }");
  expect_error(text, "topology.link[0].loss_probability", "loss_probability", "is -0.1");
}

TEST(ScenarioValidate, NegativeDurationIsRejected) {
  const std::string text = std::string(kValidSaga) +
                           "faults { at { time_s: 5 crash { node: \"n1\" downtime_s: -2 } } }\n";
  expect_error(text, "faults.at[0].crash.downtime_s", "downtime_s",
               "is -2; expected a duration in simulated seconds");
}

TEST(ScenarioValidate, NanDurationIsRejected) {
  const std::string text = replace(kValidSaga, "arrivals_s: 10", "arrivals_s: nan");
  expect_error(text, "stop.arrivals_s", "arrivals_s", "is nan");
}

TEST(ScenarioValidate, AbsurdCountIsRejectedWithTheLimit) {
  const std::string text =
      replace(kValidSaga, "rate_per_s: 10", "rate_per_s: 10 count: 99999999999");
  expect_error(text, "workload.uploads.count", "count:", "expected 1 to 1000000000 uploads");
}

TEST(ScenarioValidate, AbsurdRateIsRejected) {
  const std::string text = replace(kValidSaga, "rate_per_s: 10", "rate_per_s: 1e12");
  expect_error(text, "workload.uploads.rate_per_s", "rate_per_s", "(0, 1e7]");
}

TEST(ScenarioValidate, UnknownServiceInStepIsNamed) {
  const std::string text = replace(kValidSaga, "step { name: \"b\" service: \"s1\"",
                                   "step { name: \"b\" service: \"s9\"");
  expect_error(text, "saga[0].step[1].service", "service: \"s9\"",
               "'s9' is not a service; expected one of 's1'");
}

TEST(ScenarioValidate, UnknownPluginTypeIsRejected) {
  const std::string text = replace(kValidSaga, "type: \"test.svc\"", "type: \"test.nope\"");
  expect_error(text, "service[0].type", "type:",
               "'test.nope' is not a registered service type; expected one of 'test.needs_size', "
               "'test.svc'");
}

TEST(ScenarioValidate, UnknownPluginParameterIsRejected) {
  const std::string text = replace(kValidSaga, "node: \"n1\" }",
                                   "node: \"n1\" param { key: \"colour\" value: \"red\" } }");
  expect_error(text, "service[0].param[0].key", "key:",
               "'colour' is not a parameter of service type 'test.svc'");
}

TEST(ScenarioValidate, IllTypedPluginParameterIsRejected) {
  const std::string text =
      replace(kValidSaga, "node: \"n1\" }",
              "node: \"n1\" param { key: \"reject_probability\" value: \"often\" } }");
  expect_error(text, "service[0].param[0].value", "value:",
               "is 'often'; expected a number in [0, 1]");
}

TEST(ScenarioValidate, EnumPluginParameterListsAllowedValues) {
  const std::string text = replace(kValidSaga, "node: \"n1\" }",
                                   "node: \"n1\" param { key: \"mode\" value: \"medium\" } }");
  expect_error(text, "service[0].param[0].value", "value:", "expected one of fast, slow");
}

TEST(ScenarioValidate, MissingRequiredPluginParameterIsRejected) {
  const std::string text = replace(kValidSaga, "type: \"test.svc\"", "type: \"test.needs_size\"");
  expect_error(text, "service[0].param", "service {", "lacks required parameter 'size'");
}

TEST(ScenarioValidate, DuplicateNodeNameNamesTheFirstLine) {
  const std::string text = replace(kValidSaga, "node { name: \"n1\" }",
                                   "node { name: \"n1\" }\n  node { name: \"n1\" region: \"r\" }");
  const int first_line = position_of(text, "\"n1\"").first;
  expect_error(text, "topology.node[2].name", "name: \"n1\" region",
               "used twice (first on line " + std::to_string(first_line) + ")");
}

TEST(ScenarioValidate, SagaCycleNamesEveryStepOnIt) {
  const std::string text = replace(kValidSaga, "compensation: \"undo_a\"",
                                   "compensation: \"undo_a\" after: \"c\"");
  // a -> b -> c -> a: every step is on the cycle; reported at step a's first `after`.
  expect_error(text, "saga[0].step[0].after[0]", "after: \"c\"",
               "the steps form a cycle: a -> b -> c -> a");
}

TEST(ScenarioValidate, StepAfterItselfIsRejected) {
  const std::string text = replace(kValidSaga, "kind: PIVOT after: \"a\"", "kind: PIVOT after: \"b\"");
  expect_error(text, "saga[0].step[1].after[0]", "after: \"b\"", "names the step itself");
}

TEST(ScenarioValidate, AfterUnknownStepIsRejected) {
  const std::string text = replace(kValidSaga, "kind: PIVOT after: \"a\"", "kind: PIVOT after: \"zz\"");
  expect_error(text, "saga[0].step[1].after[0]", "after: \"zz\"",
               "'zz' is not a step of saga 'upload-video'");
}

TEST(ScenarioValidate, CompensatableStepWithoutCompensationIsRejected) {
  const std::string text = replace(kValidSaga, " compensation: \"undo_a\"", "");
  expect_error(text, "saga[0].step[0].compensation", "step { name: \"a\"",
               "is missing for COMPENSATABLE step 'a'");
}

TEST(ScenarioValidate, CompensatableStepAfterPivotIsRejected) {
  const std::string text = replace(kValidSaga, "kind: RETRIABLE after: \"b\"",
                                   "compensation: \"undo_c\" after: \"b\"");
  // Step c has no kind: written, so the error points at the step itself.
  expect_error(text, "saga[0].step[2].kind", "step { name: \"c\"",
               "COMPENSATABLE step 'c' comes after PIVOT step 'b'");
}

TEST(ScenarioValidate, TwoPivotsOnOnePathAreRejected) {
  const std::string text = replace(kValidSaga, "kind: RETRIABLE", "kind: PIVOT");
  expect_error(text, "saga[0].step[2].kind", "kind: PIVOT after: \"b\"",
               "PIVOT step 'c' comes after PIVOT step 'b'");
}

TEST(ScenarioValidate, PivotsOnParallelBranchesAreRejectedUnderSagaProtocols) {
  // b and c both follow a directly: no path holds two pivots, but the saga engine has one
  // go/no-go point (if b committed and c failed, the saga could neither finish nor be undone).
  const std::string text = replace(kValidSaga, "kind: RETRIABLE after: \"b\"",
                                   "kind: PIVOT after: \"a\"");
  expect_error(text, "saga[0].step[2].kind", "kind: PIVOT after: \"a\"",
               "PIVOT step 'c' runs in parallel with PIVOT step 'b'", "name: \"c\"");
}

TEST(ScenarioValidate, PivotsOnParallelBranchesAreAllowedUnderTwoPhaseCommit) {
  // Under 2PC the steps are the parts of one distributed transaction; kinds order nothing.
  const std::string text =
      replace(kValidSaga, "kind: RETRIABLE after: \"b\"", "kind: PIVOT after: \"a\"") +
      "protocol { two_phase_commit { coordinator_node: \"orchestrator\" } }\n";
  EXPECT_TRUE(diagnostics_of(text).empty());
}

TEST(ScenarioValidate, RetriableStepBeforePivotIsRejected) {
  // a, then b (retriable), then c (pivot): b can run before the pivot has succeeded.
  std::string text =
      replace(kValidSaga, "kind: PIVOT after: \"a\"", "kind: RETRIABLE after: \"a\"");
  text = replace(text, "kind: RETRIABLE after: \"b\"", "kind: PIVOT after: \"b\"");
  expect_error(text, "saga[0].step[1].kind", "kind: RETRIABLE after: \"a\"",
               "RETRIABLE step 'b' can run before PIVOT step 'c' has succeeded");
}

TEST(ScenarioValidate, RetriableStepParallelToCompensatableStepIsRejected) {
  // d has no `after`: it runs when the saga starts, before a has succeeded.
  const std::string text = replace(
      kValidSaga, "kind: RETRIABLE after: \"b\" }",
      "kind: RETRIABLE after: \"b\" }\n  step { name: \"d\" service: \"s1\" kind: RETRIABLE }");
  expect_error(text, "saga[0].step[3].kind", "kind: RETRIABLE }",
               "RETRIABLE step 'd' can run before COMPENSATABLE step 'a' has succeeded");
}

TEST(ScenarioValidate, CompensatableStepParallelToPivotIsRejected) {
  // d follows a, like the pivot b, so it may still run (and fail) after b has committed.
  const std::string text = replace(
      kValidSaga, "kind: RETRIABLE after: \"b\" }",
      "kind: RETRIABLE after: \"b\" after: \"d\" }\n  step { name: \"d\" service: \"s1\" "
      "compensation: \"undo_d\" after: \"a\" }");
  expect_error(text, "saga[0].step[3].kind", "step { name: \"d\"",
               "COMPENSATABLE step 'd' can run in parallel with PIVOT step 'b'");
}

TEST(ScenarioValidate, PivotWithCompensationIsRejected) {
  const std::string text =
      replace(kValidSaga, "kind: PIVOT after: \"a\"", "kind: PIVOT compensation: \"x\" after: \"a\"");
  expect_error(text, "saga[0].step[1].compensation", "compensation: \"x\"",
               "is set on PIVOT step 'b'");
}

TEST(ScenarioValidate, KindMixNotSummingToOneSaysWhatItSumsTo) {
  const std::string text = replace(kValidSaga, "kind_mix { video: 1 }",
                                   "kind_mix { video: 0.5 live: 0.2 } live_saga: \"upload-video\"");
  expect_error(text, "workload.uploads.kind_mix", "kind_mix", "sums to 0.7; expected 1");
}

TEST(ScenarioValidate, MissingLatencyMatrixFileIsRejected) {
  const std::string text = replace(kValidSaga, "topology {",
                                   "topology {\n  latency_matrix_csv: \"no-such-file.csv\"");
  expect_error(text, "topology.latency_matrix_csv", "latency_matrix_csv", "does not exist");
}

TEST(ScenarioValidate, FaultNamingUnknownNodeIsRejected) {
  const std::string text = std::string(kValidSaga) +
                           "faults { at { time_s: 5 partition { side_a: \"n1\" side_b: \"east\" } } }\n";
  // Elements of a repeated scalar field are reported where the field name is written.
  expect_error(text, "faults.at[0].partition.side_b[0]", "side_b", "'east' is unknown");
}

TEST(ScenarioValidate, FaultMayNameADeclaredGroup) {
  const std::string text = replace(kValidSaga, "topology {",
                                   "topology {\n  group { name: \"east\" member: \"n1\" }") +
                           "faults { at { time_s: 5 partition { side_a: \"east\" side_b: \"*\" } } }\n";
  EXPECT_TRUE(diagnostics_of(text).empty());
}

TEST(ScenarioValidate, UnknownOrchestratorNodeIsRejected) {
  const std::string text = std::string(kValidSaga) +
                           "protocol { saga_orchestration { orchestrator_node: \"boss\" } }\n";
  expect_error(text, "protocol.saga_orchestration.orchestrator_node", "orchestrator_node",
               "'boss' is not a node");
}

TEST(ScenarioValidate, NegativeOrNanRetentionHorizonIsRejected) {
  for (const std::string value : {"-1", "nan"}) {
    const std::string text = std::string(kValidSaga) +
                             "protocol { saga_orchestration { retention_horizon_s: " + value + " } }\n";
    expect_error(text, "protocol.saga_orchestration.retention_horizon_s", "retention_horizon_s",
                 "is " + value + "; expected 0 (keep every saga) or a horizon in seconds");
  }
}

TEST(ScenarioValidate, ChoreographyRetentionHorizonShorterThanALateDuplicateIsRejected) {
  // Without faults a duplicate event can trail its saga by a relay's call timeout (0.5 s) and
  // poll (0.02 s) plus a node's resubscribe interval (0.2 s): 0.72 s.
  const auto with_horizon = [](const std::string& value) {
    return std::string(kValidSaga) + "protocol { saga_choreography { retention_horizon_s: " + value +
           " } }\n";
  };
  expect_error(with_horizon("0.7"), "protocol.saga_choreography.retention_horizon_s",
               "retention_horizon_s", "is 0.7; expected 0 (keep every saga) or at least 0.72 s");
  expect_error(with_horizon("-1"), "protocol.saga_choreography.retention_horizon_s",
               "retention_horizon_s", "is -1; expected 0 (keep every saga) or a horizon in seconds");
  EXPECT_TRUE(diagnostics_of(with_horizon("0.72")).empty());
  EXPECT_TRUE(diagnostics_of(with_horizon("0")).empty()) << "0 keeps every saga";
}

TEST(ScenarioValidate, RetentionHorizonShorterThanTheLongestStepTimeoutIsRejected) {
  // Step b waits 2.5 s for a reply; the others the default 1 s. A horizon of 2 s could forget
  // b's barrier record while its request is still in flight.
  const std::string slow = replace(kValidSaga, "kind: PIVOT after: \"a\"",
                                   "kind: PIVOT after: \"a\" timeout_ms: 2500");
  expect_error(slow + "protocol { saga_orchestration { retention_horizon_s: 2 } }\n",
               "protocol.saga_orchestration.retention_horizon_s", "retention_horizon_s",
               "at least the longest step timeout, 2.5 s (saga 'upload-video' step 'b')");
  EXPECT_TRUE(diagnostics_of(slow + "protocol { saga_orchestration { retention_horizon_s: 2.5 } }\n").empty());
  EXPECT_TRUE(diagnostics_of(slow + "protocol { saga_orchestration { retention_horizon_s: 0 } }\n").empty())
      << "0 keeps every saga";
}

TEST(ScenarioValidate, UnboundedArrivalsAreRejected) {
  const std::string text = replace(kValidSaga, "stop { arrivals_s: 10 }\n", "");
  expect_error(text, "workload.uploads.count", "uploads", "arrivals would never stop");
}

// Each value within its own range, but 1e7 arrivals per second for 1e6 s is 1e13 arrivals, far
// past the 1e9 a run may have; at 1e3 s it is exactly 1e10 (still refused), at 100 s 1e9 (fine).
TEST(ScenarioValidate, ArrivalsBeyondTheRunLimitAreRejected) {
  const std::string fast = replace(kValidSaga, "rate_per_s: 10", "rate_per_s: 1e7");
  expect_error(replace(fast, "arrivals_s: 10", "arrivals_s: 1e6"), "workload.uploads.rate_per_s",
               "rate_per_s", "about 1e+13 arrivals; expected at most 1e9 arrivals in one run");
  expect_error(replace(fast, "arrivals_s: 10", "arrivals_s: 1000"), "workload.uploads.rate_per_s",
               "rate_per_s", "expected at most 1e9 arrivals");
  EXPECT_TRUE(diagnostics_of(replace(fast, "arrivals_s: 10", "arrivals_s: 100")).empty());
  // A count bounds the run whatever the rate and span.
  EXPECT_TRUE(diagnostics_of(replace(replace(fast, "arrivals_s: 10", "arrivals_s: 1e6"),
                                     "rate_per_s: 1e7", "rate_per_s: 1e7 count: 1000"))
                  .empty());
}

// `txsim check` writes "<name>-counterexample.textproto" with a "# Replay:" comment line: a
// name with a path separator or a newline would put the file elsewhere or break the comment.
TEST(ScenarioValidate, NamesThatCannotBeAFileNameAreRejected) {
  for (const char* bad : {"a/b", "a\\\\b", "a\\nb", "a\\tb"}) {
    expect_error(replace(kValidSaga, "name: \"ok\"", std::string("name: \"") + bad + "\""), "name",
                 "name", "expected a short scenario name usable in a file name");
  }
  EXPECT_TRUE(diagnostics_of(replace(kValidSaga, "name: \"ok\"", "name: \"w1a saga-chain.v2\""))
                  .empty());
}

TEST(ScenarioValidate, UnknownEnumNumberIsRejected) {
  const std::string text = replace(kValidSaga, "name: \"upload-video\"",
                                   "name: \"upload-video\" checkpoint: 7");
  expect_error(text, "saga[0].checkpoint", "checkpoint", "is 7; expected one of EVERY_STAGE, NONE");
}

TEST(ScenarioValidate, UnknownCheckNameIsRejected) {
  const std::string text = std::string(kValidSaga) + "checks { run: \"saga_atomicty\" }\n";
  expect_error(text, "checks.run[0]", "run:", "is not a registered check");
}

TEST(ScenarioValidate, ReadersWithoutReplicasAreRejected) {
  const std::string text = std::string(kValidSaga) +
                           "cqrs { projection { name: \"feed\" type: \"feed.join\" } "
                           "readers { sessions: 10 rate_per_s: 1 } }\n";
  expect_error(text, "cqrs.readers.sessions", "sessions", "cqrs has no replica");
}

TEST(ScenarioValidate, EveryProblemIsReportedSortedByPosition) {
  const std::string text = replace(replace(kValidSaga, "arrivals_s: 10", "arrivals_s: -1"),
                                   "type: \"test.svc\"", "type: \"nope\"") +
                           "faults { random { message_duplication_probability: 2 } }\n";
  const auto all = diagnostics_of(text);
  std::string listing;
  for (const auto& d : all) listing += d.to_string() + "\n";
  ASSERT_EQ(all.size(), 3u) << listing;
  EXPECT_EQ(all[0].field, "stop.arrivals_s");
  EXPECT_EQ(all[1].field, "service[0].type");
  EXPECT_EQ(all[2].field, "faults.random.message_duplication_probability");
}

// Random probabilities: validation accepts exactly the values in [0, 1].
RC_GTEST_PROP(ScenarioValidateProperty, ProbabilityAcceptedIffInUnitInterval, ()) {
  const double p = *rc::gen::map(rc::gen::inRange(-2000, 3000), [](int k) { return k / 1000.0; });
  char line[96];
  std::snprintf(line, sizeof line, "faults { random { message_loss_probability: %.3f } }\n", p);
  const auto all = diagnostics_of(std::string(kValidSaga) + line);
  RC_ASSERT(all.empty() == (p >= 0 && p <= 1));
}

}  // namespace
}  // namespace txsim::scenario::testing

namespace txsim::scenario::testing {
namespace {

// Random step graphs: validation reports a cycle exactly when the transitive closure (the
// reference model, Floyd-Warshall) has a step that reaches itself, and every step it names on
// the cycle is one that reaches itself.
RC_GTEST_PROP(ScenarioValidateProperty, CycleReportedIffGraphHasOne, ()) {
  const int n = *rc::gen::inRange(1, 8);
  const auto edges = *rc::gen::container<std::vector<std::pair<int, int>>>(
      rc::gen::pair(rc::gen::inRange(0, n), rc::gen::inRange(0, n)));
  std::vector<std::vector<bool>> reach(n, std::vector<bool>(n, false));
  std::string steps;
  std::vector<std::vector<int>> after(n);
  for (const auto& [from, to] : edges) {
    if (from == to) continue;  // a self reference is a different error
    if (std::find(after[to].begin(), after[to].end(), from) != after[to].end()) continue;
    after[to].push_back(from);
    reach[from][to] = true;
  }
  for (int k = 0; k < n; ++k)
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        if (reach[i][k] && reach[k][j]) reach[i][j] = true;
  bool cyclic = false;
  for (int i = 0; i < n; ++i) cyclic = cyclic || reach[i][i];
  for (int i = 0; i < n; ++i) {
    steps += "  step { name: \"s" + std::to_string(i) + "\" service: \"s1\" kind: RETRIABLE";
    for (int a : after[i]) steps += " after: \"s" + std::to_string(a) + "\"";
    steps += " }\n";
  }
  const std::string text = "name: \"g\"\nstop { arrivals_s: 1 }\ntopology { node { name: "
                           "\"orchestrator\" } node { name: \"n1\" } }\n"
                           "service { name: \"s1\" type: \"test.svc\" node: \"n1\" }\n"
                           "saga {\n  name: \"upload-video\"\n" + steps + "}\n"
                           "workload { uploads { rate_per_s: 1 kind_mix { video: 1 } } }\n";
  const auto all = diagnostics_of(text);
  bool reported = false;
  for (const auto& d : all) {
    const auto at = d.message.find("form a cycle: ");
    RC_ASSERT(at != std::string::npos);  // no other kind of error in these scenarios
    reported = true;
    std::string cycle = d.message.substr(at + 14, d.message.find(';') - at - 14);
    std::size_t pos = 0;
    while ((pos = cycle.find('s', pos)) != std::string::npos) {
      const int step = std::stoi(cycle.substr(pos + 1));
      RC_ASSERT(reach[step][step]);
      ++pos;
    }
  }
  RC_ASSERT(reported == cyclic);
}

// Random acyclic step graphs with random kinds: `txsim validate` accepts a saga exactly when the
// saga engine that `txsim run` builds from it (saga::validate_definition) accepts it, so a
// scenario that validates never stops the run with an internal error.
RC_GTEST_PROP(ScenarioValidateProperty, KindOrderAcceptedIffTheSagaEngineAcceptsIt, ()) {
  const int n = *rc::gen::inRange(1, 7);
  saga::SagaDefinition definition{"upload-video", {}, {}, {}, {}};
  std::string steps;
  for (int i = 0; i < n; ++i) {
    saga::StepDefinition step;
    step.name = "s" + std::to_string(i);
    step.service = "s1";
    step.kind = *rc::gen::element(saga::StepKind::kCompensatable, saga::StepKind::kPivot,
                                  saga::StepKind::kRetriable);
    if (step.kind == saga::StepKind::kCompensatable) step.compensation = "undo";
    for (int j = 0; j < i; ++j) {
      if (*rc::gen::inRange(0, 3) == 0) step.after.push_back(static_cast<std::uint32_t>(j));
    }
    steps += "  step { name: \"" + step.name + "\" service: \"s1\" kind: " +
             (step.kind == saga::StepKind::kCompensatable ? "COMPENSATABLE compensation: \"undo\""
              : step.kind == saga::StepKind::kPivot       ? "PIVOT"
                                                          : "RETRIABLE");
    for (const auto a : step.after) steps += " after: \"s" + std::to_string(a) + "\"";
    steps += " }\n";
    definition.steps.push_back(step);
  }
  bool engine_accepts = true;
  try {
    saga::validate_definition(definition);
  } catch (const saga::InvalidSagaDefinition&) {
    engine_accepts = false;
  }
  const std::string text = "name: \"g\"\nstop { arrivals_s: 1 }\ntopology { node { name: "
                           "\"orchestrator\" } node { name: \"n1\" } }\n"
                           "service { name: \"s1\" type: \"test.svc\" node: \"n1\" }\n"
                           "saga {\n  name: \"upload-video\"\n" + steps + "}\n"
                           "workload { uploads { rate_per_s: 1 kind_mix { video: 1 } } }\n";
  std::string listing;
  for (const auto& d : diagnostics_of(text)) listing += d.to_string() + "\n";
  RC_ASSERT(listing.empty() == engine_accepts);
}

}  // namespace
}  // namespace txsim::scenario::testing
