// The report's `freshness` section (proto/txsim/report.proto FreshnessReport) and its charts,
// built from a run's ReadHistory with the checkers of core/check/freshness_checks.h.
//
// Time series added to the report (chart names in brackets, drawn by reports/html_report.cc
// with the run's fault spans marked):
// - [freshness_age] "oldest unapplied age <replica>", ms: age of the oldest committed version
//   not yet visible in the replica;
// - [freshness_lag] "position lag <replica>", versions: committed versions not yet visible;
// - [read_staleness] "stale-read fraction", per interval of issue time, and
//   [read_staleness_ms] "max read staleness", ms.
// The t-visibility curve goes into FreshnessReport.t_visibility. Virtual time is integer
// nanoseconds; the report shows milliseconds and seconds as its fields say.
#pragma once

#include <vector>

#include "core/check/check_result.h"
#include "core/check/freshness_checks.h"
#include "core/check/read_history.h"
#include "txsim/report.pb.h"

namespace txsim::runner {

/// The FreshnessReport of an analysis (convergence_lag_ms is -1 when not converged; the
/// t-visibility curve leaves out empty buckets).
report::FreshnessReport to_freshness_report(const check::FreshnessAnalysis& analysis);

/// Analyzes `history`, sets report.freshness, appends the freshness time series sampled at
/// `interval` (REQUIRES: > 0), and returns the four checks (freshness, session_guarantees,
/// dirty_reads, convergence) for the caller to select and add like the other checks.
/// `quiescent`: the run stopped with nothing in flight (stop_reason "quiescent").
/// `row_convergence` (may be null): the row-by-row convergence check of the replicas' full
/// views (core/check/view_checks.h); at quiescence it replaces the version-based convergence
/// check, and `converged` in the report follows it. Before quiescence events are still in
/// flight and the version-based check ("not converged by end of run") stays.
std::vector<check::CheckResult> add_freshness_report(const check::ReadHistory& history,
                                                     bool quiescent, sim::Duration interval,
                                                     report::Report& report,
                                                     const check::CheckResult* row_convergence = nullptr);

}  // namespace txsim::runner
