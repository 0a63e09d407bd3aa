// Fault injection: one interface with verbs, driven by a scheduled timeline and random rates.
//
// Verbs (the FoundationDB simulator's shape: faults are methods of one object, not free
// functions): crash, restart, partition, heal, heal_all, slow (latency factor on a link),
// loss and duplication rates, clock skew of a node's timers. A verb applies at once; it
// returns false / does nothing when it has no effect (crashing a crashed node), and only
// effective faults are counted in FaultStats and appended to log().
//
// Plans:
//  - schedule(ScheduledFault): "at 20 s crash the orchestrator for 2 s". With a duration the
//    fault is undone at its end (restart, heal, factor back to 1, loss window closed, clock
//    skew reset); a zero duration means it stays until another fault changes it.
//  - add_random_crashes(RandomCrashes): each listed node independently alternates up-times
//    drawn from Exp(mtbf) and down-times from Exp(mean_downtime) — an alternating renewal
//    process, the classic availability model (Trivedi, "Probability and Statistics with
//    Reliability, Queuing and Computer Science Applications", 2nd ed., ch. 8) — with failures
//    starting in [start, end); a node crashed at end still restarts, so runs quiesce.
//    Draws come from the named stream (default "fault/random_crashes").
//
// Trace: every scheduled or random fault fires as an event of its own kind ("fault/crash",
// "fault/restart", "fault/partition", "fault/heal", "fault/slow", "fault/slow_end",
// "fault/loss_window", "fault/loss_window_end", "fault/duplication_window",
// "fault/duplication_window_end", "fault/clock_skew", "fault/clock_skew_end"), so it is folded
// into the trace hash and visible to a TraceSink. A verb called directly is part of the event
// that called it.
//
// Loss/duplication windows overlap by combining independent probabilities:
// p = 1 - prod(1 - p_i) over the open windows.
//
// Units: virtual time in integer nanoseconds (sim::Time/Duration); mtbf and downtime in seconds.
// Errors: invalid parameters throw std::invalid_argument naming the parameter; node names that
// do not exist throw std::invalid_argument naming the scenario field (resolve()).
// Thread-safety: none; a simulation run is single-threaded by design.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/net/network.h"
#include "core/sim/simulator.h"

namespace txsim::fault {

using net::NodeId;

/// Counters for the `faults` report section.
struct FaultStats {
  std::uint64_t crashes = 0;
  std::uint64_t restarts = 0;
  std::uint64_t partitions = 0;
  std::uint64_t heals = 0;
  std::uint64_t slowdowns = 0;
  std::uint64_t slowdowns_ended = 0;
  std::uint64_t loss_windows = 0;
  std::uint64_t duplication_windows = 0;
  std::uint64_t clock_skews = 0;
};

struct CrashFault {
  NodeId node;
};  // with a duration: the downtime, then restart
struct RestartFault {
  NodeId node;
};
struct PartitionFault {
  std::vector<NodeId> side_a;
  std::vector<NodeId> side_b;
  net::PartitionMode mode = net::PartitionMode::kSymmetric;
};  // with a duration: healed at its end
struct HealAllFault {};
struct SlowFault {
  NodeId from;
  NodeId to;
  double factor;  // latency multiplier, > 0
  bool both_directions = true;
};  // with a duration: factor back to 1
struct LossFault {
  double probability;
};  // a window (REQUIRES a duration > 0)
struct DuplicationFault {
  double probability;
};  // a window (REQUIRES a duration > 0)
struct ClockSkewFault {
  NodeId node;
  double timer_stretch;  // see net::Node::set_timer_stretch
};                       // with a duration: reset to 1

using FaultAction = std::variant<CrashFault, RestartFault, PartitionFault, HealAllFault, SlowFault,
                                 LossFault, DuplicationFault, ClockSkewFault>;

struct ScheduledFault {
  sim::Time at;
  FaultAction action;
  sim::Duration duration{};  // 0: permanent (until another fault)
};

struct RandomCrashes {
  std::vector<NodeId> nodes;
  double mtbf_s = 30.0;          // mean up-time between failures, per node; > 0
  double mean_downtime_s = 1.0;  // mean time crashed before restart; >= 0
  sim::Time start = sim::Time::zero();
  sim::Time end = sim::Time::zero();  // no failure starts at or after `end`; REQUIRES end >= start
  std::string stream = "fault/random_crashes";
};

/// One applied fault, for reports.
struct FaultLogEntry {
  sim::Time at;
  std::string what;  // e.g. "crash orchestrator", "partition #0 {a} | {b, c} symmetric"
};

class FaultInjector {
 public:
  FaultInjector(sim::Simulator& simulator, net::Network& network);
  FaultInjector(const FaultInjector&) = delete;
  FaultInjector& operator=(const FaultInjector&) = delete;

