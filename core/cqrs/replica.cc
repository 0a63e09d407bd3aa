#include "core/cqrs/replica.h"

#include <stdexcept>

namespace txsim::cqrs {
namespace {

std::string view_key(std::size_t projection, std::uint64_t aggregate) {
  return "v/" + hex16(projection) + "/" + hex16(aggregate);
}

}  // namespace

ViewReplica::ViewReplica(net::Node& node, net::NodeId broker, std::uint32_t partitions,
                         ReplicaConfig config,
                         const std::vector<std::unique_ptr<Projection>>& projections,
                         ApplyObserver* observer)
    : node_(node), broker_(broker), partitions_(partitions), config_(std::move(config)),
      projections_(projections), observer_(observer) {
  if (config_.apply_delay < sim::Duration{}) throw std::invalid_argument("apply_delay < 0");
  node_.on(kDeliver, [this](net::Node&, const net::Message& m) { on_deliver(m); });
}

void ViewReplica::start() { node_.simulator().spawn(resubscribe_loop()); }

// A new incarnation starts from the store's durable contents; progress comes from the broker.
void ViewReplica::ensure_current() {
  if (incarnation_ == node_.incarnation()) return;
  incarnation_ = node_.incarnation();
  entries_.assign(projections_.size(), {});
  next_.assign(partitions_, kUnknown);
  active_.assign(partitions_, false);
  subscribing_.assign(partitions_, false);
  queue_.clear();
  held_.assign(partitions_, {});
  applying_ = false;
  const auto& rows = node_.store().contents();
  for (auto it = rows.lower_bound("v/"); it != rows.end() && it->first.compare(0, 2, "v/") == 0; ++it) {
    const auto p = std::stoull(it->first.substr(2, 16), nullptr, 16);
    const auto aggregate = std::stoull(it->first.substr(19, 16), nullptr, 16);
    entries_.at(p)[aggregate] = ViewEntry::parse(it->second.value);
  }
}

const ViewEntry* ViewReplica::entry(std::size_t projection, std::uint64_t aggregate) {
  ensure_current();
  const auto& view = entries_.at(projection);
  const auto it = view.find(aggregate);
  return it == view.end() ? nullptr : &it->second;
}

const std::map<std::uint64_t, ViewEntry>& ViewReplica::view(std::size_t projection) {
  ensure_current();
  return entries_.at(projection);
}

std::uint64_t ViewReplica::next_offset(std::uint32_t partition) {
  ensure_current();
  return next_.at(partition);
}

void ViewReplica::on_deliver(const net::Message& m) {
  ensure_current();
  const auto partition = static_cast<std::uint32_t>(m.payload.words[3] & 0xffffffff);
  const auto group = static_cast<std::uint32_t>(m.payload.words[3] >> 32);
  if (group != config_.group || partition >= partitions_) {
    throw std::logic_error("replica '" + config_.name + "' got a delivery for another consumer");
  }
  const std::uint64_t offset = m.payload.words[2];
  if (next_[partition] == kUnknown || offset < next_[partition]) return;  // duplicate
  const DomainEvent event = unpack(m.payload.words[0], m.payload.words[1]);
  if (offset > next_[partition]) {  // overtook an earlier offset: wait for it
    held_[partition].emplace(offset, event);
    return;
  }
  active_[partition] = true;
  queue_.push_back({partition, offset, event});
  ++next_[partition];
  auto& held = held_[partition];
  for (auto it = held.begin(); it != held.end() && it->first <= next_[partition];
       it = held.erase(it)) {
    if (it->first < next_[partition]) continue;  // a redelivery already covered
    queue_.push_back({partition, it->first, it->second});
    ++next_[partition];
  }
  if (!applying_) {
    applying_ = true;
    node_.spawn(apply_loop(incarnation_));
  }
}

sim::Task<void> ViewReplica::apply_loop(std::uint32_t incarnation) {
  while (!queue_.empty()) {
    if (config_.apply_delay > sim::Duration{}) co_await node_.sleep(config_.apply_delay);
    const Delivery d = queue_.front();
    queue_.pop_front();
    const std::uint64_t version = observer_ != nullptr ? observer_->global_version(d.event) : 0;
    std::vector<std::pair<std::size_t, ViewEntry>> changed;
    for (std::size_t p = 0; p < projections_.size(); ++p) {
      if (!projections_[p]->accepts(d.event)) continue;
      const auto it = entries_[p].find(d.event.aggregate);
      ViewEntry e = it == entries_[p].end() ? ViewEntry{} : it->second;
      if (!projections_[p]->apply(e, d.event, version)) continue;
      node_.store().put(view_key(p, d.event.aggregate), e.serialize());
      changed.emplace_back(p, std::move(e));
    }
    co_await node_.store().sync();
    for (auto& [p, e] : changed) {
      entries_[p][d.event.aggregate] = e;
      if (observer_ != nullptr) observer_->applied(config_.group, p, d.event, e);
    }
    ++applied_;
    net::Payload commit;
    commit.words[0] = config_.group;
    commit.words[1] = d.partition;
    commit.words[2] = d.offset + 1;
    node_.send(broker_, kCommitOffset, commit);
    if (!changed.empty() && on_applied_) on_applied_(d.event.aggregate);
  }
  if (incarnation_ == incarnation) applying_ = false;
}

sim::Task<void> ViewReplica::resubscribe_loop() {
  for (;;) {
    co_await node_.simulator().sleep(config_.resubscribe_interval);
    if (!node_.is_up()) continue;
    ensure_current();
    for (std::uint32_t p = 0; p < partitions_; ++p) {
      // An idle partition may have lost a delivery: ask again from the expected offset.
      if (!active_[p] && !subscribing_[p]) {
        subscribing_[p] = true;
        node_.spawn(subscribe(p, incarnation_));
      }
      active_[p] = false;
    }
  }
}

sim::Task<void> ViewReplica::subscribe(std::uint32_t partition, std::uint32_t incarnation) {
  net::Payload payload;
  payload.words[0] = config_.group;
  payload.words[1] = partition;
  payload.words[2] = next_[partition] == kUnknown ? kFromCommitted : next_[partition];
  const net::CallResult r = co_await node_.call(broker_, kSubscribe, payload, config_.call_timeout);
  if (incarnation_ != incarnation) co_return;
  subscribing_[partition] = false;
  if (r.status == net::CallStatus::kReply && next_[partition] == kUnknown) {
    next_[partition] = r.reply.payload.words[0];
  }
}

}  // namespace txsim::cqrs
