#include "core/cqrs/outbox.h"

#include <cstdio>
#include <stdexcept>
#include <vector>

namespace txsim::cqrs {
namespace {
// Kept outside the "o/" range so that a scan of rows never sees it.
constexpr std::string_view kSequenceKey = "o#sequence";
}  // namespace

DomainEvent from_record(const std::string& record) {
  const auto colon = record.find(':');
  if (colon == std::string::npos) throw std::invalid_argument("not an event record: " + record);
  std::size_t end = 0;
  const std::string rest = record.substr(colon + 1);
  DomainEvent e = unpack(std::stoull(record.substr(0, colon)), std::stoull(rest, &end));
  if (end < rest.size()) {  // saga data: ":<route>:<a>:<b>"
    std::size_t used = 0;
    std::string tail = rest.substr(end + 1);
    e.route = static_cast<std::uint32_t>(std::stoull(tail, &used));
    tail = tail.substr(used + 1);
    e.args_a = std::stoull(tail, &used);
    e.args_b = std::stoull(tail.substr(used + 1));
  }
  return e;
}

std::uint32_t partition_of(std::uint64_t aggregate, std::uint32_t partitions) {
  std::uint64_t state = aggregate;
  return static_cast<std::uint32_t>(sim::splitmix64(state) % partitions);
}

std::string hex16(std::uint64_t value) {
  char text[20];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

void write_outbox_row(storage::DurableStore& store, const DomainEvent& event) {
  // The store's write sequence is never reused, not even after a crash: a unique, ordered key.
  const std::uint64_t sequence = store.put(kSequenceKey, "");
  store.put(std::string(kOutboxPrefix) + hex16(sequence), to_record(event));
}

std::size_t outbox_rows(const storage::DurableStore& store) {
  std::size_t n = 0;
  const auto& rows = store.contents();
  for (auto it = rows.lower_bound(kOutboxPrefix);
       it != rows.end() && it->first.compare(0, kOutboxPrefix.size(), kOutboxPrefix) == 0; ++it) {
    ++n;
  }
  return n;
}

DomainEvent OutboxService::event(const saga::StepRequest& request, bool compensation) const {
  return {request.saga_id, service_, request.step, compensation, kind_};
}

saga::StepResult OutboxService::apply_action(storage::DurableStore& store,
                                             const saga::StepRequest& request, sim::Rng& rng) {
  const saga::StepResult result = inner_->apply_action(store, request, rng);
  if (result == saga::StepResult::kSuccess) {
    write_outbox_row(store, event(request, false));
    if (observer_ != nullptr) observer_->written(event(request, false));
  }
  return result;
}

void OutboxService::apply_compensation(storage::DurableStore& store,
                                       const saga::StepRequest& request) {
  inner_->apply_compensation(store, request);
  write_outbox_row(store, event(request, true));
  if (observer_ != nullptr) observer_->written(event(request, true));
}

OutboxRelay::OutboxRelay(net::Node& node, net::NodeId broker, RelayConfig config)
    : node_(node), broker_(broker), config_(config) {
  if (config_.max_in_flight == 0) throw std::invalid_argument("outbox relay: max_in_flight must be >= 1");
}

void OutboxRelay::start() { node_.simulator().spawn(poll()); }

bool OutboxRelay::idle() const { return outbox_rows(node_.store()) == 0; }

sim::Task<void> OutboxRelay::poll() {
  for (;;) {
    co_await node_.simulator().sleep(config_.poll_interval);
    kick();
  }
}

void OutboxRelay::kick() {
  if (!node_.is_up()) return;
  if (config_.max_in_flight > 1) {
    launch_publishes();
    return;
  }
  // A crash ends the pass with the incarnation; the next incarnation starts its own.
  if (busy_incarnation_ != node_.incarnation()) {
    busy_incarnation_ = node_.incarnation();
    node_.spawn(publish_pass(node_.incarnation()));
  }
}

void OutboxRelay::launch_publishes() {
  if (inflight_incarnation_ != node_.incarnation()) {  // a crash ended the earlier publishes
    inflight_incarnation_ = node_.incarnation();
    inflight_.clear();
  }
  // Only the outbox's key range: a whole-store snapshot per poll made long runs quadratic.
  for (auto& [key, row] : node_.store().durable_prefix(kOutboxPrefix)) {
    if (inflight_.size() >= config_.max_in_flight) break;
    // A row deleted but not yet durably deleted is still listed: skip what is gone or in flight.
    if (inflight_.count(key) > 0 || !node_.store().contents().count(key)) continue;
    inflight_.insert(key);
    node_.spawn(publish_one(key, from_record(row.value), node_.incarnation()));
  }
}

sim::Task<void> OutboxRelay::publish_one(std::string key, DomainEvent event, std::uint32_t incarnation) {
  net::Payload payload;
  put_event(payload, event);
  const net::CallResult r = co_await node_.call(broker_, kPublish, payload, config_.call_timeout);
  if (r.status == net::CallStatus::kReply) {
    node_.store().erase(key);
    ++published_;
  }
  if (inflight_incarnation_ == incarnation) inflight_.erase(key);
  if (r.status == net::CallStatus::kReply) sync_deletions();
}

// Group commit of deletions: one sync at a time, the next one covering every deletion made
// while it ran. A deletion that is late to be durable costs at most a duplicate publish after
// a crash, which consumers absorb.
void OutboxRelay::sync_deletions() {
  if (syncing_incarnation_ == node_.incarnation()) {
    sync_again_ = true;
    return;
  }
  syncing_incarnation_ = node_.incarnation();
  node_.spawn(deletion_syncs(node_.incarnation()));
}

sim::Task<void> OutboxRelay::deletion_syncs(std::uint32_t incarnation) {
  do {
    sync_again_ = false;
    co_await node_.store().sync();
  } while (sync_again_);
  if (syncing_incarnation_ == incarnation) syncing_incarnation_ = 0;
}

sim::Task<void> OutboxRelay::publish_pass(std::uint32_t incarnation) {
  // Only durable rows: a row that is not yet durable may still vanish with its transaction.
  std::vector<std::pair<std::string, DomainEvent>> rows;
  for (auto& [key, row] : node_.store().durable_prefix(kOutboxPrefix)) {
    rows.emplace_back(std::move(key), from_record(row.value));
  }
  bool deleted = false;
  for (const auto& [key, event] : rows) {
    net::Payload payload;
    put_event(payload, event);
    const net::CallResult r = co_await node_.call(broker_, kPublish, payload, config_.call_timeout);
    if (r.status != net::CallStatus::kReply) break;  // keep order: retry from here next pass
    node_.store().erase(key);
    deleted = true;
    ++published_;
  }
  if (deleted) co_await node_.store().sync();
  if (busy_incarnation_ == incarnation) busy_incarnation_ = 0;
}

}  // namespace txsim::cqrs
