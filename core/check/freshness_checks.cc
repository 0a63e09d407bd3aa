#include "core/check/freshness_checks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <stdexcept>
#include <tuple>

#include "core/check/freshness_index.h"

namespace txsim::check {
namespace {

using detail::FreshnessIndex;

std::string seconds(sim::Time t) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.6f s", t.to_seconds());
  return buffer;
}

std::string ms(sim::Duration d) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.3f ms", d.to_ms());
  return buffer;
}

std::string version_of(std::uint64_t version, std::uint64_t aggregate) {
  return "version " + std::to_string(version) + " of aggregate " + std::to_string(aggregate);
}

std::string read_text(const ReadHistory& h, std::size_t i) {
  const auto& read = h.reads[i];
  return "read at " + seconds(read.issued_at) + " through replica " +
         h.replica_names[read.replica] + " saw version " + std::to_string(read.version_seen);
}

// A violation found while scanning, turned into text only if it becomes an example.
struct Found {
  sim::Time at;
  std::size_t read;     // index into ReadHistory::reads
  std::size_t witness;  // the other event: a read index or, for commits, the version
};

// Adds `found` to `result` in time order (ties by read index): examples are the earliest.
template <typename Describe>
void add_in_time_order(std::vector<Found> found, CheckResult& result, Describe describe) {
  std::sort(found.begin(), found.end(), [](const Found& x, const Found& y) {
    return std::tie(x.at, x.read) < std::tie(y.at, y.read);
  });
  for (const auto& f : found) {
    if (result.examples.size() < CheckResult::kMaxExamples) {
      result.add(describe(f));
    } else {
      ++result.violations;
    }
  }
}

void validate_reads(const ReadHistory& h, const FreshnessIndex& index) {
  for (std::size_t i = 0; i < h.reads.size(); ++i) {
    const auto& read = h.reads[i];
    const std::string which = "read " + std::to_string(i);
    if (read.replica >= h.replica_names.size()) {
      throw std::invalid_argument("malformed read history: " + which + " through replica " +
                                  std::to_string(read.replica) + " but only " +
                                  std::to_string(h.replica_names.size()) + " replica names");
    }
    const std::size_t a = index.find(read.aggregate);
    const std::uint64_t committed = a == FreshnessIndex::kNone ? 0 : index.versions(a);
    if (read.version_seen > committed) {
      throw std::invalid_argument("malformed read history: " + which + " saw " +
                                  version_of(read.version_seen, read.aggregate) +
                                  ", which was never committed");
    }
    if (read.answered_at < read.issued_at) {
      throw std::invalid_argument("malformed read history: " + which +
                                  " answered before it was issued");
    }
  }
}

void analyze_visibility(const FreshnessIndex& index, FreshnessAnalysis& out) {
  std::vector<sim::Duration> all;
  for (std::size_t r = 0; r < index.replicas(); ++r) {
    std::vector<sim::Duration> mine;
    for (std::size_t a = 0; a < index.aggregates(); ++a) {
      std::uint64_t shown = 0;
      for (auto* s = index.steps_begin(r, a); s != index.steps_end(r, a); ++s) {
        for (std::uint64_t v = shown + 1; v <= s->version; ++v) {
          mine.push_back(s->at - index.commit(a, v).committed_at);
        }
        shown = s->version;
      }
    }
    auto& replica = out.replicas[r];
    replica.visible = mine.size();
    replica.never_visible = out.commits - mine.size();
    out.never_visible += replica.never_visible;
    all.insert(all.end(), mine.begin(), mine.end());
    replica.time_to_visibility = summarize_durations(std::move(mine));
  }
  out.time_to_visibility = summarize_durations(std::move(all));
}

