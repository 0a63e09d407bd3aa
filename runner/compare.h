// `txsim compare`: runs one scenario under several transaction protocols with the same seeds —
// hence the same arrivals (same streams) and the same fault timeline — and puts the protocol-
// neutral figures of each run (Report.transactions) side by side, as mean and 95 % confidence
// interval across seeds (runner/confidence.h), with a verdict paragraph generated from them.
//
// Protocol names: "saga" runs protocol.saga_orchestration (keeping the scenario's options when it
// already is one; from a 2PC scenario the orchestrator takes the coordinator's node); "2pc" runs
// protocol.two_phase_commit with the coordinator on the node of the scenario's orchestrator
// (saga_orchestration.orchestrator_node, default "orchestrator") unless the scenario already
// sets two_phase_commit.coordinator_node; "2pc-pa" is "2pc" with presumed_abort; "choreography"
// runs protocol.saga_choreography with the broker on the orchestrator's (or coordinator's) node.
// The two saga protocols carry the scenario's retention_horizon_s over to each other where the
// other accepts it (else that one keeps every saga; retention changes memory, not conclusions).
// Everything else in the scenario is unchanged.
//
// Errors (std::invalid_argument, a usage error): an empty or unknown protocol name, a repeated
// one, no protocols, seeds < 1, a scenario a protocol cannot run as converted (scenario
// validation's diagnostics, e.g. a default node that does not exist, or a setting the runner
// does not implement: "not implemented yet: ..."), all before any run. A run that fails later
// throws what run_scenario throws.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/scenario/loader.h"
#include "txsim/report.pb.h"

namespace txsim::runner {

/// The accepted protocol names, in the order the usage lists them.
const std::vector<std::string>& comparison_protocols();

/// Splits "saga,2pc" into names and checks each (see the header comment).
std::vector<std::string> parse_protocol_list(const std::string& list);

/// `loaded` with its protocol replaced by `name`'s (see the header comment). A carried retention
/// horizon is dropped when the converted scenario does not validate with it, whatever the
/// reason: compare() then refuses such a scenario with the validation error. Throws
/// std::invalid_argument for an unknown name.
scenario::LoadedScenario with_protocol(const scenario::LoadedScenario& loaded,
                                       const std::string& name);

struct CompareOptions {
  std::vector<std::string> protocols;
  std::uint32_t seeds = 1;         // runs per protocol: seeds base, base + 1, ...
  std::optional<std::uint64_t> base_seed;  // default: the scenario's seed
  /// Runs one scenario with one seed; tests put a fake here. Default: run_scenario.
  std::function<report::Report(const scenario::LoadedScenario&, std::uint64_t seed)> run;
};

report::ComparisonReport compare(const scenario::LoadedScenario& loaded,
                                 const CompareOptions& options);

/// The verdict paragraph for `report` (its protocols already filled).
std::string comparison_verdict(const report::ComparisonReport& report);

}  // namespace txsim::runner
