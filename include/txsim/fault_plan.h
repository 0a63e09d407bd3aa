// txsim::FaultPlan: a list of faults at simulated times, the input a property test or
// `txsim check` varies and shrinks.
//
// A plan is plain data (no simulator inside), so RapidCheck can generate, print and shrink it and
// `txsim check` can write it into a scenario file. It becomes the scenario's `faults` message
// (proto/txsim/scenario.proto) when run: every fault is a `faults.at` entry; a run with a plan
// has no other faults (the scenario's own timed and random faults are replaced).
//
// Units: simulated seconds (double) for start times, downtimes and windows — the unit of the
// scenario file; inside the simulator they become integer nanoseconds. Probabilities in [0, 1].
// Node names are those of the scenario's topology (a service name also names its node; "*" on
// a partition's side_b means every other node).
//
// Errors: a plan is checked when it is run against a scenario (unknown node, negative time,
// probability outside [0, 1]): txsim::run throws txsim::scenario::ScenarioError listing every
// problem, with the field path faults.at[i]....
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace txsim {

namespace scenario {
class Faults;  // generated from proto/txsim/scenario.proto
}

/// The fault kinds a plan draws from (swarm testing switches them on and off as a set).
enum class FaultKind : std::uint8_t {
  kCrash = 0,         // crash `node`, restart it after `duration_s` (the downtime)
  kPartition = 1,     // cut side_a from side_b for `duration_s`
  kLoss = 2,          // lose every message with `probability` for `duration_s`
  kDuplication = 3,   // deliver every message twice with `probability` for `duration_s`
  kLatencySpike = 4,  // multiply the latency of node <-> to by `factor` for `duration_s`
};
inline constexpr int kFaultKinds = 5;

/// "crash", "partition", "loss", "duplication", "latency_spike".
const char* fault_kind_name(FaultKind kind);

/// One fault. Which fields matter depends on `kind` (see FaultKind); the others are ignored.
struct Fault {
  FaultKind kind = FaultKind::kCrash;
  double start_s = 0;     // simulated second the fault starts; >= 0
  double duration_s = 1;  // downtime of a crash, length of a partition or window; > 0
  std::string node;       // crash: the node; latency spike: one end of the slow link
  std::string to;         // latency spike: the other end
  std::vector<std::string> side_a;  // partition
  std::vector<std::string> side_b;  // partition; {"*"} for every node not in side_a
  double probability = 0;  // loss, duplication: in [0, 1]
  double factor = 1;       // latency spike: latency multiplier, >= 1

  /// One line a person reads, e.g. "at 3.2 s crash orchestrator for 1.5 s".
  std::string describe() const;
  bool operator==(const Fault&) const = default;
};

/// A list of faults; their order is irrelevant to the run (each fires at its start_s).
struct FaultPlan {
  std::vector<Fault> faults;

  /// Writes the plan into `out` (cleared first): one `at` entry per fault.
  void to_proto(scenario::Faults& out) const;
  /// The plan as the body of a scenario file's `faults { ... }` block (protobuf text format).
  std::string to_textproto() const;
  /// One fault per line (describe()), or "no faults".
  std::string describe() const;
  /// The plan as a JSON array of objects {kind, start_s, duration_s, ...}.
  std::string to_json() const;
  bool operator==(const FaultPlan&) const = default;
};

/// What a plan generator may draw: the budget of a search.
struct FaultBudget {
  int max_faults = 3;               // at most this many faults; >= 0
  std::vector<std::string> nodes;   // nodes that may crash, be partitioned off or slowed
  double horizon_s = 10;            // faults start in [0, horizon_s); > 0
  double max_duration_s = 5;        // downtimes and windows are in (0, max_duration_s]
  /// Kinds that may be drawn (swarm testing: a subset per run). Empty means all.
  std::vector<FaultKind> kinds;
};

}  // namespace txsim