// Never-visible pairs (freshness) and final versions missing at the end (convergence): both
// walk every (replica, aggregate) once.
void analyze_end_state(const ReadHistory& h, const FreshnessIndex& index, FreshnessAnalysis& out) {
  out.freshness.name = "freshness";
  out.convergence.name = "convergence";
  sim::Time latest_visible;
  sim::Time latest_commit;
  for (std::size_t a = 0; a < index.aggregates(); ++a) {
    latest_commit = std::max(latest_commit, index.commit(a, index.versions(a)).committed_at);
  }
  for (std::size_t r = 0; r < index.replicas(); ++r) {
    for (std::size_t a = 0; a < index.aggregates(); ++a) {
      const std::uint64_t last = index.versions(a);
      const std::uint64_t shown = index.final_version(r, a);
      const auto& final_commit = index.commit(a, last);
      if (shown == last) {
        latest_visible = std::max(latest_visible, *index.visible_at(r, a, last));
        continue;
      }
      const std::string subject = "replica " + h.replica_names[r];
      out.convergence.add({subject,
                           "not converged by end of run: holds version " + std::to_string(shown) +
                               " of aggregate " + std::to_string(index.aggregate_id(a)) +
                               ", last committed " + std::to_string(last) + " at " +
                               seconds(final_commit.committed_at),
                           h.end});
      if (!out.options.quiescent) continue;
      const auto& oldest = index.commit(a, shown + 1);
      out.freshness.add({subject,
                         version_of(shown + 1, oldest.aggregate) + " committed at " +
                             seconds(oldest.committed_at) + " never became visible" +
                             (last > shown + 1 ? " (nor the " + std::to_string(last - shown - 1) +
                                                     " versions after it)"
                                               : ""),
                         oldest.committed_at});
      out.freshness.violations += last - shown - 1;
    }
  }
  out.convergence_result.converged = out.convergence.violations == 0;
  out.convergence_result.lag = out.convergence_result.converged && index.aggregates() > 0
                                   ? latest_visible - latest_commit
                                   : sim::Duration();
  out.convergence.summary =
      out.convergence_result.converged
          ? "converged: " + std::to_string(index.replicas()) + " replicas hold the last of " +
                std::to_string(out.commits) + " committed versions; lag " +
                std::to_string(out.convergence_result.lag.to_ms()) + " ms"
          : std::to_string(out.convergence.violations) +
                " (replica, aggregate) pairs not converged by end of run";
}

void analyze_reads(const ReadHistory& h, const FreshnessIndex& index, FreshnessAnalysis& out) {
  const sim::Duration width = out.t_visibility_bucket;
  out.t_visibility.resize(out.options.t_visibility_buckets);
  for (std::size_t k = 0; k < out.t_visibility.size(); ++k) {
    out.t_visibility[k].t_from = width * static_cast<std::int64_t>(k);
  }
  out.reads.resize(h.reads.size());
  std::vector<sim::Duration> staleness;
  std::vector<Found> dirty;
  for (std::size_t i = 0; i < h.reads.size(); ++i) {
    const auto& read = h.reads[i];
    if (read.timed_out) {
      ++out.timeouts;
      continue;
    }
    ++out.answered_reads;
    ++out.replicas[read.replica].reads;
    const std::size_t a = index.find(read.aggregate);
    const std::uint64_t latest = a == FreshnessIndex::kNone ? 0 : index.committed_before(a, read.issued_at);
    auto& fresh = out.reads[i];
    if (read.version_seen < latest) {
      fresh.stale = true;
      fresh.staleness_versions = latest - read.version_seen;
      fresh.staleness = read.issued_at - index.commit(a, read.version_seen + 1).committed_at;
      ++out.stale_reads;
      ++out.replicas[read.replica].stale_reads;
    }
    staleness.push_back(fresh.staleness);
    out.staleness_versions_sorted.push_back(fresh.staleness_versions);
    if (latest > 0) {
      const sim::Duration t = read.issued_at - index.commit(a, latest).committed_at;
      const auto k = std::min<std::size_t>(static_cast<std::size_t>(t.ns() / width.ns()),
                                           out.t_visibility.size() - 1);
      ++out.t_visibility[k].reads;
      if (read.version_seen >= latest) ++out.t_visibility[k].saw;
    }
    if (read.version_seen > 0 && index.commit(a, read.version_seen).compensated_later) {
      dirty.push_back({read.answered_at, i, read.version_seen});
    }
  }
  out.stale_read_fraction =
      out.answered_reads == 0 ? 0.0 : static_cast<double>(out.stale_reads) / out.answered_reads;
  out.staleness = summarize_durations(std::move(staleness));
  std::sort(out.staleness_versions_sorted.begin(), out.staleness_versions_sorted.end());

  out.dirty_reads.name = "dirty_reads";
  add_in_time_order(std::move(dirty), out.dirty_reads, [&](const Found& f) {
    const auto& read = h.reads[f.read];
    const auto& c = index.commit(index.find(read.aggregate), f.witness);
    return Violation{version_of(c.version, c.aggregate),
                     "session " + std::to_string(read.session) + " " + read_text(h, f.read) +
                         " (answered at " + seconds(read.answered_at) +
                         "); that version, committed at " + seconds(c.committed_at) +
                         ", was compensated later",
                     f.at};
  });
  out.dirty_reads.summary = std::to_string(out.dirty_reads.violations) + " of " +
                            std::to_string(out.answered_reads) +
                            " answered reads saw a version that was compensated later";
}

