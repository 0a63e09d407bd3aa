#include "core/check/view_checks.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <tuple>

namespace txsim::check {
namespace {

std::string seconds(sim::Time t) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.6f s", t.to_seconds());
  return buffer;
}

// "action of step 2" / "compensation of step 2" from a source version (core/cqrs/events.h).
std::string event_text(const ViewApplyHistory& h, const ViewApply& a) {
  const std::uint64_t step = (a.source_version - 1) / 2;
  const bool compensation = a.source_version % 2 == 0;
  return "event of aggregate " + std::to_string(a.aggregate) + " from " + h.source_names[a.source] +
         " (" + (compensation ? "compensation" : "action") + " of step " + std::to_string(step) +
         ", source version " + std::to_string(a.source_version) + ")";
}

void validate(const ViewApplyHistory& h) {
  for (std::size_t i = 0; i < h.applies.size(); ++i) {
    const auto& a = h.applies[i];
    if (a.replica >= h.replica_names.size() || a.view >= h.view_names.size() ||
        a.source >= h.source_names.size() || a.source_version == 0) {
      throw std::invalid_argument("malformed view apply history: apply " + std::to_string(i) +
                                  " names an unnamed replica, view or source, or version 0");
    }
  }
}

struct Finding {
  sim::Time at;
  std::size_t apply;  // index of the witness apply
  Violation violation;
};

}  // namespace

CheckResult check_projection_effect_once(const ViewApplyHistory& h) {
  validate(h);
  using Stream = std::tuple<std::uint32_t, std::uint32_t, std::uint64_t, std::uint32_t>;
  using Event = std::tuple<std::uint32_t, std::uint32_t, std::uint64_t, std::uint32_t, std::uint64_t>;
  std::map<Stream, std::uint64_t> newest;           // highest source version applied so far
  std::map<Event, std::vector<std::size_t>> times;  // every apply of each event, in order
  std::vector<Finding> found;
  std::uint64_t out_of_order = 0;
  for (std::size_t i = 0; i < h.applies.size(); ++i) {
    const auto& a = h.applies[i];
    auto& applies = times[{a.replica, a.view, a.aggregate, a.source, a.source_version}];
    applies.push_back(i);
    std::uint64_t& high = newest[{a.replica, a.view, a.aggregate, a.source}];
    if (a.source_version < high) {
      ++out_of_order;
      found.push_back({a.applied_at, i,
                       {"replica " + h.replica_names[a.replica] + ", view " + h.view_names[a.view],
                        event_text(h, a) + " applied out of order at " + seconds(a.applied_at) +
                            ", after source version " + std::to_string(high),
                        a.applied_at}});
    }
    high = std::max(high, a.source_version);
  }
  std::uint64_t repeated = 0;
  std::uint64_t extra = 0;
  for (const auto& [event, applies] : times) {
    if (applies.size() < 2) continue;
    ++repeated;
    extra += applies.size() - 1;
    const auto& second = h.applies[applies[1]];
    std::string when;
    for (std::size_t k = 0; k < applies.size() && k < 4; ++k) {
      when += (k == 0 ? "" : ", ") + seconds(h.applies[applies[k]].applied_at);
    }
    if (applies.size() > 4) when += ", ...";
    found.push_back({second.applied_at, applies[1],
                     {"replica " + h.replica_names[second.replica] + ", view " +
                          h.view_names[second.view],
                      event_text(h, second) + " applied " + std::to_string(applies.size()) +
                          " times (at " + when + ")",
                      second.applied_at}});
  }
  std::sort(found.begin(), found.end(), [](const Finding& x, const Finding& y) {
    return std::tie(x.at, x.apply) < std::tie(y.at, y.apply);
  });
  CheckResult result{"projection_effect_once", 0, {}, ""};
  for (auto& f : found) result.add(std::move(f.violation));
  result.summary = std::to_string(h.applies.size()) + " applies to " +
                   std::to_string(h.view_names.size()) + " views x " +
                   std::to_string(h.replica_names.size()) + " replicas: " +
                   std::to_string(repeated) + " events applied more than once (" +
                   std::to_string(extra) + " extra applies), " + std::to_string(out_of_order) +
                   " applies after a newer event of the same source";
  return result;
}

namespace {

std::string row_text(const ViewRow& row) {
  std::string out;
  for (const auto& [field, value] : row) out += (out.empty() ? "" : ", ") + field + "=" + value;
  return "{" + out + "}";
}

// The first difference between two rows, in field order; empty when equal.
std::string first_difference(const ViewRow& have, const ViewRow& want) {
  auto h = have.begin();
  auto w = want.begin();
  while (h != have.end() || w != want.end()) {
    if (w == want.end() || (h != have.end() && h->first < w->first)) {
      return "field " + h->first + " is " + h->second + ", expected no such field";
    }
    if (h == have.end() || w->first < h->first) {
      return "field " + w->first + " is missing, expected " + w->second;
    }
    if (h->second != w->second) {
      return "field " + h->first + " is " + h->second + ", expected " + w->second;
    }
    ++h;
    ++w;
  }
  return "";
}

}  // namespace

CheckResult check_view_convergence(const std::vector<std::string>& view_names,
                                   const ReplicaViews& expected,
                                   const std::vector<ReplicaViews>& replicas, sim::Time end) {
  const auto check_shape = [&](const ReplicaViews& r) {
    if (r.views.size() != view_names.size()) {
      throw std::invalid_argument("check_view_convergence: '" + r.name + "' has " +
                                  std::to_string(r.views.size()) + " views, expected " +
                                  std::to_string(view_names.size()));
    }
  };
  check_shape(expected);
  CheckResult result{"convergence", 0, {}, ""};
  std::uint64_t rows = 0;
  for (const auto& view : expected.views) rows += view.size();
  for (const auto& replica : replicas) {
    check_shape(replica);
    for (std::size_t v = 0; v < view_names.size(); ++v) {
      const std::string subject = "replica " + replica.name + ", view " + view_names[v];
      const ViewRows& have = replica.views[v];
      const ViewRows& want = expected.views[v];
      auto h = have.begin();
      auto w = want.begin();
      while (h != have.end() || w != want.end()) {
        if (w == want.end() || (h != have.end() && h->first < w->first)) {
          result.add({subject, "extra row of aggregate " + std::to_string(h->first) + " " +
                                   row_text(h->second) + ": no committed event creates it", end});
          ++h;
        } else if (h == have.end() || w->first < h->first) {
          result.add({subject, "missing row of aggregate " + std::to_string(w->first) +
                                   ", expected " + row_text(w->second), end});
          ++w;
        } else {
          const std::string diff = first_difference(h->second, w->second);
          if (!diff.empty()) {
            result.add({subject, "row of aggregate " + std::to_string(h->first) + ": " + diff +
                                     " (row " + row_text(h->second) + ")", end});
          }
          ++h;
          ++w;
        }
      }
    }
  }
  result.summary = std::to_string(replicas.size()) + " replicas compared row by row with the " +
                   "projection of the committed events (" + std::to_string(rows) + " rows in " +
                   std::to_string(view_names.size()) + " views): " +
                   std::to_string(result.violations) + " replica rows differ";
  return result;
}

}  // namespace txsim::check
