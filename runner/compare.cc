#include "runner/compare.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <stdexcept>

#include "plugins/registry.h"
#include "runner/confidence.h"
#include "runner/run_scenario.h"
#include "runner/unimplemented.h"

namespace txsim::runner {
namespace {

std::string known_list() {
  std::string out;
  for (const auto& p : comparison_protocols()) out += (out.empty() ? "" : ", ") + p;
  return out;
}

// Every figure of one protocol over the seeds, in ProtocolFigures order.
struct Samples {
  std::vector<double> throughput, committed, aborted, compensated, latency_p50, latency_p99,
      latency_max, lock_p50, lock_p99, lock_max, blocked, availability, messages, writes, atomicity, dirty,
      started, unfinished, rejected, forced, blocked_per_txn, in_doubt, exposed, on_time;
  void add(const report::TransactionsReport& t) {
    throughput.push_back(t.throughput_per_s());
    committed.push_back(static_cast<double>(t.committed()));
    aborted.push_back(static_cast<double>(t.aborted()));
    compensated.push_back(static_cast<double>(t.compensated()));
    latency_p50.push_back(t.latency_ms().p50());
    latency_p99.push_back(t.latency_ms().p99());
    latency_max.push_back(t.latency_ms().max());
    lock_p50.push_back(t.lock_hold_ms().p50());
    lock_p99.push_back(t.lock_hold_ms().p99());
    lock_max.push_back(t.lock_hold_ms().max());
    blocked.push_back(t.blocked_ms_total());
    availability.push_back(t.availability());
    messages.push_back(t.messages_per_txn());
    writes.push_back(t.storage_writes_per_txn());
    atomicity.push_back(static_cast<double>(t.atomicity_violations()));
    dirty.push_back(static_cast<double>(t.dirty_reads()));
    started.push_back(static_cast<double>(t.started()));
    unfinished.push_back(static_cast<double>(t.unfinished()));
    rejected.push_back(static_cast<double>(t.rejected()));
    forced.push_back(t.forced_writes_per_txn());
    blocked_per_txn.push_back(t.blocked_ms_per_txn());
    in_doubt.push_back(t.in_doubt_ms_total());
    exposed.push_back(static_cast<double>(t.fault_exposed()));
    // availability = on time / exposed exactly, so the count comes back whole.
    on_time.push_back(std::round(t.availability() * static_cast<double>(t.fault_exposed())));
  }
  void fill(report::ProtocolFigures& p) const {
    *p.mutable_throughput_per_s() = estimate(throughput, kNonNegative);
    *p.mutable_committed() = estimate(committed, kNonNegative);
    *p.mutable_aborted() = estimate(aborted, kNonNegative);
    *p.mutable_compensated() = estimate(compensated, kNonNegative);
    *p.mutable_latency_ms()->mutable_p50() = estimate(latency_p50, kNonNegative);
    *p.mutable_latency_ms()->mutable_p99() = estimate(latency_p99, kNonNegative);
    *p.mutable_latency_ms()->mutable_max() = estimate(latency_max, kNonNegative);
    *p.mutable_lock_hold_ms()->mutable_p50() = estimate(lock_p50, kNonNegative);
    *p.mutable_lock_hold_ms()->mutable_p99() = estimate(lock_p99, kNonNegative);
    *p.mutable_lock_hold_ms()->mutable_max() = estimate(lock_max, kNonNegative);
    *p.mutable_blocked_ms_total() = estimate(blocked, kNonNegative);
    *p.mutable_availability() = estimate(availability, kFraction);
    *p.mutable_messages_per_txn() = estimate(messages, kNonNegative);
    *p.mutable_storage_writes_per_txn() = estimate(writes, kNonNegative);
    *p.mutable_atomicity_violations() = estimate(atomicity, kNonNegative);
    *p.mutable_dirty_reads() = estimate(dirty, kNonNegative);
    *p.mutable_started() = estimate(started, kNonNegative);
    *p.mutable_unfinished() = estimate(unfinished, kNonNegative);
    *p.mutable_rejected() = estimate(rejected, kNonNegative);
    *p.mutable_forced_writes_per_txn() = estimate(forced, kNonNegative);
    *p.mutable_blocked_ms_per_txn() = estimate(blocked_per_txn, kNonNegative);
    *p.mutable_in_doubt_ms_total() = estimate(in_doubt, kNonNegative);
    *p.mutable_fault_exposed() = estimate(exposed, kNonNegative);
    *p.mutable_fault_on_time() = estimate(on_time, kNonNegative);
  }
};

std::string format(const char* pattern, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  return buffer;
}

// A count averaged over seeds: whole when it is whole ("4 of 12"), one decimal otherwise.
std::string count_text(double mean) {
  return std::abs(mean - std::round(mean)) < 1e-9 ? format("%.0f", mean) : format("%.1f", mean);
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == names.size() ? " and " : ", ") + names[i];
  }
  return out;
}

