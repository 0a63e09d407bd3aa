#include "core/txn/twopc/coordinator.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <stdexcept>

namespace txsim::twopc {

TwoPhaseCoordinator::TwoPhaseCoordinator(net::Node& node, std::vector<TwoPcRoute> routes,
                                         CoordinatorConfig config, TwoPhaseHistory* history)
    : node_(node), routes_(std::move(routes)), config_(config), history_(history) {
  for (const auto& route : routes_) {
    if (route.nodes.empty() || route.nodes.size() != route.services.size() ||
        route.nodes.size() >= kMaxParts) {
      throw std::invalid_argument("2PC route '" + route.name + "' needs 1.." +
                                  std::to_string(kMaxParts - 1) + " parts, each with a node and a service");
    }
  }
  if (routes_.size() >= kMaxParts) throw std::invalid_argument("too many 2PC routes");
  if (config_.vote_wait <= sim::Duration{} || config_.resend_interval <= sim::Duration{}) {
    throw std::invalid_argument("2PC coordinator: vote_wait and resend_interval must be > 0");
  }
  for (const auto type : {kBeginCommit, kVote, kAck, kQuery}) {
    node_.on(type, [this](net::Node&, const net::Message& message) { deliver(message); });
  }
}

std::string TwoPhaseCoordinator::log_key(TxnId txn) {
  char key[32];
  std::snprintf(key, sizeof key, "2pc/c/%016" PRIx64, txn);
  return key;
}

std::string TwoPhaseCoordinator::record(char state, const Txn& t) const {
  return std::string(1, state) + " " + std::to_string(t.route) + " " + std::to_string(t.args.a) +
         " " + std::to_string(t.args.b);
}

void TwoPhaseCoordinator::note(TxnId txn, std::uint32_t part, PathEvent event, bool yes) {
  if (history_ != nullptr) history_->step(txn, part, event, yes, node_.simulator().now());
}

void TwoPhaseCoordinator::send(net::NodeId to, net::MessageType type, const TwoPcMessage& m) {
  if (send_or_deliver(node_, to, type, m, local_host_)) ++stats_.messages_sent;
}

std::size_t TwoPhaseCoordinator::undecided() const {
  return static_cast<std::size_t>(std::count_if(
      txns_.begin(), txns_.end(), [](const auto& t) { return t.second.phase != Phase::kDecided; }));
}

TwoPhaseCoordinator::Txn& TwoPhaseCoordinator::start(std::uint32_t route, TxnId txn, TxnArgs args) {
  if (route >= routes_.size()) throw std::logic_error("2PC route " + std::to_string(route) + " unknown");
  Txn t;
  t.route = route;
  t.args = args;
  t.parts.assign(routes_[route].nodes.size(), PartState::kWaiting);
  t.begun_at = node_.simulator().now();
  ++stats_.begun;
  if (history_ != nullptr) history_->begin(txn, route, t.begun_at);
  node_.store().put(log_key(txn), record('B', t));  // not forced: no decision depends on it
  node_.spawn(vote_timer(txn));
  return txns_.emplace(txn, std::move(t)).first->second;
}

bool TwoPhaseCoordinator::begin(std::uint32_t route, TxnId txn, TxnArgs args) {
  if (!node_.is_up()) {
    ++stats_.rejected;
    return false;
  }
  if (txns_.count(txn) > 0) throw std::logic_error("2PC transaction id reused");
  const Txn& t = start(route, txn, args);
  const auto& r = routes_[route];
  for (std::uint32_t part = 0; part < t.parts.size(); ++part) {
    note(txn, part, PathEvent::kPrepareSent, false);
    send(r.nodes[part], kPrepare, {txn, part, r.services[part], route, 0, args});
  }
  return true;
}

void TwoPhaseCoordinator::deliver(const net::Message& message) {
  const TwoPcMessage m = decode(message.payload);
  switch (message.header.type) {
    case kBeginCommit: on_begin_commit(m); break;
    case kVote: on_vote(m); break;
    case kAck: on_ack(m); break;
    case kQuery: on_query(m); break;
    default:
      throw std::logic_error("2PC coordinator got message type " + std::to_string(message.header.type));
  }
}

void TwoPhaseCoordinator::on_begin_commit(const TwoPcMessage& m) {
  if (txns_.count(m.txn) > 0) return;  // a duplicate
  Txn& t = start(m.route, m.txn, m.args);
  t.parts.at(m.part) = PartState::kYes;
  const auto& r = routes_[m.route];
  for (std::uint32_t part = 0; part < t.parts.size(); ++part) {
    if (part == m.part) continue;
    note(m.txn, part, PathEvent::kPrepareSent, false);
    send(r.nodes[part], kPrepare, {m.txn, part, r.services[part], m.route, 0, m.args});
  }
  if (t.parts.size() == 1) decide(m.txn, true);
}

void TwoPhaseCoordinator::on_vote(const TwoPcMessage& m) {
  const auto it = txns_.find(m.txn);
  // A vote for a forgotten transaction changes nothing: a yes voter that missed the decision
  // will ask for it.
  if (it == txns_.end()) return;
  note(m.txn, m.part, PathEvent::kVoteReceived, m.flag == 1);
  Txn& t = it->second;
  if (t.phase == Phase::kDecided && !t.commit && m.flag != 1) {
    // A late no vote answers the abort: that part has aborted and needs nothing more.
    on_ack(m);
    return;
  }
  if (t.phase != Phase::kCollecting) return;
  t.parts.at(m.part) = m.flag == 1 ? PartState::kYes : PartState::kNo;
  if (m.flag != 1) {
    decide(m.txn, false);
  } else if (std::all_of(t.parts.begin(), t.parts.end(), [](PartState s) { return s == PartState::kYes; })) {
    decide(m.txn, true);
  }
}

void TwoPhaseCoordinator::on_ack(const TwoPcMessage& m) {
  const auto it = txns_.find(m.txn);
  if (it == txns_.end() || it->second.phase != Phase::kDecided) return;
  note(m.txn, m.part, PathEvent::kAckReceived, m.flag == 1);
  Txn& t = it->second;
  t.parts.at(m.part) = PartState::kAcknowledged;
  if (std::all_of(t.parts.begin(), t.parts.end(), [](PartState s) {
        return s == PartState::kAcknowledged || s == PartState::kNo;
      })) {
    node_.store().erase(log_key(m.txn));  // the end record: not forced
    txns_.erase(it);
  }
}

void TwoPhaseCoordinator::on_query(const TwoPcMessage& m) {
  const auto it = txns_.find(m.txn);
  if (it == txns_.end()) {  // presumed abort (see the header comment, 4.)
    // The presumption is the decision of a transaction lost before it was decided. A
    // transaction forgotten after every part acknowledged its decision is not one: a query
    // that was in flight when the decision arrived can still reach the coordinator, and its
    // part, having applied the decision, ignores the answer.
    if (history_ != nullptr && history_->knows(m.txn) &&
        history_->txns().at(m.txn).outcome == Outcome::kNone) {
      history_->decide(m.txn, Outcome::kAborted, node_.simulator().now());
    }
    const auto& r = routes_.at(m.route);
    send(r.nodes.at(m.part), kDecision, {m.txn, m.part, m.service, m.route, 0, {}});
    return;
  }
  if (it->second.phase == Phase::kDecided) send_decision(m.txn, it->second, m.part);
}

void TwoPhaseCoordinator::decide(TxnId txn, bool commit) {
  Txn& t = txns_.at(txn);
  t.phase = Phase::kDeciding;
  t.commit = commit;
  node_.spawn(make_decision(txn));
}

sim::Task<void> TwoPhaseCoordinator::make_decision(TxnId txn) {
  Txn& t = txns_.at(txn);
  const bool forced = t.commit || !config_.presumed_abort;
  node_.store().put(log_key(txn), record(t.commit ? 'C' : 'A', t));
  if (forced) {
    co_await node_.store().sync();
    ++stats_.forced_writes;
  }
  t.phase = Phase::kDecided;
  const sim::Time now = node_.simulator().now();
  if (history_ != nullptr) history_->decide(txn, t.commit ? Outcome::kCommitted : Outcome::kAborted, now);
  if (t.commit) {
    ++stats_.committed;
    stats_.committed_latency_ns.record((now - t.begun_at).ns());
  } else {
    ++stats_.aborted;
    stats_.aborted_latency_ns.record((now - t.begun_at).ns());
  }
  for (std::uint32_t part = 0; part < t.parts.size(); ++part) {
    if (t.parts[part] != PartState::kNo) send_decision(txn, t, part);
  }
  if (!t.commit && config_.presumed_abort) {
    node_.store().erase(log_key(txn));
    txns_.erase(txn);
    co_return;
  }
  node_.spawn(resend(txn));
}

void TwoPhaseCoordinator::send_decision(TxnId txn, const Txn& t, std::uint32_t part) {
  const auto& r = routes_[t.route];
  note(txn, part, PathEvent::kDecisionSent, t.commit);
  send(r.nodes[part], kDecision,
       {txn, part, r.services[part], t.route, t.commit ? std::uint8_t{1} : std::uint8_t{0}, t.args});
}

sim::Task<void> TwoPhaseCoordinator::vote_timer(TxnId txn) {
  co_await node_.sleep(config_.vote_wait);
  const auto it = txns_.find(txn);
  if (it != txns_.end() && it->second.phase == Phase::kCollecting) decide(txn, false);
}

sim::Task<void> TwoPhaseCoordinator::resend(TxnId txn) {
  for (;;) {
    co_await node_.sleep(config_.resend_interval);
    const auto it = txns_.find(txn);
    if (it == txns_.end()) co_return;
    for (std::uint32_t part = 0; part < it->second.parts.size(); ++part) {
      const PartState s = it->second.parts[part];
      if (s == PartState::kNo || s == PartState::kAcknowledged) continue;
      ++stats_.decisions_resent;
      send_decision(txn, it->second, part);
    }
  }
}

sim::Task<void> TwoPhaseCoordinator::recover() {
  const std::string prefix = "2pc/c/";
  std::vector<std::pair<std::string, std::string>> records;
  const auto& contents = node_.store().contents();
  for (auto it = contents.lower_bound(prefix);
       it != contents.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    records.emplace_back(it->first, it->second.value);
  }
  for (const auto& [key, value] : records) {
    unsigned long long txn = 0, a = 0, b = 0;
    unsigned route = 0;
    char state = 0;
    if (std::sscanf(key.c_str() + prefix.size(), "%llx", &txn) != 1 ||
        std::sscanf(value.c_str(), "%c %u %llu %llu", &state, &route, &a, &b) != 4 ||
        route >= routes_.size()) {
      throw std::logic_error("unreadable 2PC log record '" + key + "' = '" + value + "'");
    }
    ++stats_.recovered;
    Txn t;
    t.route = route;
    t.args = {a, b};
    t.parts.assign(routes_[route].nodes.size(), PartState::kWaiting);
    t.begun_at = node_.simulator().now();
    t.commit = state == 'C';
    t.phase = state == 'B' ? Phase::kCollecting : Phase::kDecided;
    auto& stored = txns_.emplace(txn, std::move(t)).first->second;
    if (state == 'B') {
      // No decision was made before the crash: abort (every part that voted yes is in doubt
      // and learns it from the decision or, under presumed abort, from a query).
      decide(txn, false);
      continue;
    }
    for (std::uint32_t part = 0; part < stored.parts.size(); ++part) send_decision(txn, stored, part);
    node_.spawn(resend(txn));
  }
  co_return;
}

void TwoPhaseCoordinator::crash() { txns_.clear(); }

namespace {
sim::Task<void> recover_node(ParticipantHost* host, TwoPhaseCoordinator* coordinator) {
  if (coordinator != nullptr) co_await coordinator->recover();
  if (host != nullptr) co_await host->recover();
}
}  // namespace

void install_node_hooks(net::Node& node, ParticipantHost* host, TwoPhaseCoordinator* coordinator) {
  node.set_on_crash([host, coordinator](net::Node&) {
    if (coordinator != nullptr) coordinator->crash();
    if (host != nullptr) host->crash();
  });
  node.set_recovery([host, coordinator](net::Node&) { return recover_node(host, coordinator); });
}

}  // namespace txsim::twopc