  bool crash(NodeId node);
  bool restart(NodeId node);
  net::PartitionId partition(const std::vector<NodeId>& side_a, const std::vector<NodeId>& side_b,
                             net::PartitionMode mode);
  bool heal(net::PartitionId id);
  std::size_t heal_all();
  /// Sets the latency factor of from->to (and to->from if both_directions). factor 1 restores.
  void slow(NodeId from, NodeId to, double factor, bool both_directions = true);
  /// Opens a loss/duplication window; close it with the returned handle.
  std::size_t open_loss_window(double probability);
  void close_loss_window(std::size_t handle);
  std::size_t open_duplication_window(double probability);
  void close_duplication_window(std::size_t handle);
  void skew_clock(NodeId node, double timer_stretch);

  /// Schedules a fault. REQUIRES: at >= now; windows have duration > 0 (else invalid_argument).
  void schedule(ScheduledFault fault);
  /// Starts a random crash process. Throws std::invalid_argument on bad parameters.
  void add_random_crashes(RandomCrashes spec);

  /// Node ids for names; "*" stands for every node. Throws std::invalid_argument
  /// "<field>: unknown node 'x'; expected one of ..." for a name that does not exist.
  std::vector<NodeId> resolve(const std::vector<std::string>& names, std::string_view field) const;
  /// Every node not in `nodes` (the other side of "partition X from the rest").
  std::vector<NodeId> all_except(const std::vector<NodeId>& nodes) const;

  const FaultStats& stats() const { return stats_; }
  const std::vector<FaultLogEntry>& log() const { return log_; }

 private:
  struct Planned {
    ScheduledFault fault;
    net::PartitionId partition = 0;  // set when a partition starts
    std::size_t window = 0;          // set when a window opens
  };
  struct RandomProcess {
    RandomCrashes spec;
    sim::Rng rng;
  };
  struct Kinds {
    std::uint32_t crash, restart, partition, heal, slow, slow_end, loss, loss_end, duplication,
        duplication_end, skew, skew_end;
  };

  std::uint32_t start_kind(const FaultAction& action) const;
  std::uint32_t end_kind(const FaultAction& action) const;
  void start(Planned& planned);
  void finish(Planned& planned);
  static void on_planned(void* injector, std::uint64_t argument);
  static void on_random(void* injector, std::uint64_t argument);
  void schedule_next_failure(std::uint32_t process, std::uint32_t member);
  void record(std::string what);
  const std::string& name(NodeId node) const { return network_.node(node).name(); }
  void apply_windows();

  sim::Simulator& simulator_;
  net::Network& network_;
  Kinds kinds_;
  std::vector<Planned> planned_;
  std::vector<std::unique_ptr<RandomProcess>> random_;
  std::vector<double> loss_windows_;         // probability per handle; < 0 when closed
  std::vector<double> duplication_windows_;  // idem
  FaultStats stats_;
  std::vector<FaultLogEntry> log_;
};

}  // namespace txsim::fault
