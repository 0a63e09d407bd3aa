#include "core/fault/fault_injector.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/sim/distributions.h"

namespace txsim::fault {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

bool is_window(const FaultAction& action) {
  return std::holds_alternative<LossFault>(action) ||
         std::holds_alternative<DuplicationFault>(action);
}

void require_probability(double p, const char* what) {
  if (!(p >= 0.0 && p <= 1.0)) {
    throw std::invalid_argument(std::string(what) + " probability must be in [0, 1], got " +
                                std::to_string(p));
  }
}

double combine(const std::vector<double>& windows) {
  double pass = 1.0;
  for (double p : windows) {
    if (p >= 0.0) pass *= 1.0 - p;
  }
  return 1.0 - pass;
}

std::string format(double x) {
  std::string s = std::to_string(x);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

FaultInjector::FaultInjector(sim::Simulator& simulator, net::Network& network)
    : simulator_(simulator), network_(network) {
  auto reg = [&](const char* name) { return simulator_.register_kind(name); };
  kinds_.crash = reg("fault/crash");
  kinds_.restart = reg("fault/restart");
  kinds_.partition = reg("fault/partition");
  kinds_.heal = reg("fault/heal");
  kinds_.slow = reg("fault/slow");
  kinds_.slow_end = reg("fault/slow_end");
  kinds_.loss = reg("fault/loss_window");
  kinds_.loss_end = reg("fault/loss_window_end");
  kinds_.duplication = reg("fault/duplication_window");
  kinds_.duplication_end = reg("fault/duplication_window_end");
  kinds_.skew = reg("fault/clock_skew");
  kinds_.skew_end = reg("fault/clock_skew_end");
}

void FaultInjector::record(std::string what) {
  log_.push_back(FaultLogEntry{simulator_.now(), std::move(what)});
}

bool FaultInjector::crash(NodeId node) {
  if (!network_.node(node).crash()) return false;
  ++stats_.crashes;
  record("crash " + name(node));
  return true;
}

bool FaultInjector::restart(NodeId node) {
  if (!network_.node(node).restart()) return false;
  ++stats_.restarts;
  record("restart " + name(node));
  return true;
}

net::PartitionId FaultInjector::partition(const std::vector<NodeId>& side_a,
                                          const std::vector<NodeId>& side_b,
                                          net::PartitionMode mode) {
  net::PartitionId id = network_.partition(side_a, side_b, mode);
  ++stats_.partitions;
  auto list = [&](const std::vector<NodeId>& side) {
    std::string out;
    for (NodeId n : side) out += (out.empty() ? "" : ", ") + name(n);
    return "{" + out + "}";
  };
  record("partition #" + std::to_string(id) + " " + list(side_a) +
         (mode == net::PartitionMode::kSymmetric ? " | " : " -> ") + list(side_b));
  return id;
}

bool FaultInjector::heal(net::PartitionId id) {
  if (!network_.heal(id)) return false;
  ++stats_.heals;
  record("heal partition #" + std::to_string(id));
  return true;
}

std::size_t FaultInjector::heal_all() {
  std::size_t healed = network_.heal_all();
  stats_.heals += healed;
  if (healed > 0) record("heal all (" + std::to_string(healed) + " partitions)");
  return healed;
}

void FaultInjector::slow(NodeId from, NodeId to, double factor, bool both_directions) {
  network_.set_slow_factor(from, to, factor);
  if (both_directions) network_.set_slow_factor(to, from, factor);
  ++(factor == 1.0 ? stats_.slowdowns_ended : stats_.slowdowns);
  record("slow " + name(from) + (both_directions ? " <-> " : " -> ") + name(to) + " x" +
         format(factor));
}

void FaultInjector::apply_windows() {
  network_.set_fault_loss_probability(combine(loss_windows_));
  network_.set_fault_duplication_probability(combine(duplication_windows_));
}

std::size_t FaultInjector::open_loss_window(double probability) {
  require_probability(probability, "loss window");
  loss_windows_.push_back(probability);
  apply_windows();
  ++stats_.loss_windows;
  record("loss window p=" + format(probability));
  return loss_windows_.size() - 1;
}

void FaultInjector::close_loss_window(std::size_t handle) {
  if (loss_windows_.at(handle) < 0.0) return;
  loss_windows_[handle] = -1.0;
  apply_windows();
  record("loss window closed");
}

std::size_t FaultInjector::open_duplication_window(double probability) {
  require_probability(probability, "duplication window");
  duplication_windows_.push_back(probability);
  apply_windows();
  ++stats_.duplication_windows;
  record("duplication window p=" + format(probability));
  return duplication_windows_.size() - 1;
}

void FaultInjector::close_duplication_window(std::size_t handle) {
  if (duplication_windows_.at(handle) < 0.0) return;
  duplication_windows_[handle] = -1.0;
  apply_windows();
  record("duplication window closed");
}

void FaultInjector::skew_clock(NodeId node, double timer_stretch) {
  network_.node(node).set_timer_stretch(timer_stretch);
  ++stats_.clock_skews;
  record("clock skew " + name(node) + " timers x" + format(timer_stretch));
}

std::uint32_t FaultInjector::start_kind(const FaultAction& action) const {
  return std::visit(Overloaded{[&](const CrashFault&) { return kinds_.crash; },
                               [&](const RestartFault&) { return kinds_.restart; },
                               [&](const PartitionFault&) { return kinds_.partition; },
                               [&](const HealAllFault&) { return kinds_.heal; },
                               [&](const SlowFault&) { return kinds_.slow; },
                               [&](const LossFault&) { return kinds_.loss; },
                               [&](const DuplicationFault&) { return kinds_.duplication; },
                               [&](const ClockSkewFault&) { return kinds_.skew; }},
                    action);
}

std::uint32_t FaultInjector::end_kind(const FaultAction& action) const {
  return std::visit(Overloaded{[&](const CrashFault&) { return kinds_.restart; },
                               [&](const PartitionFault&) { return kinds_.heal; },
                               [&](const SlowFault&) { return kinds_.slow_end; },
                               [&](const LossFault&) { return kinds_.loss_end; },
                               [&](const DuplicationFault&) { return kinds_.duplication_end; },
                               [&](const ClockSkewFault&) { return kinds_.skew_end; },
                               [&](const auto&) { return kinds_.heal; }},
                    action);
}

void FaultInjector::schedule(ScheduledFault fault) {
  if (fault.duration < sim::Duration{}) {
    throw std::invalid_argument("scheduled fault duration must be >= 0");
  }
  if (is_window(fault.action) && fault.duration <= sim::Duration{}) {
    throw std::invalid_argument("a loss or duplication window needs a duration > 0");
  }
  if (const auto* loss = std::get_if<LossFault>(&fault.action)) {
    require_probability(loss->probability, "loss window");
  }
  if (const auto* dup = std::get_if<DuplicationFault>(&fault.action)) {
    require_probability(dup->probability, "duplication window");
  }
  std::uint32_t kind = start_kind(fault.action);
  sim::Time at = fault.at;
  planned_.push_back(Planned{std::move(fault)});
  simulator_.schedule_at(at, kind, &FaultInjector::on_planned, this, (planned_.size() - 1) << 1);
}

void FaultInjector::on_planned(void* context, std::uint64_t argument) {
  auto& self = *static_cast<FaultInjector*>(context);
  Planned& planned = self.planned_[argument >> 1];
  if ((argument & 1) != 0) return self.finish(planned);
  self.start(planned);
  if (planned.fault.duration > sim::Duration{} &&
      !std::holds_alternative<RestartFault>(planned.fault.action) &&
      !std::holds_alternative<HealAllFault>(planned.fault.action)) {
    self.simulator_.schedule_after(planned.fault.duration, self.end_kind(planned.fault.action),
                                   &FaultInjector::on_planned, &self, argument | 1);
  }
}

void FaultInjector::start(Planned& planned) {
  std::visit(
      Overloaded{[&](const CrashFault& f) { crash(f.node); },
                 [&](const RestartFault& f) { restart(f.node); },
                 [&](const PartitionFault& f) {
                   planned.partition = partition(f.side_a, f.side_b, f.mode);
                 },
                 [&](const HealAllFault&) { heal_all(); },
                 [&](const SlowFault& f) { slow(f.from, f.to, f.factor, f.both_directions); },
                 [&](const LossFault& f) { planned.window = open_loss_window(f.probability); },
                 [&](const DuplicationFault& f) {
                   planned.window = open_duplication_window(f.probability);
                 },
                 [&](const ClockSkewFault& f) { skew_clock(f.node, f.timer_stretch); }},
      planned.fault.action);
}

void FaultInjector::finish(Planned& planned) {
  std::visit(
      Overloaded{[&](const CrashFault& f) { restart(f.node); },
                 [&](const PartitionFault&) { heal(planned.partition); },
                 [&](const SlowFault& f) { slow(f.from, f.to, 1.0, f.both_directions); },
                 [&](const LossFault&) { close_loss_window(planned.window); },
                 [&](const DuplicationFault&) { close_duplication_window(planned.window); },
                 [&](const ClockSkewFault& f) { skew_clock(f.node, 1.0); }, [&](const auto&) {}},
      planned.fault.action);
}

// Random crash events carry (process << 33 | member << 1 | phase), phase 1 = restart.
void FaultInjector::add_random_crashes(RandomCrashes spec) {
  if (!(spec.mtbf_s > 0.0) || !std::isfinite(spec.mtbf_s)) {
    throw std::invalid_argument("random crashes: mtbf_s must be > 0");
  }
  if (!(spec.mean_downtime_s >= 0.0) || !std::isfinite(spec.mean_downtime_s)) {
    throw std::invalid_argument("random crashes: mean_downtime_s must be >= 0");
  }
  if (spec.end < spec.start) throw std::invalid_argument("random crashes: end before start");
  for (NodeId node : spec.nodes) network_.node(node);  // throws std::out_of_range if unknown
  sim::Rng rng = simulator_.stream(spec.stream);
  random_.push_back(std::make_unique<RandomProcess>(RandomProcess{std::move(spec), rng}));
  auto process = static_cast<std::uint32_t>(random_.size() - 1);
  for (std::uint32_t member = 0; member < random_.back()->spec.nodes.size(); ++member) {
    schedule_next_failure(process, member);
  }
}

void FaultInjector::schedule_next_failure(std::uint32_t process, std::uint32_t member) {
  RandomProcess& p = *random_[process];
  sim::Time from = std::max(simulator_.now(), p.spec.start);
  sim::Time at = from + sim::duration_from_seconds(sim::exponential(p.rng, p.spec.mtbf_s));
  if (at >= p.spec.end) return;
  simulator_.schedule_at(at, kinds_.crash, &FaultInjector::on_random, this,
                         (std::uint64_t{process} << 33) | (std::uint64_t{member} << 1));
}

void FaultInjector::on_random(void* context, std::uint64_t argument) {
  auto& self = *static_cast<FaultInjector*>(context);
  auto process = static_cast<std::uint32_t>(argument >> 33);
  auto member = static_cast<std::uint32_t>((argument >> 1) & 0xffffffffu);
  RandomProcess& p = *self.random_[process];
  NodeId node = p.spec.nodes[member];
  if ((argument & 1) != 0) {
    self.restart(node);
    return self.schedule_next_failure(process, member);
  }
  if (!self.crash(node)) return self.schedule_next_failure(process, member);  // already down
  sim::Duration downtime =
      sim::duration_from_seconds(sim::exponential(p.rng, p.spec.mean_downtime_s));
  self.simulator_.schedule_after(downtime, self.kinds_.restart, &FaultInjector::on_random, &self,
                                 argument | 1);
}

std::vector<NodeId> FaultInjector::resolve(const std::vector<std::string>& names,
                                           std::string_view field) const {
  std::vector<NodeId> ids;
  for (const auto& n : names) {
    if (n == "*") {
      for (NodeId id = 0; id < network_.size(); ++id) ids.push_back(id);
      continue;
    }
    const net::Node* found = network_.find_node(n);
    if (found == nullptr) {
      std::string known;
      for (NodeId id = 0; id < network_.size(); ++id) {
        known += (known.empty() ? "'" : ", '") + network_.node(id).name() + "'";
      }
      throw std::invalid_argument(std::string(field) + ": unknown node '" + n +
                                  "'; expected one of " + known + " or '*'");
    }
    ids.push_back(found->id());
  }
  return ids;
}

std::vector<NodeId> FaultInjector::all_except(const std::vector<NodeId>& nodes) const {
  std::vector<NodeId> rest;
  for (NodeId id = 0; id < network_.size(); ++id) {
    if (std::find(nodes.begin(), nodes.end(), id) == nodes.end()) rest.push_back(id);
  }
  return rest;
}

}  // namespace txsim::fault
