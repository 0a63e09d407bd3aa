#include "runner/saga_trace.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace txsim::runner {
namespace {

const char* outcome_name(saga::AttemptOutcome outcome) {
  switch (outcome) {
    case saga::AttemptOutcome::kSuccess: return "success";
    case saga::AttemptOutcome::kFailure: return "failure";
    case saga::AttemptOutcome::kUnknown: return "no reply";
  }
  return "?";
}

const char* saga_outcome_name(saga::SagaOutcome outcome) {
  switch (outcome) {
    case saga::SagaOutcome::kNone: return "unfinished";
    case saga::SagaOutcome::kCommitted: return "committed";
    case saga::SagaOutcome::kCompensated: return "compensated";
    case saga::SagaOutcome::kStuck: return "stuck";
  }
  return "?";
}

void add_instance(reports::ChromeTraceWriter& trace, const saga::SagaInstance& saga,
                  std::vector<const saga::StepAttempt*>& attempts, sim::Time end) {
  const std::string process = "saga " + saga.definition->name;
  const std::string thread = "instance " + std::to_string(saga.saga_id);
  const sim::Time finished = saga.outcome == saga::SagaOutcome::kNone ? end : saga.finished_at;
  trace.add_span(trace.track(process, thread), saga.definition->name,
                 "saga", saga.accepted_at, std::max(finished, saga.accepted_at),
                 {{"saga_id", std::to_string(saga.saga_id)},
                  {"outcome", saga_outcome_name(saga.outcome)}});
  // Requests sent before acceptance was recorded (same instant) or after the outcome (none in
  // practice) still belong to the instance; sort by send time so lanes fill left to right.
  std::stable_sort(attempts.begin(), attempts.end(),
                   [](const saga::StepAttempt* a, const saga::StepAttempt* b) {
                     return a->sent_at < b->sent_at;
                   });
  std::vector<sim::Time> lane_free;  // when each lane's last span ends
  for (const saga::StepAttempt* a : attempts) {
    std::size_t lane = 0;
    while (lane < lane_free.size() && lane_free[lane] > a->sent_at) ++lane;
    if (lane == lane_free.size()) lane_free.push_back(a->done_at);
    lane_free[lane] = a->done_at;
    const auto track =
        trace.track(process, lane == 0 ? thread : thread + " branch " + std::to_string(lane));
    const auto& step = saga.definition->steps.at(a->step);
    const bool action = a->type == saga::OpType::kAction;
    trace.add_span(track, action ? step.name : "undo " + step.name,
                   action ? "action" : "compensation", a->sent_at, a->done_at,
                   {{"service", step.service},
                    {"attempt", std::to_string(a->attempt)},
                    {"outcome", outcome_name(a->outcome)}});
  }
}

}  // namespace

void add_saga_timeline(reports::ChromeTraceWriter& trace, const saga::SagaHistory& history,
                       sim::Time end) {
  std::map<std::uint64_t, std::vector<const saga::StepAttempt*>> by_saga;
  for (const auto& attempt : history.attempts) by_saga[attempt.saga_id].push_back(&attempt);
  for (const auto& saga : history.sagas) add_instance(trace, saga, by_saga[saga.saga_id], end);
}

void add_fault_timeline(reports::ChromeTraceWriter& trace, const report::Report& report) {
  for (const auto& fault : report.faults()) {
    const auto track = trace.track("faults", fault.target().empty() ? fault.kind() : fault.target());
    const auto start = sim::Time::zero() + sim::duration_from_seconds(fault.start_s());
    const auto end = sim::Time::zero() + sim::duration_from_seconds(fault.end_s());
    const reports::ChromeTraceWriter::Args args = {{"detail", fault.detail()}};
    if (end > start) {
      trace.add_span(track, fault.kind(), "fault", start, end, args);
    } else {
      trace.add_instant(track, fault.kind(), "fault", start, args);
    }
  }
}

void DroppedMessages::add_to(reports::ChromeTraceWriter& trace) const {
  for (const Drop& d : drops_) {
    const std::string from = network_.node(d.from).name();
    trace.add_instant(trace.track("messages dropped", "from " + from), d.reason, "message", d.at,
                      {{"to", network_.node(d.to).name()}, {"type", std::to_string(d.type)}});
  }
}

}  // namespace txsim::runner