// What the faults did: availability over the exposed transactions, split into refusals (the
// same for protocols whose coordinator sits on the same node) and what each protocol made of
// the transactions the faults caught, with the in-doubt time that tells 2PC from a saga.
std::string fault_paragraph(const google::protobuf::RepeatedPtrField<report::ProtocolFigures>& ps) {
  const bool faults = std::any_of(ps.begin(), ps.end(), [](const auto& p) {
    return p.fault_exposed().mean() > 0 || p.rejected().mean() > 0;
  });
  if (!faults) return "";
  std::string v = "Of the transactions exposed to a fault (attempted during one, or in flight when it began), ";
  for (int i = 0; i < ps.size(); ++i) {
    v += (i == 0 ? "" : ", ") + ps[i].name() + " finished " +
         format("%.1f", 100 * ps[i].availability().mean()) + " % of " +
         format("%.0f", ps[i].fault_exposed().mean());
  }
  v += " within their deadline";
  std::vector<std::string> refusing;
  for (const auto& p : ps) {
    if (p.rejected().mean() > 0) {
      refusing.push_back(p.name() + " " + format("%.0f", p.rejected().mean()));
    }
  }
  if (!refusing.empty()) {
    v += "; the rest were mostly attempts refused while the orchestrator's or coordinator's node was "
         "down (" + join_names(refusing) + "), which no protocol can finish. Of the transactions "
         "that were under way or begun during a fault, ";
    for (int i = 0; i < ps.size(); ++i) {
      const double under_way = std::max(0.0, ps[i].fault_exposed().mean() - ps[i].rejected().mean());
      v += (i == 0 ? "" : ", ") + ps[i].name() + " finished " +
           count_text(ps[i].fault_on_time().mean()) + " of " + count_text(under_way);
    }
    v += " in time";
  }
  v += ". ";
  std::vector<std::string> in_doubt;
  for (const auto& p : ps) {
    if (p.in_doubt_ms_total().mean() > 0) {
      in_doubt.push_back(p.name() + " " + format("%.0f", p.in_doubt_ms_total().mean()) +
                         " participant-ms in doubt, the longest lock held " +
                         format("%.0f", p.lock_hold_ms().max().mean()) + " ms");
    }
  }
  if (!in_doubt.empty()) {
    v += "What the protocols differ in is what a fault does to the transactions already under way: "
         "after a yes vote a 2PC participant is in doubt and keeps its locks until it learns the "
         "decision, for as long as a crashed coordinator or a partition keeps it away (" +
         join_names(in_doubt) + "), and its keys are unavailable to every other transaction "
         "meanwhile; a saga participant holds nothing between steps and the orchestrator finishes "
         "the saga from its log. ";
  }
  return v;
}

}  // namespace

const std::vector<std::string>& comparison_protocols() {
  static const std::vector<std::string> kNames = {"saga", "2pc", "2pc-pa", "choreography"};
  return kNames;
}

std::vector<std::string> parse_protocol_list(const std::string& list) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    const std::string name = list.substr(start, comma - start);
    const auto& known = comparison_protocols();
    if (name.empty()) {
      throw std::invalid_argument("--protocols '" + list + "': empty protocol name; expected a "
                                  "comma-separated list of " + known_list());
    }
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      throw std::invalid_argument("--protocols: unknown protocol '" + name + "'; expected " +
                                  known_list());
    }
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      throw std::invalid_argument("--protocols: '" + name + "' is given twice");
    }
    names.push_back(name);
    start = comma + 1;
  }
  return names;
}

