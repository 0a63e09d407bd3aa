#include "core/cqrs/readers.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/sim/distributions.h"

namespace txsim::cqrs {

ReaderWorkload::ReaderWorkload(sim::Simulator& simulator, ReadersConfig config,
                               std::vector<ViewReplica*> replicas, ReadRecorder& recorder,
                               RegionLatency latency, std::vector<net::Node*> owners)
    : simulator_(simulator), config_(std::move(config)), replicas_(std::move(replicas)),
      recorder_(recorder), latency_(std::move(latency)), owners_(std::move(owners)),
      rng_(simulator.stream("cqrs/readers")),
      kind_issue_(simulator.register_kind("cqrs/read_issue")),
      kind_arrive_(simulator.register_kind("cqrs/read_arrive")),
      kind_answer_(simulator.register_kind("cqrs/read_answer")),
      kind_timeout_(simulator.register_kind("cqrs/read_token_timeout")),
      waiting_(replicas_.size()) {
  if (replicas_.empty() && !config_.api_composition && config_.sessions > 0) {
    throw std::invalid_argument("readers need at least one replica to read from");
  }
  recorder_.set_on_commit([this](std::uint64_t a, std::uint64_t v, check::SessionId w, bool visible) {
    on_commit(a, v, w, visible);
  });
  for (std::uint32_t r = 0; r < replicas_.size(); ++r) {
    replicas_[r]->set_on_applied([this, r](std::uint64_t aggregate) { on_applied(r, aggregate); });
  }
}

void ReaderWorkload::start() { schedule_next_issue(); }

void ReaderWorkload::schedule_next_issue() {
  const double rate = static_cast<double>(config_.sessions) * config_.rate_per_s;
  if (rate <= 0) return;
  const double gap_s = sim::exponential(rng_, 1.0 / rate);
  const sim::Time at = simulator_.now() + sim::duration_from_seconds(gap_s);
  if (at >= config_.arrivals_end) return;
  simulator_.schedule_at(at, kind_issue_, &ReaderWorkload::on_issue, this);
}

void ReaderWorkload::on_issue(void* self, std::uint64_t) {
  auto& w = *static_cast<ReaderWorkload*>(self);
  const check::SessionId session = 1 + w.rng_.below(w.config_.sessions);
  if (!w.recent_.empty()) w.begin(session, w.recent_[w.rng_.below(w.recent_.size())]);
  w.schedule_next_issue();
}

void ReaderWorkload::on_commit(std::uint64_t aggregate, std::uint64_t version,
                               check::SessionId writer, bool visible) {
  if (writer != 0) tokens_[writer] = {aggregate, version};
  if (!visible) return;
  if (recent_.size() < kRecentUploads) {
    recent_.push_back(aggregate);
  } else {
    recent_[recent_next_] = aggregate;
    recent_next_ = (recent_next_ + 1) % kRecentUploads;
  }
  // The uploader looks at its own upload once the write side shows it.
  if (writer != 0 && simulator_.now() < config_.arrivals_end) begin(writer, aggregate);
}

const std::string& ReaderWorkload::region_of(check::SessionId session) const {
  static const std::string kNone;
  if (config_.regions.empty()) return kNone;
  return config_.regions[(session - 1) % config_.regions.size()];
}

std::uint32_t ReaderWorkload::choose_replica(check::SessionId session) {
  const auto n = static_cast<std::uint32_t>(replicas_.size());
  switch (config_.choice) {
    case ReplicaChoice::kRandom: return static_cast<std::uint32_t>(rng_.below(n));
    case ReplicaChoice::kSticky: {
      std::uint64_t state = session;
      return static_cast<std::uint32_t>(sim::splitmix64(state) % n);
    }
    case ReplicaChoice::kNearest: {
      const std::string& region = region_of(session);
      const auto it = nearest_.find(region);
      if (it != nearest_.end()) return it->second;
      std::uint32_t best = 0;
      for (std::uint32_t r = 1; r < n; ++r) {
        if (latency_(region, replicas_[r]->node().region()) <
            latency_(region, replicas_[best]->node().region())) {
          best = r;
        }
      }
      nearest_.emplace(region, best);
      return best;
    }
  }
  return 0;
}

void ReaderWorkload::begin(check::SessionId session, std::uint64_t aggregate) {
  ++issued_;
  Read read{session, 0, aggregate, simulator_.now(), sim::Duration{}};
  const std::string& region = region_of(session);
  if (config_.api_composition) {
    read.replica = static_cast<std::uint32_t>(replicas_.size());
    for (const net::Node* owner : owners_) read.one_way = std::max(read.one_way, latency_(region, owner->region()));
  } else {
    read.replica = choose_replica(session);
    read.one_way = latency_(region, replicas_[read.replica]->node().region());
  }
  if (config_.read_your_writes) {
    const auto it = tokens_.find(session);
    if (it != tokens_.end()) std::tie(read.token_aggregate, read.token_version) = it->second;
  }
  const std::uint64_t id = next_id_++;
  reads_.emplace(id, read);
  if (!gateways_.empty()) return begin_over_network(id, region);
  simulator_.schedule_after(read.one_way, kind_arrive_, &ReaderWorkload::on_arrive, this, id);
}

void ReaderWorkload::set_gateways(std::map<std::string, net::Node*> gateways) {
  gateways_ = std::move(gateways);
  if (gateways_.empty()) return;
  held_by_token_.assign(replicas_.size(), {});
  if (config_.api_composition) {
    for (net::Node* owner : owners_) {
      owner->on(kRead, [this](net::Node& node, const net::Message& m) { serve_owner(node, m); });
    }
    return;
  }
  for (std::uint32_t r = 0; r < replicas_.size(); ++r) {
    replicas_[r]->node().on(kRead, [this, r](net::Node&, const net::Message& m) { serve(r, m); });
  }
}

void ReaderWorkload::begin_over_network(std::uint64_t id, const std::string& region) {
  const auto it = gateways_.find(region);
  if (it == gateways_.end()) throw std::logic_error("readers: no gateway for region '" + region + "'");
  Read& read = reads_.at(id);
  net::Payload payload;
  payload.words[0] = read.aggregate;
  payload.words[1] = read.token_aggregate;
  payload.words[2] = read.token_version;
  read.seen = UINT64_MAX;  // lowered by the answers; a composition sees the least of its parts
  if (read.replica == replicas_.size()) {
    read.calls_left = owners_.size();
    for (const net::Node* owner : owners_) it->second->spawn(call(id, *it->second, owner->id(), payload));
    return;
  }
  read.calls_left = 1;
  it->second->spawn(call(id, *it->second, replicas_[read.replica]->node().id(), payload));
}

sim::Task<void> ReaderWorkload::call(std::uint64_t id, net::Node& gateway, net::NodeId to,
                                     net::Payload payload) {
  const net::CallResult r = co_await gateway.call(to, kRead, payload, config_.timeout);
  Read& read = reads_.at(id);
  if (r.status != net::CallStatus::kReply || r.reply.payload.words[1] != 0) {
    read.failed = true;
  } else {
    read.seen = std::min(read.seen, r.reply.payload.words[0]);
  }
  if (--read.calls_left == 0) finish(id, read.failed);
}

void ReaderWorkload::serve_owner(net::Node& owner, const net::Message& request) {
  const ViewEntry* e = recorder_.write_entry(request.payload.words[0]);
  net::Payload answer;
  answer.words[0] = e != nullptr ? e->global_version : 0;
  owner.reply(request, answer);
}

void ReaderWorkload::serve(std::uint32_t replica, const net::Message& request) {
  const std::uint64_t token_aggregate = request.payload.words[1];
  const std::uint64_t token_version = request.payload.words[2];
  if (token_version > 0 && token_progress(replica, token_aggregate) < token_version) {
    const std::uint64_t held = next_held_++;
    Held& h = held_.emplace(held, Held{replica, replicas_[replica]->node().incarnation(), request,
                                       token_version}).first->second;
    held_by_token_[replica].emplace(token_aggregate, held);
    h.timeout = simulator_.schedule_after(config_.ryw_timeout, kind_timeout_,
                                          &ReaderWorkload::on_held_timeout, this, held);
    return;
  }
  const ViewEntry* e = replicas_[replica]->entry(config_.projection, request.payload.words[0]);
  net::Payload answer;
  answer.words[0] = e != nullptr ? e->global_version : 0;
  replicas_[replica]->node().reply(request, answer);
}

// Answers a held read (the replica applied its token, or the wait expired) unless the replica
// crashed meanwhile: then the gateway's call times out.
void ReaderWorkload::answer_held(std::uint64_t held, bool expired) {
  const auto it = held_.find(held);
  const Held h = it->second;
  held_.erase(it);
  auto& by_token = held_by_token_[h.replica];
  auto [at, end] = by_token.equal_range(h.request.payload.words[1]);
  for (; at != end; ++at) {
    if (at->second == held) {
      by_token.erase(at);
      break;
    }
  }
  net::Node& node = replicas_[h.replica]->node();
  if (!node.is_up() || node.incarnation() != h.incarnation) return;
  if (!expired) {
    serve(h.replica, h.request);
    return;
  }
  net::Payload answer;
  answer.words[1] = 1;
  node.reply(h.request, answer);
}

void ReaderWorkload::on_held_timeout(void* self, std::uint64_t held) {
  static_cast<ReaderWorkload*>(self)->answer_held(held, true);
}

void ReaderWorkload::on_arrive(void* self, std::uint64_t id) { static_cast<ReaderWorkload*>(self)->arrive(id); }

std::uint64_t ReaderWorkload::token_progress(std::uint32_t replica, std::uint64_t aggregate) {
  const ViewEntry* e = replicas_[replica]->entry(config_.projection, aggregate);
  return e == nullptr ? 0 : e->global_version;
}

void ReaderWorkload::arrive(std::uint64_t id) {
  Read& read = reads_.at(id);
  if (read.replica == replicas_.size()) {
    for (const net::Node* owner : owners_) {
      if (!owner->is_up()) return finish(id, true);
    }
    const ViewEntry* e = recorder_.write_entry(read.aggregate);
    read.seen = e != nullptr ? e->global_version : 0;
    simulator_.schedule_after(read.one_way, kind_answer_, &ReaderWorkload::on_answer, this, id);
    return;
  }
  if (!replicas_[read.replica]->node().is_up()) return finish(id, true);
  if (read.token_version > 0 && token_progress(read.replica, read.token_aggregate) < read.token_version) {
    waiting_[read.replica].emplace(read.token_aggregate, id);
    read.timeout = simulator_.schedule_after(config_.ryw_timeout, kind_timeout_,
                                             &ReaderWorkload::on_token_timeout, this, id);
    return;
  }
  answer_at_replica(id);
}

void ReaderWorkload::answer_at_replica(std::uint64_t id) {
  Read& read = reads_.at(id);
  const ViewEntry* e = replicas_[read.replica]->entry(config_.projection, read.aggregate);
  read.seen = e != nullptr ? e->global_version : 0;
  simulator_.schedule_after(read.one_way, kind_answer_, &ReaderWorkload::on_answer, this, id);
}

void ReaderWorkload::on_applied(std::uint32_t replica, std::uint64_t aggregate) {
  if (!gateways_.empty()) {
    std::vector<std::uint64_t> ready;
    auto [it, end] = held_by_token_[replica].equal_range(aggregate);
    for (; it != end; ++it) {
      if (token_progress(replica, aggregate) >= held_.at(it->second).token_version) ready.push_back(it->second);
    }
    for (const std::uint64_t held : ready) {
      simulator_.cancel(held_.at(held).timeout);
      answer_held(held, false);
    }
    return;
  }
  auto& waiting = waiting_[replica];
  auto [it, end] = waiting.equal_range(aggregate);
  while (it != end) {
    Read& read = reads_.at(it->second);
    if (token_progress(replica, aggregate) < read.token_version) {
      ++it;
      continue;
    }
    simulator_.cancel(read.timeout);
    const std::uint64_t id = it->second;
    it = waiting.erase(it);
    answer_at_replica(id);
  }
}

void ReaderWorkload::on_token_timeout(void* self, std::uint64_t id) {
  auto& w = *static_cast<ReaderWorkload*>(self);
  Read& read = w.reads_.at(id);
  auto& waiting = w.waiting_[read.replica];
  auto [it, end] = waiting.equal_range(read.token_aggregate);
  for (; it != end; ++it) {
    if (it->second == id) {
      waiting.erase(it);
      break;
    }
  }
  w.finish(id, true);
}

void ReaderWorkload::on_answer(void* self, std::uint64_t id) { static_cast<ReaderWorkload*>(self)->finish(id, false); }

void ReaderWorkload::finish(std::uint64_t id, bool timed_out) {
  const auto it = reads_.find(id);
  const Read& read = it->second;
  if (simulator_.now() - read.issued > config_.timeout) timed_out = true;
  check::ReadObservation o;
  o.session = read.session;
  o.replica = read.replica;
  o.aggregate = read.aggregate;
  o.issued_at = read.issued;
  o.answered_at = timed_out ? read.issued : simulator_.now();
  o.version_seen = timed_out ? 0 : read.seen;
  o.timed_out = timed_out;
  recorder_.read(o);
  reads_.erase(it);
}

}  // namespace txsim::cqrs
