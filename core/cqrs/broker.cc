#include "core/cqrs/broker.h"

#include <stdexcept>
#include <string>

namespace txsim::cqrs {
namespace {

std::string log_key(std::uint32_t partition, std::uint64_t offset) {
  return "l/" + hex16(partition) + "/" + hex16(offset);
}
std::string offset_key(std::uint32_t group, std::uint32_t partition) {
  return "c/" + hex16(group) + "/" + hex16(partition);
}

}  // namespace

Broker::Broker(net::Node& node, BrokerConfig config) : node_(node), config_(config) {
  if (config_.partitions == 0 || config_.window == 0) {
    throw std::invalid_argument("broker: partitions and window must be >= 1");
  }
  node_.on(kPublish, [this](net::Node&, const net::Message& m) { on_publish(m); });
  node_.on(kSubscribe, [this](net::Node&, const net::Message& m) { on_subscribe(m); });
  node_.on(kCommitOffset, [this](net::Node&, const net::Message& m) { on_commit(m); });
}

// After a crash the store holds exactly its durable contents: rebuild the log and offsets from
// it. Cursors are volatile; consumers subscribe again.
void Broker::ensure_current() {
  if (incarnation_ == node_.incarnation()) return;
  incarnation_ = node_.incarnation();
  log_.assign(config_.partitions, {});
  durable_end_.assign(config_.partitions, 0);
  committed_.clear();
  cursors_.clear();
  offsets_sync_pending_ = false;
  const auto& rows = node_.store().contents();
  for (auto it = rows.lower_bound("l/"); it != rows.end() && it->first.compare(0, 2, "l/") == 0; ++it) {
    const auto p = static_cast<std::uint32_t>(std::stoull(it->first.substr(2, 16), nullptr, 16));
    log_.at(p).push_back(from_record(it->second.value));
  }
  for (std::uint32_t p = 0; p < config_.partitions; ++p) durable_end_[p] = log_[p].size();
  for (auto it = rows.lower_bound("c/"); it != rows.end() && it->first.compare(0, 2, "c/") == 0; ++it) {
    const auto g = static_cast<std::uint32_t>(std::stoull(it->first.substr(2, 16), nullptr, 16));
    const auto p = static_cast<std::uint32_t>(std::stoull(it->first.substr(19, 16), nullptr, 16));
    committed_[{g, p}] = std::stoull(it->second.value);
  }
}

std::uint64_t Broker::end(std::uint32_t partition) {
  ensure_current();
  return durable_end_.at(partition);
}

std::uint64_t Broker::committed(std::uint32_t group, std::uint32_t partition) {
  ensure_current();
  const auto it = committed_.find({group, partition});
  return it == committed_.end() ? 0 : it->second;
}

DomainEvent Broker::entry(std::uint32_t partition, std::uint64_t offset) {
  ensure_current();
  return log_.at(partition).at(offset);
}

void Broker::on_publish(const net::Message& m) {
  ensure_current();
  const DomainEvent event = get_event(m.payload);
  const std::uint32_t p = partition_of(event.aggregate, config_.partitions);
  node_.store().put(log_key(p, log_[p].size()), to_record(event));
  log_[p].push_back(event);
  ++appended_;
  node_.spawn(make_durable(m, p, log_[p].size()));
}

sim::Task<void> Broker::make_durable(net::Message request, std::uint32_t partition, std::uint64_t end) {
  co_await node_.store().sync();
  if (end > durable_end_[partition]) {
    if (on_durable_) {
      for (std::uint64_t o = durable_end_[partition]; o < end; ++o) on_durable_(log_[partition][o]);
    }
    durable_end_[partition] = end;
  }
  net::Payload ack;
  ack.words[0] = 1;
  node_.reply(request, ack);
  for (auto& [key, cursor] : cursors_) {
    if (key.second == partition && cursor.subscribed) push(key.first, partition);
  }
}

void Broker::on_subscribe(const net::Message& m) {
  ensure_current();
  const auto g = static_cast<std::uint32_t>(m.payload.words[0]);
  const auto p = static_cast<std::uint32_t>(m.payload.words[1]);
  if (p >= config_.partitions) throw std::logic_error("subscribe to a partition the broker lacks");
  const std::uint64_t from = m.payload.words[2] == kFromCommitted
                                 ? committed(g, p)
                                 : std::min(m.payload.words[2], durable_end_[p]);
  Cursor& cursor = cursors_[{g, p}];
  cursor = {m.header.from, from, true};
  net::Payload reply;
  reply.words[0] = from;
  node_.reply(m, reply);
  push(g, p);
}

void Broker::on_commit(const net::Message& m) {
  ensure_current();
  const auto g = static_cast<std::uint32_t>(m.payload.words[0]);
  const auto p = static_cast<std::uint32_t>(m.payload.words[1]);
  const std::uint64_t next = std::min(m.payload.words[2], durable_end_.at(p));
  std::uint64_t& committed_offset = committed_[{g, p}];
  if (next <= committed_offset) return;
  committed_offset = next;
  node_.store().put(offset_key(g, p), std::to_string(next));
  if (!offsets_sync_pending_) {
    offsets_sync_pending_ = true;
    node_.spawn(sync_offsets());
  }
  const auto it = cursors_.find({g, p});
  if (it != cursors_.end() && it->second.subscribed) push(g, p);
}

sim::Task<void> Broker::sync_offsets() {
  co_await node_.store().sync();
  offsets_sync_pending_ = false;
}

void Broker::push(std::uint32_t group, std::uint32_t partition) {
  Cursor& cursor = cursors_.at({group, partition});
  const std::uint64_t limit = std::min(durable_end_[partition], committed(group, partition) + config_.window);
  for (; cursor.next < limit; ++cursor.next) {
    const DomainEvent& e = log_[partition][cursor.next];
    net::Payload payload;
    put_event(payload, e);
    payload.words[2] = cursor.next;
    payload.words[3] = partition | (std::uint64_t{group} << 32);
    node_.send(cursor.consumer, kDeliver, payload);
  }
}

}  // namespace txsim::cqrs