void analyze_read_your_writes(const ReadHistory& h, const FreshnessIndex& index,
                              FreshnessAnalysis& out) {
  // The writers' commits by (session, aggregate, commit time): versions increase with commit
  // time, so the last one before a read is the session's highest write it must see.
  struct Write {
    SessionId writer;
    std::uint64_t aggregate;
    sim::Time committed_at;
    std::uint64_t version;
    auto key() const { return std::tie(writer, aggregate, version); }
  };
  std::vector<Write> writes;  // by value: the searches below stay in one array
  for (const auto& c : h.commits) {
    if (c.writer != 0) writes.push_back({c.writer, c.aggregate, c.committed_at, c.version});
  }
  std::sort(writes.begin(), writes.end(),
            [](const Write& x, const Write& y) { return x.key() < y.key(); });
  std::vector<Found> found;
  std::set<SessionId> sessions;
  for (std::size_t i = 0; i < h.reads.size(); ++i) {
    const auto& read = h.reads[i];
    if (read.session == 0 || read.timed_out) continue;
    // First write of a later (session, aggregate) or of this pair committed at/after issue.
    const auto it = std::lower_bound(writes.begin(), writes.end(), read,
                                     [](const Write& c, const ReadObservation& r) {
      return std::tie(c.writer, c.aggregate, c.committed_at) <
             std::tie(r.session, r.aggregate, r.issued_at);
    });
    if (it == writes.begin()) continue;
    const Write& own = *(it - 1);
    if (own.writer != read.session || own.aggregate != read.aggregate) continue;
    if (read.version_seen < own.version) {
      found.push_back({read.issued_at, i, own.version});
      sessions.insert(read.session);
    }
  }
  out.read_your_writes.name = "read_your_writes";
  add_in_time_order(std::move(found), out.read_your_writes, [&](const Found& f) {
    const auto& read = h.reads[f.read];
    const auto& c = index.commit(index.find(read.aggregate), f.witness);
    return Violation{"session " + std::to_string(read.session),
                     "read-your-writes: wrote " + version_of(c.version, c.aggregate) +
                         " (committed at " + seconds(c.committed_at) + "), then its " +
                         read_text(h, f.read),
                     f.at};
  });
  out.read_your_writes.summary = std::to_string(out.read_your_writes.violations) +
                                 " read-your-writes violations in " +
                                 std::to_string(sessions.size()) + " sessions";
}

void analyze_monotonic_reads(const ReadHistory& h, FreshnessAnalysis& out) {
  struct Keyed {
    SessionId session;
    std::uint64_t aggregate;
    sim::Time issued_at;
    std::size_t read;
    auto key() const { return std::tie(session, aggregate, issued_at, read); }
  };
  std::vector<Keyed> keyed;  // by value, so that sorting does not chase into the reads
  for (std::size_t i = 0; i < h.reads.size(); ++i) {
    const auto& r = h.reads[i];
    if (r.session != 0 && !r.timed_out) keyed.push_back({r.session, r.aggregate, r.issued_at, i});
  }
  std::sort(keyed.begin(), keyed.end(),
            [](const Keyed& x, const Keyed& y) { return x.key() < y.key(); });
  std::vector<std::size_t> order;
  order.reserve(keyed.size());
  for (const auto& k : keyed) order.push_back(k.read);
  std::vector<Found> found;
  std::set<SessionId> sessions;
  std::size_t best = 0;  // the read of the current (session, aggregate) that saw the most
  for (std::size_t k = 0; k < order.size(); ++k) {
    const auto& read = h.reads[order[k]];
    sessions.insert(read.session);
    const bool same_pair = k > 0 && h.reads[best].session == read.session &&
                           h.reads[best].aggregate == read.aggregate;
    if (!same_pair || read.version_seen > h.reads[best].version_seen) {
      best = order[k];
      continue;
    }
    if (read.version_seen < h.reads[best].version_seen) found.push_back({read.issued_at, order[k], best});
  }
  out.sessions = sessions.size();
  std::set<SessionId> violating;
  for (const auto& f : found) violating.insert(h.reads[f.read].session);
  out.monotonic_reads.name = "monotonic_reads";
  add_in_time_order(std::move(found), out.monotonic_reads, [&](const Found& f) {
    const auto& read = h.reads[f.read];
    return Violation{"session " + std::to_string(read.session),
                     "monotonic reads, aggregate " + std::to_string(read.aggregate) + ": earlier " +
                         read_text(h, f.witness) + "; later " + read_text(h, f.read),
                     f.at};
  });
  out.monotonic_reads.summary = std::to_string(out.monotonic_reads.violations) +
                                " monotonic-read violations in " +
                                std::to_string(violating.size()) + " sessions";
}

