#include "core/cqrs/recorder.h"

#include <stdexcept>

namespace txsim::cqrs {

ReadRecorder::ReadRecorder(sim::Simulator& simulator, const Projection& read_projection,
                           std::size_t projection, std::vector<std::string> replica_names,
                           std::uint64_t sessions)
    : simulator_(simulator), projection_(read_projection), projection_index_(projection),
      sessions_(sessions) {
  history_.replica_names = std::move(replica_names);
}

void ReadRecorder::written(const DomainEvent& event) {
  pending_.emplace(EventId{event.aggregate, event.step, event.compensation}, event);
}

check::SessionId ReadRecorder::writer_of(std::uint64_t aggregate) const {
  if (sessions_ == 0) return 0;
  std::uint64_t state = aggregate ^ 0x5eed'0f'5e55'10f5ULL;
  return 1 + sim::splitmix64(state) % sessions_;
}

void ReadRecorder::committed(std::uint64_t saga_id, std::uint32_t step, bool compensation, sim::Time at) {
  const EventId id{saga_id, step, compensation};
  const auto it = pending_.find(id);
  if (it == pending_.end()) return;  // no outbox row: an action that did not succeed
  const DomainEvent event = it->second;
  pending_.erase(it);
  if (committed_ids_.insert(id).second) committed_events_.push_back(event);
  if (!projection_.accepts(event)) return;
  // A re-executed request (barrier off) writes the same event again: it keeps its number.
  if (versions_.count(id) > 0) return;
  const std::uint64_t version = ++last_version_[saga_id];
  versions_.emplace(id, version);
  const check::SessionId writer = writer_of(saga_id);
  history_.commits.push_back({saga_id, version, at, writer, false});
  ViewEntry& entry = write_side_[saga_id];
  const bool was_visible = projection_.visible(entry);
  projection_.apply(entry, event, version);
  if (projection_.visible(entry)) shown_.emplace(saga_id, version);
  if (on_commit_) on_commit_(saga_id, version, writer, !was_visible && projection_.visible(entry));
}

std::uint64_t ReadRecorder::global_version(const DomainEvent& e) {
  if (!projection_.accepts(e)) return 0;
  const auto it = versions_.find({e.aggregate, e.step, e.compensation});
  if (it == versions_.end()) {
    throw std::logic_error("event of aggregate " + std::to_string(e.aggregate) + " step " +
                           std::to_string(e.step) + " reached a replica but never committed");
  }
  return it->second;
}

void ReadRecorder::applied(std::uint32_t replica, std::size_t projection, const DomainEvent& e,
                           const ViewEntry&) {
  view_applies_.push_back({replica, static_cast<std::uint32_t>(projection), e.aggregate, e.service,
                           e.version(), simulator_.now()});
  if (projection != projection_index_) return;
  history_.applies.push_back({replica, e.aggregate, global_version(e), simulator_.now()});
}

const ViewEntry* ReadRecorder::write_entry(std::uint64_t aggregate) const {
  const auto it = write_side_.find(aggregate);
  return it == write_side_.end() ? nullptr : &it->second;
}

const check::ReadHistory& ReadRecorder::finish(sim::Time end) {
  history_.end = end;
  // A compensation version rolls back every earlier version of its aggregate.
  std::map<std::uint64_t, sim::Time> first_compensation;
  for (const auto& [id, version] : versions_) {
    if (!std::get<2>(id)) continue;
    for (const auto& c : history_.commits) {
      if (c.aggregate == std::get<0>(id) && c.version == version) {
        auto [it, fresh] = first_compensation.emplace(c.aggregate, c.committed_at);
        if (!fresh && c.committed_at < it->second) it->second = c.committed_at;
      }
    }
  }
  for (auto& c : history_.commits) {
    const auto it = first_compensation.find(c.aggregate);
    if (it == first_compensation.end() || c.committed_at >= it->second) continue;
    const bool is_compensation = [&] {
      for (const auto& [id, version] : versions_) {
        if (std::get<0>(id) == c.aggregate && version == c.version) return std::get<2>(id);
      }
      return false;
    }();
    if (!is_compensation && shown_.count({c.aggregate, c.version}) > 0) c.compensated_later = true;
  }
  return history_;
}

}  // namespace txsim::cqrs
