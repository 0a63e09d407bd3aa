#include "txsim/fault_plan.h"

#include <google/protobuf/text_format.h>

#include <cstdio>
#include <sstream>
#include <stdexcept>

#include "txsim/scenario.pb.h"

namespace txsim {
namespace {

// A number a person reads ("1.5", "0.003"); 9 significant digits cover the 1 ms grid of any
// plausible horizon.
std::string seconds(double s) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.9g", s);
  return buffer;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string json_names(const std::vector<std::string>& names) {
  std::string out = "[";
  for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + json_string(names[i]);
  return out + "]";
}

void add_fault(const Fault& f, scenario::Faults& out) {
  scenario::TimedFault& at = *out.add_at();
  at.set_time_s(f.start_s);
  switch (f.kind) {
    case FaultKind::kCrash:
      at.mutable_crash()->set_node(f.node);
      at.mutable_crash()->set_downtime_s(f.duration_s);
      return;
    case FaultKind::kPartition:
      for (const auto& n : f.side_a) at.mutable_partition()->add_side_a(n);
      for (const auto& n : f.side_b) at.mutable_partition()->add_side_b(n);
      at.mutable_partition()->set_duration_s(f.duration_s);
      return;
    case FaultKind::kLoss:
      at.mutable_loss()->set_probability(f.probability);
      at.mutable_loss()->set_duration_s(f.duration_s);
      return;
    case FaultKind::kDuplication:
      at.mutable_duplication()->set_probability(f.probability);
      at.mutable_duplication()->set_duration_s(f.duration_s);
      return;
    case FaultKind::kLatencySpike:
      at.mutable_slow()->set_from(f.node);
      at.mutable_slow()->set_to(f.to);
      at.mutable_slow()->set_factor(f.factor);
      at.mutable_slow()->set_duration_s(f.duration_s);
      return;
  }
  throw std::logic_error("FaultPlan::to_proto: unknown fault kind");
}

}  // namespace

const char* fault_kind_name(FaultKind kind) {
  switch (kind) {
    case FaultKind::kCrash: return "crash";
    case FaultKind::kPartition: return "partition";
    case FaultKind::kLoss: return "loss";
    case FaultKind::kDuplication: return "duplication";
    case FaultKind::kLatencySpike: return "latency_spike";
  }
  return "unknown";
}

std::string Fault::describe() const {
  std::string what = "at " + seconds(start_s) + " s ";
  switch (kind) {
    case FaultKind::kCrash: what += "crash " + node; break;
    case FaultKind::kPartition: what += "partition {" + join(side_a) + "} | {" + join(side_b) + "}"; break;
    case FaultKind::kLoss: what += "lose messages with p=" + seconds(probability); break;
    case FaultKind::kDuplication: what += "duplicate messages with p=" + seconds(probability); break;
    case FaultKind::kLatencySpike:
      what += "slow " + node + " <-> " + to + " x" + seconds(factor);
      break;
  }
  return what + " for " + seconds(duration_s) + " s";
}

void FaultPlan::to_proto(scenario::Faults& out) const {
  out.Clear();
  for (const auto& f : faults) add_fault(f, out);
}

std::string FaultPlan::to_textproto() const {
  scenario::Faults proto;
  to_proto(proto);
  std::string text;
  google::protobuf::TextFormat::PrintToString(proto, &text);
  return text;
}

std::string FaultPlan::describe() const {
  if (faults.empty()) return "no faults";
  std::string out;
  for (const auto& f : faults) out += (out.empty() ? "" : "\n") + f.describe();
  return out;
}

std::string FaultPlan::to_json() const {
  std::ostringstream out;
  out << "[";
  for (std::size_t i = 0; i < faults.size(); ++i) {
    const Fault& f = faults[i];
    out << (i ? ", " : "") << "{\"kind\": " << json_string(fault_kind_name(f.kind))
        << ", \"start_s\": " << seconds(f.start_s) << ", \"duration_s\": " << seconds(f.duration_s);
    switch (f.kind) {
      case FaultKind::kCrash: out << ", \"node\": " << json_string(f.node); break;
      case FaultKind::kPartition:
        out << ", \"side_a\": " << json_names(f.side_a) << ", \"side_b\": " << json_names(f.side_b);
        break;
      case FaultKind::kLoss:
      case FaultKind::kDuplication: out << ", \"probability\": " << seconds(f.probability); break;
      case FaultKind::kLatencySpike:
        out << ", \"from\": " << json_string(f.node) << ", \"to\": " << json_string(f.to)
            << ", \"factor\": " << seconds(f.factor);
        break;
    }
    out << ", \"describe\": " << json_string(f.describe()) << "}";
  }
  out << "]";
  return out.str();
}

}  // namespace txsim
