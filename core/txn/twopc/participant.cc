#include "core/txn/twopc/participant.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "core/sim/distributions.h"

namespace txsim::twopc {
namespace {

// Parts remembered after they finish, per participant (see finished_).
constexpr std::size_t kFinishedMax = 1u << 16;

std::string record_value(char state, std::uint32_t route, const TxnArgs& args) {
  return std::string(1, state) + " " + std::to_string(route) + " " + std::to_string(args.a) + " " +
         std::to_string(args.b);
}

}  // namespace

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::kNone: return "none";
    case Outcome::kCommitted: return "committed";
    case Outcome::kAborted: return "aborted";
  }
  return "unknown";
}

TwoPhaseParticipant::TwoPhaseParticipant(net::Node& node, std::uint32_t service,
                                         TwoPhaseResource& resource, ParticipantConfig config,
                                         net::NodeId coordinator, TwoPhaseHistory* history)
    : node_(node),
      service_(service),
      resource_(resource),
      config_(config),
      coordinator_(coordinator),
      history_(history),
      locks_(node.simulator(), node.simulator().register_kind("2pc/lock:" + node.name() + "/" + std::to_string(service))),
      service_time_rng_(node.simulator().stream("2pc/participant/" + node.name() + "/" +
                                                std::to_string(service) + "/service_time")),
      business_rng_(node.simulator().stream("2pc/participant/" + node.name() + "/" +
                                            std::to_string(service) + "/business")) {
  if (service >= kMaxServices) throw std::invalid_argument("2PC service number out of range");
  if (config.service_time_ms_mean < 0) throw std::invalid_argument("service_time_ms_mean < 0");
}

std::string TwoPhaseParticipant::record_prefix() const {
  return "2pc/p/" + std::to_string(service_) + "/";
}

std::string TwoPhaseParticipant::record_key(const Key& key) const {
  char id[40];
  std::snprintf(id, sizeof id, "%016" PRIx64 "/%u", key.first, key.second);
  return record_prefix() + id;
}

void TwoPhaseParticipant::note(const Key& key, PathEvent event, bool yes) {
  if (history_ != nullptr) history_->step(key.first, key.second, event, yes, node_.simulator().now());
}

void TwoPhaseParticipant::send(net::MessageType type, const TwoPcMessage& m) {
  if (send_or_deliver(node_, coordinator_, type, m, local_coordinator_)) ++stats_.messages_sent;
}

bool TwoPhaseParticipant::begin_commit(std::uint32_t route, TxnId txn, std::uint32_t part,
                                       TxnArgs args) {
  if (!node_.is_up()) return false;
  node_.spawn(serve({txn, part, service_, route, 1, args}, true));
  return true;
}

void TwoPhaseParticipant::on_prepare(const net::Message& message) {
  node_.spawn(serve(decode(message.payload), false));
}

sim::Task<void> TwoPhaseParticipant::serve(TwoPcMessage m, bool initiator) {
  const Key key{m.txn, m.part};
  if (finished_.count(key) > 0) co_return;
  if (const auto it = parts_.find(key); it != parts_.end()) {
    // A duplicate prepare: repeat a yes vote (the first may have been lost); a part still
    // working will vote when it is done.
    if (it->second.phase == Phase::kPrepared && !initiator) send(kVote, {m.txn, m.part, service_, m.route, 1, m.args});
    co_return;
  }
  parts_.emplace(key, Part{{m.txn, m.part, m.args}, m.route, Phase::kWorking, false, {}});
  ++stats_.prepares;
  note(key, PathEvent::kPrepareReceived, false);
  const std::optional<Vote> vote = co_await work(key);
  if (!vote) co_return;  // the decision came first and has been applied and answered
  m.service = service_;
  m.flag = *vote == Vote::kYes ? 1 : 0;
  note(key, PathEvent::kVoted, *vote == Vote::kYes);
  if (initiator) {
    if (*vote == Vote::kYes) send(kBeginCommit, m);
  } else {
    send(kVote, m);
  }
}

