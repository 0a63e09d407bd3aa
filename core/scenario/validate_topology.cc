// Validation of `topology`: unique names, zones and regions that exist, latency models with
// parameters in range, links between known places, and a latency matrix file that exists.
#include <cmath>

#include "core/scenario/validation.h"

namespace txsim::scenario {
namespace {

using google::protobuf::Message;

// Checks the one model set in `model` (field `field` of `parent`) when it is present.
void latency_model(Validation& v, const FieldCursor& at, const Message& parent,
                   const std::string& field, const LatencyModel& model) {
  const FieldCursor c = at.nested(parent, field);
  switch (model.model_case()) {
    case LatencyModel::kConstant:
      v.milliseconds(c.nested(model, "constant"), model.constant(), "latency_ms",
                     model.constant().latency_ms());
      break;
    case LatencyModel::kUniform: {
      const FieldCursor u = c.nested(model, "uniform");
      const auto& m = model.uniform();
      if (v.milliseconds(u, m, "min_ms", m.min_ms()) &&
          v.milliseconds(u, m, "max_ms", m.max_ms()) && m.max_ms() < m.min_ms()) {
        v.error(u, m, "max_ms", -1,
                "is " + format_number(m.max_ms()) + "; expected at least min_ms (" +
                    format_number(m.min_ms()) + ")");
      }
      break;
    }
    case LatencyModel::kExponential:
      v.milliseconds(c.nested(model, "exponential"), model.exponential(), "mean_ms",
                     model.exponential().mean_ms(), /*positive=*/true);
      break;
    case LatencyModel::kNormal: {
      const FieldCursor n = c.nested(model, "normal");
      v.milliseconds(n, model.normal(), "mean_ms", model.normal().mean_ms());
      v.milliseconds(n, model.normal(), "stddev_ms", model.normal().stddev_ms());
      break;
    }
    case LatencyModel::kLognormal: {
      const FieldCursor l = c.nested(model, "lognormal");
      v.in_range(l, model.lognormal(), "mu_log_ms", model.lognormal().mu_log_ms(), -50, 20,
                 "the log of a latency in ms in [-50, 20] (median exp(mu) ms)");
      v.in_range(l, model.lognormal(), "sigma", model.lognormal().sigma(), 0, 10,
                 "a standard deviation of the log in [0, 10]");
      break;
    }
    case LatencyModel::kPareto: {
      const FieldCursor p = c.nested(model, "pareto");
      v.milliseconds(p, model.pareto(), "scale_ms", model.pareto().scale_ms(), true);
      if (!(model.pareto().shape() > 0 && model.pareto().shape() <= 100)) {
        v.error(p, model.pareto(), "shape", -1,
                "is " + format_number(model.pareto().shape()) + "; expected a shape in (0, 100]");
      }
      break;
    }
    case LatencyModel::kEmpirical: {
      const FieldCursor e = c.nested(model, "empirical");
      const auto& samples = model.empirical().sample_ms();
      if (samples.empty()) {
        v.error(e, model.empirical(), "sample_ms", -1,
                "is empty; expected at least one latency sample in ms");
      }
      v.size_limit(e, model.empirical(), "sample_ms", samples.size(), kMaxSamples);
      for (int i = 0; i < samples.size() && i < kMaxSamples; ++i) {
        if (!(std::isfinite(samples[i]) && samples[i] >= 0 && samples[i] <= kMaxMilliseconds)) {
          v.error(e, model.empirical(), "sample_ms", i,
                  "is " + format_number(samples[i]) + "; expected a latency in ms in [0, 1e9]");
        }
      }
      break;
    }
    case LatencyModel::MODEL_NOT_SET:
      break;
  }
}

void regions_and_zones(Validation& v, const FieldCursor& at, const Topology& t) {
  std::map<std::string, int> seen;
  for (int i = 0; i < t.region_size(); ++i) {
    v.unique_name(seen, at.nested(t, "region", i), t.region(i), "name", t.region(i).name(),
                  "region");
    v.regions.insert(t.region(i).name());
  }
  v.regions_declared = t.region_size() > 0;
  seen.clear();
  for (int i = 0; i < t.zone_size(); ++i) {
    const auto& zone = t.zone(i);
    const FieldCursor c = at.nested(t, "zone", i);
    v.unique_name(seen, c, zone, "name", zone.name(), "zone");
    v.zones.insert(zone.name());
    if (!zone.region().empty() && v.regions_declared && !v.regions.count(zone.region())) {
      v.error(c, zone, "region", -1,
              "'" + zone.region() + "' is not a declared region; expected one of " +
                  list_names(v.regions));
    }
  }
  v.zones_declared = t.zone_size() > 0;
  for (const auto& zone : t.zone()) {
    if (!zone.region().empty()) v.regions.insert(zone.region());
  }
}

void nodes_and_groups(Validation& v, const FieldCursor& at, const Topology& t) {
  v.size_limit(at, t, "node", t.node_size(), kMaxNodes);
  std::map<std::string, int> seen;
  for (int i = 0; i < t.node_size() && i < kMaxNodes; ++i) {
    const auto& node = t.node(i);
    const FieldCursor c = at.nested(t, "node", i);
    v.unique_name(seen, c, node, "name", node.name(), "node");
    v.nodes.insert(node.name());
    if (!node.zone().empty() && v.zones_declared && !v.zones.count(node.zone())) {
      v.error(c, node, "zone", -1,
              "'" + node.zone() + "' is not a declared zone; expected one of " +
                  list_names(v.zones));
    }
    if (!node.region().empty() && v.regions_declared && !v.regions.count(node.region())) {
      v.error(c, node, "region", -1,
              "'" + node.region() + "' is not a declared region; expected one of " +
                  list_names(v.regions));
    }
  }
  for (const auto& node : t.node()) {
    if (!node.zone().empty()) v.zones.insert(node.zone());
    if (!node.region().empty()) v.regions.insert(node.region());
  }
  seen.clear();
  for (int i = 0; i < t.group_size(); ++i) {
    const auto& group = t.group(i);
    const FieldCursor c = at.nested(t, "group", i);
    v.unique_name(seen, c, group, "name", group.name(), "group");
    if (v.is_place(group.name())) {
      v.error(c, group, "name", -1,
              "'" + group.name() + "' is already a node, zone or region name; expected a "
              "distinct group name");
    }
    v.groups.insert(group.name());
  }
  for (int i = 0; i < t.group_size(); ++i) {
    const auto& group = t.group(i);
    const FieldCursor c = at.nested(t, "group", i);
    if (group.member().empty()) {
      v.error(c, group, "member", -1, "is empty; expected at least one node in the group");
    }
    for (int j = 0; j < group.member_size(); ++j) {
      if (!v.is_place(group.member(j))) {
        v.error(c, group, "member", j,
                "'" + group.member(j) + "' is unknown; expected " + v.expected_place());
      }
    }
  }
}

void links(Validation& v, const FieldCursor& at, const Topology& t) {
  for (int i = 0; i < t.link_size(); ++i) {
    const auto& link = t.link(i);
    const FieldCursor c = at.nested(t, "link", i);
    for (const char* end : {"from", "to"}) {
      const std::string& name = std::string(end) == "from" ? link.from() : link.to();
      if (name != "*" && !v.is_place(name)) {
        v.error(c, link, end, -1,
                (name.empty() ? std::string("is missing") : "'" + name + "' is unknown") +
                    "; expected " + v.expected_place() + " or \"*\"");
      }
    }
    if (link.has_latency()) latency_model(v, c, link, "latency", link.latency());
    if (link.has_loss_probability()) v.probability(c, link, "loss_probability", link.loss_probability());
    if (link.has_duplication_probability()) {
      v.probability(c, link, "duplication_probability", link.duplication_probability());
    }
    if (link.has_reordering_probability()) {
      v.probability(c, link, "reordering_probability", link.reordering_probability());
    }
  }
}

void latency_matrix(Validation& v, const FieldCursor& at, const Topology& t) {
  if (t.latency_matrix_csv().empty()) return;
  std::filesystem::path path(t.latency_matrix_csv());
  if (path.is_relative()) path = v.base_dir() / path;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    v.error(at, t, "latency_matrix_csv", -1,
            "'" + t.latency_matrix_csv() + "' does not exist (looked for " + path.string() +
                "); expected a CSV file from,to,average_latency_ms (relative paths start at the "
                "scenario file's directory)");
  }
}

}  // namespace

void validate_topology(Validation& v, const FieldCursor& root, const Scenario& s) {
  const Topology& t = s.topology();
  const FieldCursor at = root.nested(s, "topology");
  regions_and_zones(v, at, t);
  nodes_and_groups(v, at, t);
  links(v, at, t);
  latency_matrix(v, at, t);
  if (t.has_latency_default()) latency_model(v, at, t, "latency_default", t.latency_default());
  if (t.has_latency_jitter()) latency_model(v, at, t, "latency_jitter", t.latency_jitter());
}

}  // namespace txsim::scenario
