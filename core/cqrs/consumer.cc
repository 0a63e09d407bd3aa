#include "core/cqrs/consumer.h"

#include <stdexcept>

namespace txsim::cqrs {

BrokerConsumer::BrokerConsumer(net::Node& node, net::NodeId broker, ConsumerConfig config,
                               std::string context, std::function<void(const Delivery&)> on_accept,
                               std::function<void()> on_new_incarnation)
    : node_(node), broker_(broker), config_(config), context_(std::move(context)),
      on_accept_(std::move(on_accept)), on_new_incarnation_(std::move(on_new_incarnation)) {
  if (config_.partitions == 0 || config_.commit_every == 0 || config_.commit_delay < sim::Duration{}) {
    throw std::invalid_argument(context_ + ": bad broker consumer config");
  }
  node_.on(kDeliver, [this](net::Node&, const net::Message& m) { on_deliver(m); });
}

void BrokerConsumer::start() {
  node_.simulator().spawn(resubscribe_loop());
  if (config_.eager_subscribe && node_.is_up()) {
    ensure_current();
    subscribe_idle();
  }
}

// A new incarnation starts with nothing volatile; progress comes from the broker.
void BrokerConsumer::ensure_current() {
  if (incarnation_ == node_.incarnation()) return;
  incarnation_ = node_.incarnation();
  next_.assign(config_.partitions, kUnknown);
  open_.assign(config_.partitions, {});
  sent_.assign(config_.partitions, kUnknown);
  active_.assign(config_.partitions, false);
  subscribing_.assign(config_.partitions, false);
  held_.assign(config_.partitions, {});
  commit_scheduled_ = false;
  if (on_new_incarnation_) on_new_incarnation_();
}

std::uint64_t BrokerConsumer::next_offset(std::uint32_t partition) {
  ensure_current();
  return next_.at(partition);
}

std::size_t BrokerConsumer::in_progress() const {
  if (incarnation_ != node_.incarnation()) return 0;
  std::size_t n = 0;
  for (const auto& open : open_) n += open.size();
  return n;
}

void BrokerConsumer::on_deliver(const net::Message& m) {
  ensure_current();
  const auto partition = static_cast<std::uint32_t>(m.payload.words[3] & 0xffffffff);
  const auto group = static_cast<std::uint32_t>(m.payload.words[3] >> 32);
  if (group != config_.group || partition >= config_.partitions) {
    throw std::logic_error(context_ + " got a delivery for another consumer");
  }
  const std::uint64_t offset = m.payload.words[2];
  if (next_[partition] == kUnknown) {
    // The push overtook the subscription's reply: keep it when told to, else the next
    // re-subscription brings it again.
    if (config_.eager_subscribe) held_[partition].emplace(offset, get_event(m.payload));
    return;
  }
  if (offset < next_[partition]) return;  // duplicate
  const DomainEvent event = get_event(m.payload);
  if (offset > next_[partition]) {  // overtook an earlier offset: wait for it
    held_[partition].emplace(offset, event);
    return;
  }
  active_[partition] = true;
  accept(partition, offset, event);
  accept_held(partition);
}

void BrokerConsumer::accept(std::uint32_t partition, std::uint64_t offset, const DomainEvent& event) {
  open_[partition].insert(offset);
  ++next_[partition];
  active_[partition] = true;
  on_accept_(Delivery{partition, offset, event});
}

void BrokerConsumer::accept_held(std::uint32_t partition) {
  auto& held = held_[partition];
  for (auto it = held.begin(); it != held.end() && it->first <= next_[partition]; it = held.erase(it)) {
    if (it->first < next_[partition]) continue;  // a redelivery already covered
    const std::uint64_t offset = it->first;
    const DomainEvent event = it->second;
    accept(partition, offset, event);
  }
}

void BrokerConsumer::done(std::uint32_t partition, std::uint64_t offset) {
  if (open_.at(partition).erase(offset) == 0) {
    throw std::logic_error(context_ + ": done() for an offset not in progress");
  }
  maybe_commit(partition);
}

std::uint64_t BrokerConsumer::commit_point(std::uint32_t partition) const {
  const auto& open = open_[partition];
  return open.empty() ? next_[partition] : *open.begin();
}

void BrokerConsumer::maybe_commit(std::uint32_t partition) {
  const std::uint64_t point = commit_point(partition);
  const std::uint64_t sent = sent_[partition];
  if (sent != kUnknown && point <= sent) return;
  if (config_.commit_every == 1 || (sent != kUnknown && point - sent >= config_.commit_every)) {
    send_commit(partition, point);
    return;
  }
  if (!commit_scheduled_) {
    commit_scheduled_ = true;
    node_.spawn(commit_later(incarnation_));
  }
}

void BrokerConsumer::send_commit(std::uint32_t partition, std::uint64_t next) {
  sent_[partition] = next;
  net::Payload payload;
  payload.words[0] = config_.group;
  payload.words[1] = partition;
  payload.words[2] = next;
  node_.send(broker_, kCommitOffset, payload);
}

sim::Task<void> BrokerConsumer::commit_later(std::uint32_t incarnation) {
  co_await node_.sleep(config_.commit_delay);
  if (incarnation_ != incarnation) co_return;
  commit_scheduled_ = false;
  for (std::uint32_t p = 0; p < config_.partitions; ++p) {
    const std::uint64_t point = commit_point(p);
    if (point != kUnknown && (sent_[p] == kUnknown || point > sent_[p])) send_commit(p, point);
  }
}

sim::Task<void> BrokerConsumer::resubscribe_loop() {
  for (;;) {
    co_await node_.simulator().sleep(config_.resubscribe_interval);
    if (!node_.is_up()) continue;
    ensure_current();
    subscribe_idle();
  }
}

void BrokerConsumer::subscribe_idle() {
  for (std::uint32_t p = 0; p < config_.partitions; ++p) {
    // An idle partition may have lost a delivery: ask again from the expected offset.
    if (!active_[p] && !subscribing_[p]) {
      if (config_.repeat_commits && next_[p] != kUnknown) send_commit(p, commit_point(p));
      subscribing_[p] = true;
      node_.spawn(subscribe(p, incarnation_));
    }
    active_[p] = false;
  }
}

sim::Task<void> BrokerConsumer::subscribe(std::uint32_t partition, std::uint32_t incarnation) {
  net::Payload payload;
  payload.words[0] = config_.group;
  payload.words[1] = partition;
  payload.words[2] = next_[partition] == kUnknown ? kFromCommitted : next_[partition];
  const net::CallResult r = co_await node_.call(broker_, kSubscribe, payload, config_.call_timeout);
  if (incarnation_ != incarnation) co_return;
  subscribing_[partition] = false;
  if (r.status == net::CallStatus::kReply && next_[partition] == kUnknown) {
    next_[partition] = r.reply.payload.words[0];
    accept_held(partition);
  }
}

}  // namespace txsim::cqrs
