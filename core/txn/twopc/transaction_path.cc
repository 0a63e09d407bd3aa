#include "core/txn/twopc/transaction_path.h"

#include <cstdio>
#include <stdexcept>

namespace txsim::twopc {
namespace {

std::string ms(sim::Time t) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f ms", t.to_seconds() * 1e3);
  return buffer;
}

std::string ms(sim::Duration d) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f ms", static_cast<double>(d.ns()) / 1e6);
  return buffer;
}

void first(std::optional<sim::Time>& slot, sim::Time at) {
  if (!slot) slot = at;
}

PartPath& part_of(TransactionPath& path, std::uint32_t part) {
  if (part >= path.parts.size()) {
    throw std::logic_error("2PC path: part " + std::to_string(part) + " of transaction " +
                           std::to_string(path.txn) + " is not in its route");
  }
  return path.parts[part];
}

}  // namespace

std::optional<TransactionPath> transaction_path(const TwoPhaseHistory& history, TxnId txn,
                                                std::uint32_t parts) {
  const auto record = history.txns().find(txn);
  if (record == history.txns().end()) return std::nullopt;
  TransactionPath path;
  path.txn = txn;
  path.route = record->second.route;
  path.begun_at = record->second.begun_at;
  path.outcome = record->second.outcome;
  path.decided_at = record->second.decided_at;
  path.parts.resize(parts);
  for (std::uint32_t i = 0; i < parts; ++i) path.parts[i].part = i;
  for (const auto& s : history.steps()) {
    if (s.txn != txn) continue;
    PartPath& p = part_of(path, s.part);
    switch (s.event) {
      case PathEvent::kPrepareSent: first(p.prepare_sent, s.at); break;
      case PathEvent::kPrepareReceived: first(p.prepare_received, s.at); break;
      case PathEvent::kVoted:
        first(p.voted, s.at);
        p.vote_yes = s.yes;
        break;
      case PathEvent::kVoteReceived: first(p.vote_received, s.at); break;
      case PathEvent::kDecisionSent:
        first(p.decision_sent, s.at);
        ++p.decision_sends;
        break;
      case PathEvent::kAckReceived: first(p.ack_received, s.at); break;
      case PathEvent::kQuerySent: ++p.queries; break;
    }
  }
  for (const auto& o : history.parts()) {
    if (o.txn != txn) continue;
    PartPath& p = part_of(path, o.part);
    if (p.applied == Outcome::kNone) {
      p.applied = o.outcome;
      p.applied_at = o.at;
    }
  }
  return path;
}

std::string to_text(const TransactionPath& path, const std::string& route_name,
                    const std::vector<std::string>& part_names) {
  std::string out = "2PC transaction " + std::to_string(path.txn) + " (" + route_name + "): begun " +
                    ms(path.begun_at);
  out += path.outcome == Outcome::kNone
             ? ", never decided\n"
             : ", decided " + std::string(to_string(path.outcome)) + " at " + ms(path.decided_at) + "\n";
  for (const auto& p : path.parts) {
    out += "  part " + std::to_string(p.part);
    if (p.part < part_names.size()) out += " " + part_names[p.part];
    out += ":";
    const auto item = [&out](const std::string& text) { out += " " + text + ";"; };
    if (p.prepare_sent) item("prepare sent " + ms(*p.prepare_sent));
    item(p.prepare_received ? "prepare received " + ms(*p.prepare_received) : "no prepare received");
    if (p.voted) item(std::string("voted ") + (p.vote_yes ? "yes " : "no ") + ms(*p.voted));
    if (p.vote_received) item("vote received " + ms(*p.vote_received));
    if (p.decision_sent) {
      item("decision sent " + ms(*p.decision_sent) +
           (p.decision_sends > 1 ? " (" + std::to_string(p.decision_sends) + " sends)" : ""));
    }
    if (p.applied_at) {
      item("applied " + std::string(to_string(p.applied)) + " " + ms(*p.applied_at));
    } else {
      item("no outcome applied");
    }
    if (p.ack_received) item("ack received " + ms(*p.ack_received));
    if (p.voted && p.vote_yes && p.applied_at) item("in doubt " + ms(*p.applied_at - *p.voted));
    if (p.queries > 0) item(std::to_string(p.queries) + (p.queries == 1 ? " query" : " queries"));
    out.back() = '\n';
  }
  return out;
}

}  // namespace txsim::twopc
