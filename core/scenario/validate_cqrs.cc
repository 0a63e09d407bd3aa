// Validation of `cqrs`: replicas on known nodes, registered projection types over known
// services, and readers that read an existing projection from existing replicas.
#include "core/scenario/validation.h"

namespace txsim::scenario {
namespace {

void replicas(Validation& v, const FieldCursor& at, const Cqrs& q) {
  std::map<std::string, int> seen;
  for (int i = 0; i < q.replica_size(); ++i) {
    const Replica& r = q.replica(i);
    const FieldCursor c = at.nested(q, "replica", i);
    v.unique_name(seen, c, r, "name", r.name(), "replica");
    if (!v.nodes.count(r.node())) {
      v.error(c, r, "node", -1,
              (r.node().empty() ? std::string("is missing") : "'" + r.node() + "' is not a node") +
                  "; expected one of " + list_names(v.nodes));
    }
    v.milliseconds(c, r, "apply_delay_ms", r.apply_delay_ms());
  }
}

std::set<std::string> projections(Validation& v, const FieldCursor& at, const Cqrs& q) {
  std::map<std::string, int> seen;
  std::set<std::string> names;
  for (int i = 0; i < q.projection_size(); ++i) {
    const Projection& p = q.projection(i);
    const FieldCursor c = at.nested(q, "projection", i);
    v.unique_name(seen, c, p, "name", p.name(), "projection");
    names.insert(p.name());
    if (const auto* spec = v.plugin(c, p, "type", PluginKind::kProjection, p.type())) {
      v.plugin_params(c, p, "param", *spec);
    }
    for (int j = 0; j < p.source_service_size(); ++j) {
      if (!v.services.count(p.source_service(j))) {
        v.error(c, p, "source_service", j,
                "'" + p.source_service(j) + "' is not a service; expected one of " +
                    list_names(v.services));
      }
    }
  }
  return names;
}

void readers(Validation& v, const FieldCursor& at, const Cqrs& q,
             const std::set<std::string>& projection_names) {
  if (!q.has_readers()) return;
  const Readers& r = q.readers();
  const FieldCursor c = at.nested(q, "readers");
  v.count(c, r, "sessions", r.sessions(), 0, kMaxSessions, "sessions");
  v.in_range(c, r, "rate_per_s", r.rate_per_s(), 0, 1e6,
             "reads per simulated second per session in [0, 1e6]");
  if (r.has_read_your_writes_timeout_ms()) {
    v.milliseconds(c, r, "read_your_writes_timeout_ms", r.read_your_writes_timeout_ms(), true);
  }
  if (r.has_timeout_ms()) v.milliseconds(c, r, "timeout_ms", r.timeout_ms(), true);
  if (!r.projection().empty() && !projection_names.count(r.projection())) {
    v.error(c, r, "projection", -1,
            "'" + r.projection() + "' is not a projection; expected one of " +
                list_names(projection_names));
  } else if (r.projection().empty() && projection_names.size() > 1 && r.query() == Readers::VIEW) {
    v.error(c, r, "projection", -1,
            "is missing and there are several projections; expected one of " +
                list_names(projection_names));
  }
  for (int i = 0; i < r.region_size(); ++i) {
    if (!v.regions.count(r.region(i))) {
      v.error(c, r, "region", i,
              "'" + r.region(i) + "' is not a region; expected one of " + list_names(v.regions));
    }
  }
  if (r.sessions() > 0 && r.query() == Readers::VIEW) {
    if (q.replica_size() == 0) {
      v.error(c, r, "sessions", -1,
              "is " + std::to_string(r.sessions()) +
                  " but cqrs has no replica; expected at least one replica { ... } to read");
    }
    if (projection_names.empty()) {
      v.error(c, r, "sessions", -1,
              "is " + std::to_string(r.sessions()) +
                  " but cqrs has no projection; expected at least one projection { ... }");
    }
  }
}

}  // namespace

void validate_cqrs(Validation& v, const FieldCursor& root, const Scenario& s) {
  const Cqrs& q = s.cqrs();
  const FieldCursor at = root.nested(s, "cqrs");
  replicas(v, at, q);
  readers(v, at, q, projections(v, at, q));
  if (!q.broker_node().empty() && !v.nodes.count(q.broker_node())) {
    v.error(at, q, "broker_node", -1,
            "'" + q.broker_node() + "' is not a node; expected one of " + list_names(v.nodes));
  }
  if (q.has_broker_partitions()) {
    v.count(at, q, "broker_partitions", q.broker_partitions(), 1, 1024, "partitions");
  }
}

}  // namespace txsim::scenario