// The sampling grid of the time series: `interval` doubled until `points` fit.
struct Grid {
  sim::Duration interval;
  std::size_t points;
};

Grid make_grid(sim::Time end, sim::Duration interval, std::size_t max_points, bool inclusive) {
  if (interval <= sim::Duration()) throw std::invalid_argument("series interval must be > 0");
  if (max_points < 2) throw std::invalid_argument("series max_points must be >= 2");
  const std::int64_t span = std::max<std::int64_t>(end.ns(), 0);
  for (;;) {
    const std::int64_t steps = (span + interval.ns() - 1) / interval.ns();  // ceil(end / i)
    const auto points = static_cast<std::size_t>(inclusive ? steps + 1 : std::max<std::int64_t>(steps, 1));
    if (points <= max_points) return {interval, points};
    interval = interval * 2;
  }
}

// 1, 2 or 5 times a power of ten nanoseconds, at least 1 us, so that `buckets` buckets cover
// about 1.25 times `largest`.
sim::Duration round_bucket_width(sim::Duration largest, std::size_t buckets) {
  const double target = 1.25 * static_cast<double>(largest.ns()) / static_cast<double>(buckets);
  for (std::int64_t decade = 1000;; decade *= 10) {
    if (decade >= 1'000'000'000'000'000'000) return sim::Duration::from_ns(decade);  // ~31 years
    for (const std::int64_t m : {1, 2, 5}) {
      if (static_cast<double>(m * decade) >= target) return sim::Duration::from_ns(m * decade);
    }
  }
}

}  // namespace

DurationSummary summarize_durations(std::vector<sim::Duration> values) {
  DurationSummary s;
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  const auto rank = [n](double q) {
    const auto r = static_cast<std::size_t>(std::ceil(q * static_cast<double>(n)));
    return std::max<std::size_t>(r, 1) - 1;
  };
  long double sum = 0;
  for (const auto v : values) sum += static_cast<long double>(v.ns());
  s.count = n;
  s.mean = sim::Duration::from_ns(static_cast<std::int64_t>(sum / static_cast<long double>(n)));
  s.p50 = values[rank(0.5)];
  s.p99 = values[rank(0.99)];
  s.max = values.back();
  return s;
}

FreshnessAnalysis analyze_freshness(const ReadHistory& history, const FreshnessOptions& options) {
  if (options.t_visibility_bucket < sim::Duration()) {
    throw std::invalid_argument("t_visibility_bucket must be >= 0");
  }
  if (options.t_visibility_buckets == 0) {
    throw std::invalid_argument("t_visibility_buckets must be >= 1");
  }
  const FreshnessIndex index(history);
  validate_reads(history, index);
  FreshnessAnalysis out;
  out.options = options;
  out.commits = history.commits.size();
  out.replicas.resize(history.replica_names.size());
  for (std::size_t r = 0; r < out.replicas.size(); ++r) out.replicas[r].name = history.replica_names[r];
  analyze_visibility(index, out);
  analyze_end_state(history, index, out);
  out.freshness.summary =
      std::to_string(out.commits) + " versions x " + std::to_string(index.replicas()) +
      " replicas: time to visibility p50 " + ms(out.time_to_visibility.p50) + ", p99 " +
      ms(out.time_to_visibility.p99) + ", max " + ms(out.time_to_visibility.max) + "; " +
      std::to_string(out.never_visible) + " never visible" +
      (options.quiescent ? "" : " (run not quiescent: not counted as violations)");
  out.t_visibility_bucket = options.t_visibility_bucket > sim::Duration()
                                ? options.t_visibility_bucket
                                : round_bucket_width(out.time_to_visibility.max,
                                                     options.t_visibility_buckets);
  analyze_reads(history, index, out);
  analyze_read_your_writes(history, index, out);
  analyze_monotonic_reads(history, out);
  return out;
}

