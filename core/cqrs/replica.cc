#include "core/cqrs/replica.h"

#include <stdexcept>

namespace txsim::cqrs {
namespace {

std::string view_key(std::size_t projection, std::uint64_t aggregate) {
  return "v/" + hex16(projection) + "/" + hex16(aggregate);
}

ConsumerConfig consumer_config(const ReplicaConfig& config, std::uint32_t partitions) {
  ConsumerConfig c;
  c.group = config.group;
  c.partitions = partitions;
  c.resubscribe_interval = config.resubscribe_interval;
  c.call_timeout = config.call_timeout;
  return c;  // lazy subscription, one commit per applied event
}

}  // namespace

ViewReplica::ViewReplica(net::Node& node, net::NodeId broker, std::uint32_t partitions,
                         ReplicaConfig config,
                         const std::vector<std::unique_ptr<Projection>>& projections,
                         ApplyObserver* observer)
    : node_(node), config_(std::move(config)), projections_(projections), observer_(observer),
      consumer_(node, broker, consumer_config(config_, partitions), "replica '" + config_.name + "'",
                [this](const Delivery& d) { on_accept(d); }, [this] { on_new_incarnation(); }) {
  if (config_.apply_delay < sim::Duration{}) throw std::invalid_argument("apply_delay < 0");
}

void ViewReplica::start() { consumer_.start(); }

// A new incarnation starts from the store's durable contents; progress comes from the broker.
void ViewReplica::on_new_incarnation() {
  incarnation_ = node_.incarnation();
  entries_.assign(projections_.size(), {});
  queue_.clear();
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
  return consumer_.next_offset(partition);
}

void ViewReplica::on_accept(const Delivery& d) {
  queue_.push_back(d);
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
    consumer_.done(d.partition, d.offset);  // commits d.offset + 1: applies go in offset order
    if (!changed.empty() && on_applied_) on_applied_(d.event.aggregate);
  }
  if (incarnation_ == incarnation) applying_ = false;
}

}  // namespace txsim::cqrs