sim::Task<std::optional<Vote>> TwoPhaseParticipant::work(Key key) {
  Part& part = parts_.at(key);
  const sim::Time deadline = node_.simulator().now() + config_.vote_timeout;
  std::vector<std::string> keys = resource_.lock_keys(part.op);
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  for (auto& lock : keys) {
    if (!co_await locks_.acquire(key.first, std::move(lock), deadline)) {
      ++stats_.vote_timeouts;
      ++stats_.votes_no;
      forget(key, Outcome::kAborted);
      co_return Vote::kNo;
    }
  }
  if (config_.service_time_ms_mean > 0) {
    const double ms = sim::exponential(service_time_rng_, config_.service_time_ms_mean);
    co_await node_.sleep(sim::Duration::from_ns(std::llround(ms * 1e6)));
  }
  if (part.abort_requested || node_.simulator().now() > deadline) {
    if (!part.abort_requested) ++stats_.vote_timeouts;
    ++stats_.votes_no;
    forget(key, Outcome::kAborted);
    co_return Vote::kNo;
  }
  auto& store = node_.store();
  const std::string record = record_key(key);
  store.put(record, record_value('W', part.route, part.op.args));
  if (resource_.prepare(store, part.op, business_rng_) == Vote::kNo) {
    store.erase(record);
    ++stats_.votes_no;
    forget(key, Outcome::kAborted);
    co_return Vote::kNo;
  }
  store.put(record, record_value('P', part.route, part.op.args));
  co_await store.sync();  // the forced prepare record: a yes vote must survive a crash
  ++stats_.forced_writes;
  part.phase = Phase::kPrepared;
  part.voted_at = node_.simulator().now();
  if (part.abort_requested) {  // the coordinator gave up while the record was being forced
    co_await apply(key, false);
    co_return std::nullopt;
  }
  ++stats_.votes_yes;
  node_.spawn(watch_in_doubt(key, false));
  co_return Vote::kYes;
}

void TwoPhaseParticipant::on_decision(const net::Message& message) {
  const TwoPcMessage m = decode(message.payload);
  const bool commit = m.flag == 1;
  const auto it = parts_.find({m.txn, m.part});
  if (it != parts_.end() && it->second.phase == Phase::kWorking) {
    // The coordinator gave up before this part voted (or, for a commit, this is a late
    // duplicate of a prepare whose commit was applied before): it must not prepare any more.
    // Its no vote (or the abort it applies) answers an abort; a commit is acknowledged here.
    it->second.abort_requested = true;
    if (commit) send(kAck, {m.txn, m.part, service_, m.route, m.flag, {}});
    return;
  }
  if (it == parts_.end()) {
    // Nothing prepared here: the decision was applied before (its acknowledgement was lost),
    // or this part aborted with a no vote.
    if (commit || !config_.presumed_abort) send(kAck, {m.txn, m.part, service_, m.route, m.flag, {}});
    return;
  }
  if (it->second.phase == Phase::kApplying) return;
  // Marked before the coroutine starts, so a duplicate decision in between is ignored.
  it->second.phase = Phase::kApplying;
  node_.spawn(apply(it->first, commit));
}

sim::Task<void> TwoPhaseParticipant::apply(Key key, bool commit) {
  Part& part = parts_.at(key);
  part.phase = Phase::kApplying;
  const TwoPcMessage ack{key.first, key.second, service_, part.route, commit ? std::uint8_t{1} : std::uint8_t{0}, {}};
  const sim::Time voted_at = part.voted_at;
  auto& store = node_.store();
  if (commit) {
    resource_.commit(store, part.op);
  } else {
    resource_.abort(store, part.op);
  }
  store.erase(record_key(key));
  // The outcome must be durable before it is acknowledged: after the acknowledgement the
  // coordinator forgets the transaction. A presumed abort is never acknowledged nor forced.
  const bool acknowledge = commit || !config_.presumed_abort;
  if (acknowledge) {
    co_await store.sync();
    ++stats_.forced_writes;
  }
  stats_.in_doubt_ns += (node_.simulator().now() - voted_at).ns();
  forget(key, commit ? Outcome::kCommitted : Outcome::kAborted);
  if (acknowledge) send(kAck, ack);
}

sim::Task<void> TwoPhaseParticipant::watch_in_doubt(Key key, bool ask_now) {
  for (bool first = true;; first = false) {
    if (!(first && ask_now)) co_await node_.sleep(config_.query_interval);
    const auto it = parts_.find(key);
    if (it == parts_.end() || it->second.phase != Phase::kPrepared) co_return;
    ++stats_.queries;
    note(key, PathEvent::kQuerySent, false);
    send(kQuery, {key.first, key.second, service_, it->second.route, 0, {}});
  }
}

