// Records the read side of a run as a check::ReadHistory (core/check/read_history.h): an
// observer outside the simulated system, like saga::HistoryRecorder.
//
// Versions. The history numbers the committed events of each aggregate 1, 2, 3... in commit
// order (the time the service's local transaction became durable), counting only the events
// that the read projection takes. Events carry no run-wide version (services do not coordinate),
// so the recorder maps each event id to its number at commit and replicas look it up when they
// apply the event.
//
// Dirty reads: a version is marked compensated_later only when its saga was rolled back later
// *and* the read projection showed something at that version (its write-side entry was
// visible): a hidden feed entry shows no effect, so reading it is not a dirty read.
//
// It also folds the read projection over the committed events in commit order: the "write side"
// entry of each aggregate, i.e. what an up-to-date replica would hold. API composition reads it,
// and readers learn from it when an upload became visible.
//
// For the view checks (core/check/view_checks.h) it keeps, for every projection, every apply
// by every replica (event id and source version), and every committed event of every service
// in commit order (each event id once), from which the expected views are recomputed.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/check/read_history.h"
#include "core/check/view_checks.h"
#include "core/cqrs/outbox.h"
#include "core/cqrs/projection.h"
#include "core/cqrs/replica.h"

namespace txsim::cqrs {

class ReadRecorder : public OutboxObserver, public ApplyObserver {
 public:
  /// Called for each newly numbered commit: (aggregate, version, writer session, the write-side
  /// entry became visible with it).
  using CommitHook = std::function<void(std::uint64_t, std::uint64_t, check::SessionId, bool)>;

  /// `read_projection` (index `projection` in the replicas) defines which events count.
  /// Uploads get writer sessions 1..sessions (none when sessions == 0).
  /// REQUIRES: read_projection outlives the recorder.
  ReadRecorder(sim::Simulator& simulator, const Projection& read_projection, std::size_t projection,
               std::vector<std::string> replica_names, std::uint64_t sessions);

  void written(const DomainEvent& event) override;
  /// The participant's local transaction for (saga, step, compensation) became durable.
  void committed(std::uint64_t saga_id, std::uint32_t step, bool compensation, sim::Time at);
  /// Throws std::logic_error for an event the read projection takes that never committed.
  std::uint64_t global_version(const DomainEvent& e) override;
  void applied(std::uint32_t replica, std::size_t projection, const DomainEvent& e,
               const ViewEntry& entry) override;
  void read(const check::ReadObservation& observation) { history_.reads.push_back(observation); }

  void set_on_commit(CommitHook hook) { on_commit_ = std::move(hook); }
  check::SessionId writer_of(std::uint64_t aggregate) const;
  /// The write-side entry, or nullptr.
  const ViewEntry* write_entry(std::uint64_t aggregate) const;
  const Projection& projection() const { return projection_; }
  const check::ReadHistory& history() const { return history_; }
  /// Every event applied by every replica to every projection (names left empty).
  const std::vector<check::ViewApply>& view_applies() const { return view_applies_; }
  /// Every committed event of every service, in commit order, each event id once.
  const std::vector<DomainEvent>& committed_events() const { return committed_events_; }
  /// Marks versions of rolled-back sagas and sets the end time; returns the history.
  const check::ReadHistory& finish(sim::Time end);

 private:
  using EventId = std::tuple<std::uint64_t, std::uint32_t, bool>;  // aggregate, step, compensation
  sim::Simulator& simulator_;
  const Projection& projection_;
  std::size_t projection_index_;
  std::uint64_t sessions_;
  std::map<EventId, DomainEvent> pending_;  // written, not yet committed (every service)
  std::set<EventId> committed_ids_;
  std::vector<DomainEvent> committed_events_;
  std::vector<check::ViewApply> view_applies_;
  std::map<EventId, std::uint64_t> versions_;
  std::map<std::uint64_t, std::uint64_t> last_version_;  // aggregate -> versions so far
  std::map<std::uint64_t, ViewEntry> write_side_;
  std::set<std::pair<std::uint64_t, std::uint64_t>> shown_;  // (aggregate, version) visible
  check::ReadHistory history_;
  CommitHook on_commit_;
};

}  // namespace txsim::cqrs
