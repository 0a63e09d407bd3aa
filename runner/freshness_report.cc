#include "runner/freshness_report.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace txsim::runner {
namespace {

report::LatencySummary latency_ms(const check::DurationSummary& s) {
  report::LatencySummary out;
  out.set_count(s.count);
  out.set_mean(s.mean.to_ms());
  out.set_p50(s.p50.to_ms());
  out.set_p99(s.p99.to_ms());
  out.set_max(s.max.to_ms());
  return out;
}

// Nearest rank over an ascending vector, as check::summarize_durations does.
report::LatencySummary versions_summary(const std::vector<std::uint64_t>& sorted) {
  report::LatencySummary out;
  if (sorted.empty()) return out;
  const std::size_t n = sorted.size();
  const auto at = [&](double q) {
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(n)));
    return static_cast<double>(sorted[std::max<std::size_t>(rank, 1) - 1]);
  };
  const double sum = std::accumulate(sorted.begin(), sorted.end(), 0.0,
                                     [](double acc, std::uint64_t v) { return acc + static_cast<double>(v); });
  out.set_count(n);
  out.set_mean(sum / static_cast<double>(n));
  out.set_p50(at(0.5));
  out.set_p99(at(0.99));
  out.set_max(static_cast<double>(sorted.back()));
  return out;
}

report::TimeSeries& new_series(report::Report& r, const std::string& name, const std::string& unit,
                               const std::string& chart, sim::Duration interval) {
  auto* s = r.add_time_series();
  s->set_name(name);
  s->set_unit(unit);
  s->set_chart(chart);
  s->set_interval_s(interval.to_seconds());
  return *s;
}

void add_point(report::TimeSeries& s, sim::Time t, double value) {
  auto* p = s.add_points();
  p->set_t_s(t.to_seconds());
  p->set_value(value);
}

void add_lag_series(const check::LagSeries& lag, report::Report& r) {
  for (const auto& replica : lag.replicas) {
    auto& age = new_series(r, "oldest unapplied age " + replica.replica, "ms", "freshness_age",
                           lag.interval);
    for (std::size_t k = 0; k < lag.times.size(); ++k) {
      add_point(age, lag.times[k], replica.oldest_unapplied_age[k].to_ms());
    }
    auto& position = new_series(r, "position lag " + replica.replica, "versions",
                                "freshness_lag", lag.interval);
    for (std::size_t k = 0; k < lag.times.size(); ++k) {
      add_point(position, lag.times[k], static_cast<double>(replica.position_lag[k]));
    }
  }
}

// Intervals without an answered read have no point: a fraction of nothing is not 0.
void add_read_series(const check::ReadStalenessSeries& reads, report::Report& r) {
  auto& fraction = new_series(r, "stale-read fraction", "fraction", "read_staleness", reads.interval);
  auto& worst = new_series(r, "max read staleness", "ms", "read_staleness_ms", reads.interval);
  for (std::size_t k = 0; k < reads.times.size(); ++k) {
    if (reads.reads[k] == 0) continue;
    add_point(fraction, reads.times[k],
              static_cast<double>(reads.stale_reads[k]) / static_cast<double>(reads.reads[k]));
    add_point(worst, reads.times[k], reads.max_staleness[k].to_ms());
  }
}

}  // namespace

report::FreshnessReport to_freshness_report(const check::FreshnessAnalysis& a) {
  report::FreshnessReport f;
  *f.mutable_time_to_visibility_ms() = latency_ms(a.time_to_visibility);
  f.set_never_visible(a.never_visible);
  f.set_stale_read_fraction(a.stale_read_fraction);
  *f.mutable_staleness_ms() = latency_ms(a.staleness);
  *f.mutable_staleness_versions() = versions_summary(a.staleness_versions_sorted);
  f.set_reads(a.answered_reads + a.timeouts);
  f.set_read_timeouts(a.timeouts);
  f.set_ryw_violations(a.read_your_writes.violations);
  f.set_monotonic_read_violations(a.monotonic_reads.violations);
  f.set_dirty_reads(a.dirty_reads.violations);
  f.set_converged(a.convergence_result.converged);
  f.set_convergence_lag_ms(a.convergence_result.converged ? a.convergence_result.lag.to_ms() : -1.0);
  for (const auto& b : a.t_visibility) {
    if (b.reads == 0) continue;
    auto* p = f.add_t_visibility();
    p->set_t_ms(b.t_from.to_ms());
    p->set_probability(b.probability());
    p->set_reads(b.reads);
  }
  for (const auto& replica : a.replicas) {
    auto* out = f.add_replicas();
    out->set_name(replica.name);
    *out->mutable_time_to_visibility_ms() = latency_ms(replica.time_to_visibility);
    out->set_never_visible(replica.never_visible);
    out->set_applied(replica.visible);
    out->set_reads(replica.reads);
    out->set_stale_read_fraction(replica.reads == 0 ? 0.0
                                                    : static_cast<double>(replica.stale_reads) /
                                                          static_cast<double>(replica.reads));
  }
  f.set_sessions(a.sessions);
  f.set_t_visibility_bucket_ms(a.t_visibility_bucket.to_ms());
  return f;
}

std::vector<check::CheckResult> add_freshness_report(const check::ReadHistory& history,
                                                     bool quiescent, sim::Duration interval,
                                                     report::Report& report,
                                                     const check::CheckResult* row_convergence) {
  check::FreshnessOptions options;
  options.quiescent = quiescent;
  auto analysis = check::analyze_freshness(history, options);
  if (quiescent && row_convergence != nullptr) {
    analysis.convergence = *row_convergence;
    analysis.convergence_result.converged = row_convergence->passed();
  }
  *report.mutable_freshness() = to_freshness_report(analysis);
  add_lag_series(check::lag_over_time(history, interval), report);
  add_read_series(check::read_staleness_over_time(history, analysis, interval), report);
  return check::freshness_checks(analysis);
}

}  // namespace txsim::runner