scenario::LoadedScenario with_protocol(const scenario::LoadedScenario& loaded,
                                       const std::string& name) {
  scenario::LoadedScenario out;  // not copyable: copy its parts (the source map is shared)
  out.scenario = loaded.scenario;
  out.file = loaded.file;
  out.source = loaded.source;
  out.overridden = loaded.overridden;
  out.overrides = loaded.overrides;
  // A scenario's `checks.run` names the checks of the protocol it was written for; each protocol
  // of a comparison is judged by every check that applies to it (e.g. twopc_atomicity for 2PC).
  out.scenario.mutable_checks()->clear_run();
  auto* protocol = out.scenario.mutable_protocol();
  // The node that runs the protocol's coordination: the saga orchestrator's, the 2PC
  // coordinator's or the choreography broker's node, whichever the scenario names, else the
  // default "orchestrator".
  const auto& named = loaded.scenario.protocol();
  const std::string orchestrator =
      !named.saga_orchestration().orchestrator_node().empty()
          ? named.saga_orchestration().orchestrator_node()
      : !named.two_phase_commit().coordinator_node().empty()
          ? named.two_phase_commit().coordinator_node()
      : !named.saga_choreography().broker_node().empty()
          ? named.saga_choreography().broker_node()
          : "orchestrator";
  // Both saga protocols keep settled sagas for the same horizon, so that they are compared on
  // the same memory policy (2PC has none) — where the other protocol accepts it: a horizon long
  // enough for orchestrated requests can be too short for choreography's late duplicates, or
  // the reverse. Retention changes memory, not conclusions, so the protocol then keeps every
  // saga rather than refuse a scenario its own protocol runs.
  const auto& source = loaded.scenario.protocol();
  const double retention_s = source.has_saga_choreography()
                                 ? source.saga_choreography().retention_horizon_s()
                                 : source.saga_orchestration().retention_horizon_s();
  const auto keep_horizon_if_accepted = [&](auto* settings) {
    if (retention_s <= 0) return;
    settings->set_retention_horizon_s(retention_s);
    try {
      scenario::validate(out, plugins::registry());
    } catch (const scenario::ScenarioError&) {
      settings->clear_retention_horizon_s();
    }
  };
  if (name == "saga") {
    if (!protocol->has_saga_orchestration()) {
      auto* orchestration = protocol->mutable_saga_orchestration();
      // From a 2PC or choreography scenario the orchestrator takes the coordinator's or the
      // broker's node, as the conversions below put those on the orchestrator's.
      if (orchestrator != "orchestrator") orchestration->set_orchestrator_node(orchestrator);
      keep_horizon_if_accepted(orchestration);
    }
    return out;
  }
  if (name == "choreography") {
    if (!protocol->has_saga_choreography()) {
      // The broker takes the orchestrator's node, which runs no service.
      auto* choreography = protocol->mutable_saga_choreography();
      choreography->set_broker_node(orchestrator);
      keep_horizon_if_accepted(choreography);
    }
    return out;
  }
  if (name == "2pc" || name == "2pc-pa") {
    scenario::TwoPhaseCommit twopc = loaded.scenario.protocol().two_phase_commit();
    if (twopc.coordinator_node().empty()) twopc.set_coordinator_node(orchestrator);
    twopc.set_presumed_abort(name == "2pc-pa");
    *protocol->mutable_two_phase_commit() = twopc;
    return out;
  }
  throw std::invalid_argument("unknown protocol '" + name + "'; expected " + known_list());
}

