// Validation of `faults`: every fault names known nodes or groups, with probabilities in
// [0, 1], non-negative durations and factors in range.
#include "core/scenario/validation.h"

namespace txsim::scenario {
namespace {

using google::protobuf::Message;

// A place (node, zone, region, group) or "*" when `star` is allowed; empty allowed when
// `optional` (meaning "*").
void place(Validation& v, const FieldCursor& at, const Message& parent, const std::string& field,
           int index, const std::string& name, bool star, bool optional) {
  if (name.empty() && optional) return;
  if (star && name == "*") return;
  if (v.is_place(name)) return;
  v.error(at, parent, field, index,
          (name.empty() ? std::string("is missing") : "'" + name + "' is unknown") +
              "; expected " + v.expected_place() + (star ? " or \"*\"" : ""));
}

// A node, or a service standing for its node.
void crash_target(Validation& v, const FieldCursor& at, const Crash& crash) {
  if (v.nodes.count(crash.node()) || v.services.count(crash.node())) return;
  v.error(at, crash, "node", -1,
          (crash.node().empty() ? std::string("is missing") : "'" + crash.node() + "' is unknown") +
              "; expected a node (" + list_names(v.nodes) + ") or a service name");
}

void partition(Validation& v, const FieldCursor& at, const Partition& p) {
  if (p.side_a().empty()) v.error(at, p, "side_a", -1, "is empty; expected at least one node");
  if (p.side_b().empty()) {
    v.error(at, p, "side_b", -1, "is empty; expected at least one node, or \"*\" for the rest");
  }
  for (int i = 0; i < p.side_a_size(); ++i) place(v, at, p, "side_a", i, p.side_a(i), false, false);
  for (int i = 0; i < p.side_b_size(); ++i) {
    if (p.side_b(i) == "*" && p.side_b_size() > 1) {
      v.error(at, p, "side_b", i, "is \"*\" next to other names; expected \"*\" alone");
    }
    place(v, at, p, "side_b", i, p.side_b(i), true, false);
  }
  for (const auto& a : p.side_a()) {
    for (int i = 0; i < p.side_b_size(); ++i) {
      if (a == p.side_b(i)) {
        v.error(at, p, "side_b", i, "'" + a + "' is on both sides; expected disjoint sides");
      }
    }
  }
  if (p.has_duration_s()) v.seconds(at, p, "duration_s", p.duration_s());
}

void timed(Validation& v, const FieldCursor& at, const TimedFault& f) {
  v.seconds(at, f, "time_s", f.time_s());
  switch (f.fault_case()) {
    case TimedFault::kCrash: {
      const FieldCursor c = at.nested(f, "crash");
      crash_target(v, c, f.crash());
      if (f.crash().has_downtime_s()) v.seconds(c, f.crash(), "downtime_s", f.crash().downtime_s());
      break;
    }
    case TimedFault::kPartition:
      partition(v, at.nested(f, "partition"), f.partition());
      break;
    case TimedFault::kSlow: {
      const FieldCursor c = at.nested(f, "slow");
      const Slow& s = f.slow();
      place(v, c, s, "from", -1, s.from(), true, false);
      place(v, c, s, "to", -1, s.to(), true, false);
      v.in_range(c, s, "factor", s.factor(), 1, 1e6, "a latency multiplier in [1, 1e6]");
      v.seconds(c, s, "duration_s", s.duration_s());
      break;
    }
    case TimedFault::kLoss: {
      const FieldCursor c = at.nested(f, "loss");
      const MessageLoss& l = f.loss();
      v.probability(c, l, "probability", l.probability());
      v.seconds(c, l, "duration_s", l.duration_s());
      place(v, c, l, "from", -1, l.from(), true, true);
      place(v, c, l, "to", -1, l.to(), true, true);
      break;
    }
    case TimedFault::kDuplication: {
      const FieldCursor c = at.nested(f, "duplication");
      const MessageDuplication& d = f.duplication();
      v.probability(c, d, "probability", d.probability());
      v.seconds(c, d, "duration_s", d.duration_s());
      place(v, c, d, "from", -1, d.from(), true, true);
      place(v, c, d, "to", -1, d.to(), true, true);
      break;
    }
    case TimedFault::kClockSkew: {
      const FieldCursor c = at.nested(f, "clock_skew");
      const ClockSkew& k = f.clock_skew();
      if (!v.nodes.count(k.node())) {
        v.error(c, k, "node", -1,
                (k.node().empty() ? std::string("is missing") : "'" + k.node() + "' is not a node") +
                    "; expected one of " + list_names(v.nodes));
      }
      v.in_range(c, k, "rate", k.rate(), 0.5, 2, "a clock rate in [0.5, 2] (1 is exact)");
      v.seconds(c, k, "duration_s", k.duration_s());
      break;
    }
    case TimedFault::FAULT_NOT_SET:
      v.error(at, f, "time_s", -1,
              "has no fault; expected one of crash, partition, slow, loss, duplication, "
              "clock_skew inside at { ... }");
      break;
  }
}

void random_faults(Validation& v, const FieldCursor& at, const RandomFaults& r) {
  v.seconds(at, r, "crash_mtbf_s", r.crash_mtbf_s());
  if (r.has_crash_downtime_s_mean()) {
    v.seconds(at, r, "crash_downtime_s_mean", r.crash_downtime_s_mean());
  }
  for (int i = 0; i < r.nodes_size(); ++i) place(v, at, r, "nodes", i, r.nodes(i), false, false);
  v.probability(at, r, "message_loss_probability", r.message_loss_probability());
  v.probability(at, r, "message_duplication_probability", r.message_duplication_probability());
  v.probability(at, r, "message_reordering_probability", r.message_reordering_probability());
  v.seconds(at, r, "start_s", r.start_s());
  if (r.has_end_s() && v.seconds(at, r, "end_s", r.end_s()) && r.end_s() < r.start_s()) {
    v.error(at, r, "end_s", -1,
            "is " + format_number(r.end_s()) + "; expected at least start_s (" +
                format_number(r.start_s()) + ")");
  }
}

}  // namespace

void validate_faults(Validation& v, const FieldCursor& root, const Scenario& s) {
  const Faults& f = s.faults();
  const FieldCursor at = root.nested(s, "faults");
  v.size_limit(at, f, "at", f.at_size(), kMaxTimedFaults);
  for (int i = 0; i < f.at_size() && i < kMaxTimedFaults; ++i) {
    timed(v, at.nested(f, "at", i), f.at(i));
  }
  random_faults(v, at.nested(f, "random"), f.random());
}

}  // namespace txsim::scenario
