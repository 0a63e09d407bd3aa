// Checks of the contents of CQRS views, after a run: effect-once application of domain events
// to each view, and convergence of each replica's full view to the projection of the committed
// write state.
//
// Model. A *view* (one projection in one replica) holds one *row* per aggregate. A domain event
// is identified by (aggregate, source service, source version): the source version orders the
// events of one aggregate from one service (core/cqrs/events.h: action of step s = 2s + 1, its
// compensation 2s + 2). Replicas record every event they apply to every view (ViewApply); rows
// are compared as field -> value maps, so that the checker knows nothing of the projection.
// All times are virtual time in integer nanoseconds (sim::Time).
//
// Definitions (Richardson, "Microservices Patterns", 2018, ch. 3 and 7: idempotent message
// handlers; Helland, "Idempotence Is Not a Medical Condition", ACM Queue 2012):
// - effect-once: each event changes each view at most once, and never after a newer event of
//   the same aggregate and source (a redelivered or overtaken older event must not undo the
//   newer state).
// - convergence at quiescence: with nothing left in flight, every replica's view equals, row
//   for row and field for field, the view obtained by applying each committed event exactly
//   once, in commit order.
//
// Check rules (CheckResult names):
// - "projection_effect_once": one violation per (replica, view, event) applied more than once,
//   and one per apply that came after a newer event of its aggregate and source was applied to
//   that view (a repeated older event counts in both). Examples name the replica, view, event,
//   the number of times applied and the times. Cost O(applies log applies).
// - "convergence" (rows): one violation per (replica, view, aggregate) whose row is missing,
//   extra, or differs in a field from the expected row; the example names the first differing
//   field with both values. Cost O(rows log rows) per replica.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/check/check_result.h"
#include "core/sim/time.h"

namespace txsim::check {

/// A replica applied one event to one view (made it durable and readable).
struct ViewApply {
  std::uint32_t replica = 0;
  std::uint32_t view = 0;
  std::uint64_t aggregate = 0;
  std::uint32_t source = 0;          // the service that emitted the event
  std::uint64_t source_version = 0;  // >= 1; the event's order among its source's events
  sim::Time applied_at;
};

struct ViewApplyHistory {
  std::vector<std::string> replica_names;  // indexed by ViewApply::replica
  std::vector<std::string> view_names;     // indexed by ViewApply::view
  std::vector<std::string> source_names;   // indexed by ViewApply::source
  std::vector<ViewApply> applies;          // in the order they happened
};

/// "projection_effect_once". Throws std::invalid_argument when an apply names a replica, view
/// or source without a name, or has source_version 0.
CheckResult check_projection_effect_once(const ViewApplyHistory& history);

using ViewRow = std::map<std::string, std::string>;  // field -> value
using ViewRows = std::map<std::uint64_t, ViewRow>;   // aggregate -> row

/// Every view of one replica (or the expected views), indexed like `view_names`.
struct ReplicaViews {
  std::string name;
  std::vector<ViewRows> views;
};

/// "convergence" by rows: each replica's views against `expected` (its name is not used).
/// REQUIRES: every ReplicaViews has as many views as view_names (std::invalid_argument
/// otherwise). `end` is the time the views were taken (the violations' time).
CheckResult check_view_convergence(const std::vector<std::string>& view_names,
                                   const ReplicaViews& expected,
                                   const std::vector<ReplicaViews>& replicas, sim::Time end);

}  // namespace txsim::check