CheckResult check_session_guarantees(const FreshnessAnalysis& analysis) {
  CheckResult result{"session_guarantees", 0, {}, ""};
  std::vector<Violation> all = analysis.read_your_writes.examples;
  all.insert(all.end(), analysis.monotonic_reads.examples.begin(),
             analysis.monotonic_reads.examples.end());
  std::stable_sort(all.begin(), all.end(), [](const Violation& x, const Violation& y) { return x.at < y.at; });
  for (auto& v : all) result.add(std::move(v));
  result.violations = analysis.read_your_writes.violations + analysis.monotonic_reads.violations;
  result.summary = analysis.read_your_writes.summary + ", " + analysis.monotonic_reads.summary +
                   " (" + std::to_string(analysis.sessions) + " reading sessions)";
  return result;
}

std::vector<CheckResult> freshness_checks(const FreshnessAnalysis& analysis) {
  return {analysis.freshness, check_session_guarantees(analysis), analysis.dirty_reads,
          analysis.convergence};
}

LagSeries lag_over_time(const ReadHistory& history, sim::Duration interval, std::size_t max_points) {
  const Grid grid = make_grid(history.end, interval, max_points, /*inclusive=*/true);
  const FreshnessIndex index(history);
  LagSeries out;
  out.interval = grid.interval;
  for (std::size_t k = 0; k < grid.points; ++k) {
    out.times.push_back(sim::Time::zero() + grid.interval * static_cast<std::int64_t>(k));
  }
  for (std::size_t r = 0; r < index.replicas(); ++r) {
    // (time, 0 = committed / 1 = became visible, commit time): commits first at equal times.
    std::vector<std::tuple<sim::Time, int, sim::Time>> events;
    for (std::size_t a = 0; a < index.aggregates(); ++a) {
      std::uint64_t shown = 0;
      for (auto* s = index.steps_begin(r, a); s != index.steps_end(r, a); ++s) {
        for (std::uint64_t v = shown + 1; v <= s->version; ++v) {
          events.emplace_back(s->at, 1, index.commit(a, v).committed_at);
        }
        shown = s->version;
      }
      for (std::uint64_t v = 1; v <= index.versions(a); ++v) {
        const sim::Time c = index.commit(a, v).committed_at;
        events.emplace_back(c, 0, c);
      }
    }
    std::sort(events.begin(), events.end());
    ReplicaLagSeries series{history.replica_names[r], {}, {}};
    std::multiset<sim::Time> pending;  // commit times of versions not yet visible
    std::size_t next = 0;
    for (const sim::Time t : out.times) {
      for (; next < events.size() && std::get<0>(events[next]) <= t; ++next) {
        const auto& [at, kind, committed] = events[next];
        if (kind == 0) {
          pending.insert(committed);
        } else {
          pending.erase(pending.find(committed));
        }
      }
      series.position_lag.push_back(pending.size());
      series.oldest_unapplied_age.push_back(pending.empty() ? sim::Duration() : t - *pending.begin());
    }
    out.replicas.push_back(std::move(series));
  }
  return out;
}

ReadStalenessSeries read_staleness_over_time(const ReadHistory& history,
                                             const FreshnessAnalysis& analysis,
                                             sim::Duration interval, std::size_t max_points) {
  if (analysis.reads.size() != history.reads.size()) {
    throw std::invalid_argument("read_staleness_over_time: analysis is of another history");
  }
  const Grid grid = make_grid(history.end, interval, max_points, /*inclusive=*/false);
  ReadStalenessSeries out;
  out.interval = grid.interval;
  out.reads.assign(grid.points, 0);
  out.stale_reads.assign(grid.points, 0);
  out.max_staleness.assign(grid.points, sim::Duration());
  for (std::size_t k = 0; k < grid.points; ++k) {
    out.times.push_back(sim::Time::zero() + grid.interval * static_cast<std::int64_t>(k));
  }
  for (std::size_t i = 0; i < history.reads.size(); ++i) {
    const auto& read = history.reads[i];
    if (read.timed_out) continue;
    const auto k = std::min<std::size_t>(
        static_cast<std::size_t>(std::max<std::int64_t>(read.issued_at.ns(), 0) / grid.interval.ns()),
        grid.points - 1);
    ++out.reads[k];
    if (analysis.reads[i].stale) ++out.stale_reads[k];
    out.max_staleness[k] = std::max(out.max_staleness[k], analysis.reads[i].staleness);
  }
  return out;
}

}  // namespace txsim::check