void TwoPhaseParticipant::forget(Key key, Outcome outcome) {
  (outcome == Outcome::kCommitted ? stats_.committed : stats_.aborted)++;
  if (history_ != nullptr) history_->part({key.first, key.second, outcome, node_.simulator().now()});
  parts_.erase(key);
  const auto same_txn = parts_.lower_bound({key.first, 0});
  if (same_txn == parts_.end() || same_txn->first.first != key.first) locks_.release_all(key.first);
  if (finished_.insert(key).second) finished_order_.push_back(key);
  if (finished_order_.size() > kFinishedMax) {
    finished_.erase(finished_order_.front());
    finished_order_.pop_front();
  }
}

sim::Task<void> TwoPhaseParticipant::recover() {
  auto& store = node_.store();
  const std::string prefix = record_prefix();
  std::vector<std::pair<std::string, std::string>> records;
  for (auto it = store.contents().lower_bound(prefix);
       it != store.contents().end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    records.emplace_back(it->first, it->second.value);
  }
  for (const auto& [record, value] : records) {
    unsigned long long txn = 0;
    unsigned part = 0, route = 0;
    unsigned long long a = 0, b = 0;
    char state = 0;
    if (std::sscanf(record.c_str() + prefix.size(), "%llx/%u", &txn, &part) != 2 ||
        std::sscanf(value.c_str(), "%c %u %llu %llu", &state, &route, &a, &b) != 4) {
      throw std::logic_error("unreadable 2PC record '" + record + "' = '" + value + "'");
    }
    const Operation op{txn, part, {a, b}};
    if (state == 'W') {  // never voted: abort whatever part of the work survived
      resource_.abort(store, op);
      store.erase(record);
      continue;
    }
    const Key key{txn, part};
    parts_.emplace(key, Part{op, route, Phase::kPrepared, false, node_.simulator().now()});
    for (const auto& lock : resource_.lock_keys(op)) locks_.take(txn, lock);
    ++stats_.recovered_in_doubt;
    node_.spawn(watch_in_doubt(key, true));
  }
  co_return;
}

void TwoPhaseParticipant::crash() {
  parts_.clear();
  locks_.clear();
  finished_.clear();
  finished_order_.clear();
}

std::size_t TwoPhaseParticipant::in_doubt() const {
  return static_cast<std::size_t>(std::count_if(
      parts_.begin(), parts_.end(), [](const auto& p) { return p.second.phase == Phase::kPrepared; }));
}

std::vector<Operation> TwoPhaseParticipant::in_doubt_records() const {
  const std::string prefix = record_prefix();
  std::vector<Operation> out;
  const auto& contents = node_.store().contents();
  for (auto it = contents.lower_bound(prefix);
       it != contents.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    unsigned long long txn = 0;
    unsigned part = 0;
    if (!it->second.value.empty() && it->second.value[0] == 'P' &&
        std::sscanf(it->first.c_str() + prefix.size(), "%llx/%u", &txn, &part) == 2) {
      out.push_back({txn, part, {}});
    }
  }
  return out;
}

ParticipantHost::ParticipantHost(net::Node& node) : node_(node) {
  for (const auto type : {kPrepare, kDecision}) {
    node_.on(type, [this](net::Node&, const net::Message& message) { deliver(message); });
  }
}

void ParticipantHost::add(TwoPhaseParticipant& participant) {
  if (!participants_.emplace(participant.service(), &participant).second) {
    throw std::invalid_argument("2PC service number " + std::to_string(participant.service()) +
                                " already used on node '" + node_.name() + "'");
  }
}

TwoPhaseParticipant& ParticipantHost::find(std::uint32_t service) {
  const auto it = participants_.find(service);
  // A message for a service this node does not run is a wiring bug, not a network event.
  if (it == participants_.end()) {
    throw std::logic_error("node '" + node_.name() + "' got a 2PC message for service " +
                           std::to_string(service) + " which it does not run");
  }
  return *it->second;
}

void ParticipantHost::deliver(const net::Message& message) {
  TwoPhaseParticipant& participant = find(decode(message.payload).service);
  if (message.header.type == kPrepare) {
    participant.on_prepare(message);
  } else if (message.header.type == kDecision) {
    participant.on_decision(message);
  } else {
    throw std::logic_error("2PC participant got message type " + std::to_string(message.header.type));
  }
}

sim::Task<void> ParticipantHost::recover() {
  for (auto& [service, participant] : participants_) co_await participant->recover();
}

void ParticipantHost::crash() {
  for (auto& [service, participant] : participants_) participant->crash();
}

}  // namespace txsim::twopc