report::ComparisonReport compare(const scenario::LoadedScenario& loaded,
                                 const CompareOptions& options) {
  if (options.protocols.empty()) {
    throw std::invalid_argument("no protocols to compare; expected some of " + known_list());
  }
  if (options.seeds < 1) throw std::invalid_argument("--seeds must be at least 1");
  std::set<std::string> seen;
  for (const auto& p : options.protocols) {
    if (!seen.insert(p).second) throw std::invalid_argument("protocol '" + p + "' is given twice");
    // Refuses an unknown name (with_protocol throws), or a scenario the protocol cannot run as
    // converted (its default node does not exist, or it keeps a setting the runner does not
    // implement), before anything runs.
    const scenario::LoadedScenario converted = with_protocol(loaded, p);
    const std::string refusal =
        "protocol '" + p + "' cannot run this scenario as converted for it:";
    try {
      scenario::validate(converted, plugins::registry());
    } catch (const scenario::ScenarioError& e) {
      throw std::invalid_argument(refusal + "\n" + e.what());
    }
    if (const auto missing = unimplemented_fields(converted.scenario); !missing.empty()) {
      throw std::invalid_argument(refusal + " not implemented yet: " + missing.front());
    }
  }
  const std::uint64_t base = options.base_seed ? *options.base_seed
                             : loaded.scenario.has_seed() ? loaded.scenario.seed()
                                                          : 1;
  auto run = options.run ? options.run : [](const scenario::LoadedScenario& l, std::uint64_t seed) {
    RunOptions run_options;
    run_options.seed = seed;
    return run_scenario(l, run_options);
  };
  report::ComparisonReport out;
  out.set_scenario(loaded.scenario.name());
  out.set_scenario_file(loaded.file);
  out.set_txsim_version(TXSIM_VERSION);
  for (const auto& o : loaded.overrides) out.add_overrides(o);
  for (std::uint32_t i = 0; i < options.seeds; ++i) out.add_seeds(base + i);
  for (const auto& name : options.protocols) {
    const scenario::LoadedScenario variant = with_protocol(loaded, name);
    Samples samples;
    auto* figures = out.add_protocols();
    figures->set_name(name);
    bool passed = true;
    for (const std::uint64_t seed : out.seeds()) {
      const report::Report r = run(variant, seed);
      samples.add(r.transactions());
      figures->set_protocol(r.transactions().protocol());
      figures->add_trace_hashes(r.trace_hash());
      passed = passed && r.passed();
    }
    figures->set_passed(passed);
    samples.fill(*figures);
  }
  out.set_verdict(comparison_verdict(out));
  return out;
}

std::string comparison_verdict(const report::ComparisonReport& r) {
  const auto& ps = r.protocols();
  if (ps.empty()) return "";
  std::string v = "Over " + std::to_string(r.seeds_size()) +
                  (r.seeds_size() == 1 ? " seed" : " seeds") + " of " + r.scenario() + ", ";
  for (int i = 0; i < ps.size(); ++i) {
    const auto& p = ps[i];
    v += (i == 0 ? "" : i + 1 == ps.size() ? "; and " : "; ") + p.name() + " committed " +
         format("%.0f", p.committed().mean()) + " of " + format("%.0f", p.started().mean()) +
         " transactions (" + format("%.1f", p.throughput_per_s().mean()) + "/s, p99 latency " +
         format("%.1f", p.latency_ms().p99().mean()) + " ms)";
  }
  v += ". ";
  if (ps.size() > 1) {
    const auto fastest = std::min_element(ps.begin(), ps.end(), [](const auto& a, const auto& b) {
      return a.latency_ms().p99().mean() < b.latency_ms().p99().mean();
    });
    v += fastest->name() + " had the lowest p99 latency. ";
  }
  std::vector<std::string> blocking, non_blocking;
  for (const auto& p : ps) {
    if (p.blocked_ms_total().mean() > 0) {
      blocking.push_back(p.name() + " kept participants blocked or in doubt for " +
                         format("%.0f", p.blocked_ms_total().mean()) + " participant-ms in total (" +
                         format("%.1f", p.blocked_ms_per_txn().mean()) + " ms per transaction, " +
                         format("%.0f", p.in_doubt_ms_total().mean()) + " participant-ms of it in doubt)");
    } else {
      non_blocking.push_back(p.name());
    }
  }
  if (!blocking.empty()) {
    v += join_names(blocking);
    if (!non_blocking.empty()) {
      v += ", while " + join_names(non_blocking) + (non_blocking.size() == 1 ? " never blocks" : " never block");
    }
    v += ". ";
  }
  for (const auto& p : ps) {
    if (p.compensated().mean() > 0 || p.dirty_reads().mean() > 0) {
      v += p.name() + " compensated " + count_text(p.compensated().mean()) +
           " transactions, and " + count_text(p.dirty_reads().mean()) +
           " reads saw an effect that was later compensated. ";
    }
  }
  v += fault_paragraph(ps);
  v += "Per transaction: ";
  for (int i = 0; i < ps.size(); ++i) {
    v += (i == 0 ? "" : "; ") + ps[i].name() + " " + format("%.1f", ps[i].messages_per_txn().mean()) +
         " messages, " + format("%.1f", ps[i].storage_writes_per_txn().mean()) + " storage writes";
  }
  v += ". ";
  std::vector<std::string> violating;
  for (const auto& p : ps) {
    if (p.atomicity_violations().mean() > 0) violating.push_back(p.name());
  }
  v += violating.empty() ? "No protocol violated atomicity."
                         : "ATOMICITY VIOLATED under " + join_names(violating) + ".";
  return v;
}

}  // namespace txsim::runner
