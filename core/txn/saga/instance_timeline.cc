#include "core/txn/saga/instance_timeline.h"

#include <algorithm>
#include <cstdio>

namespace txsim::saga {
namespace {

bool any_success(const std::vector<StepAttempt>& attempts) {
  return std::any_of(attempts.begin(), attempts.end(), [](const StepAttempt& a) {
    return a.outcome == AttemptOutcome::kSuccess;
  });
}

StepFate fate_of(const StepTimeline& step) {
  if (any_success(step.compensations)) return StepFate::kCompensated;
  if (step.actions.empty()) return step.ops.empty() ? StepFate::kNotRun : StepFate::kUncertain;
  switch (step.actions.back().outcome) {
    case AttemptOutcome::kSuccess: return StepFate::kDone;
    case AttemptOutcome::kFailure: return StepFate::kFailed;
    case AttemptOutcome::kUnknown: break;
  }
  return StepFate::kUncertain;
}

std::string ms(sim::Time t) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f ms", static_cast<double>(t.ns()) / 1e6);
  return text;
}

const char* to_string(AttemptOutcome outcome) {
  switch (outcome) {
    case AttemptOutcome::kSuccess: return "success";
    case AttemptOutcome::kFailure: return "failure";
    case AttemptOutcome::kUnknown: return "no reply";
  }
  return "?";
}

const char* to_string(OpResult result) {
  switch (result) {
    case OpResult::kApplied: return "applied";
    case OpResult::kRejected: return "rejected by a business rule";
    case OpResult::kDuplicate: return "duplicate, answered by the barrier";
    case OpResult::kNullCompensation: return "null compensation (action never ran)";
    case OpResult::kRefusedHanging: return "refused: arrived after its compensation";
  }
  return "?";
}

const char* to_string(SagaOutcome outcome) {
  switch (outcome) {
    case SagaOutcome::kNone: return "unfinished";
    case SagaOutcome::kCommitted: return "committed";
    case SagaOutcome::kCompensated: return "compensated";
    case SagaOutcome::kStuck: return "stuck";
  }
  return "?";
}

void append_attempts(std::string& out, const char* what, const std::vector<StepAttempt>& list) {
  for (const StepAttempt& a : list) {
    out += "    " + std::string(what) + " attempt " + std::to_string(a.attempt) + ": sent " +
           ms(a.sent_at) + ", " + to_string(a.outcome) + " at " + ms(a.done_at) + "\n";
  }
}

}  // namespace

const char* to_string(StepFate fate) {
  switch (fate) {
    case StepFate::kNotRun: return "not run";
    case StepFate::kDone: return "done";
    case StepFate::kFailed: return "failed";
    case StepFate::kCompensated: return "compensated";
    case StepFate::kUncertain: return "uncertain";
  }
  return "?";
}

std::optional<InstanceTimeline> instance_timeline(const SagaHistory& history,
                                                  std::uint64_t saga_id) {
  const auto saga = std::find_if(history.sagas.begin(), history.sagas.end(),
                                 [&](const SagaInstance& s) { return s.saga_id == saga_id; });
  if (saga == history.sagas.end()) return std::nullopt;
  InstanceTimeline timeline;
  timeline.saga_id = saga_id;
  timeline.definition = saga->definition;
  timeline.outcome = saga->outcome;
  timeline.accepted_at = saga->accepted_at;
  timeline.finished_at = saga->finished_at;
  timeline.steps.resize(saga->definition->steps.size());
  for (std::uint32_t i = 0; i < timeline.steps.size(); ++i) {
    timeline.steps[i].step = i;
    timeline.steps[i].definition = &saga->definition->steps[i];
  }
  // Records naming a step the definition lacks would be a recorder bug: skip, never index past.
  for (const StepAttempt& a : history.attempts) {
    if (a.saga_id != saga_id || a.step >= timeline.steps.size()) continue;
    StepTimeline& step = timeline.steps[a.step];
    (a.type == OpType::kAction ? step.actions : step.compensations).push_back(a);
  }
  for (const ParticipantOp& op : history.ops) {
    if (op.saga_id == saga_id && op.step < timeline.steps.size()) {
      timeline.steps[op.step].ops.push_back(op);
    }
  }
  for (StepTimeline& step : timeline.steps) step.fate = fate_of(step);
  return timeline;
}

std::string to_text(const InstanceTimeline& timeline) {
  std::string out = "saga " + std::to_string(timeline.saga_id) + " (" +
                    timeline.definition->name + "): " + to_string(timeline.outcome) +
                    "; accepted at " + ms(timeline.accepted_at);
  if (timeline.outcome != SagaOutcome::kNone) out += ", finished at " + ms(timeline.finished_at);
  out += "\n";
  for (const StepTimeline& step : timeline.steps) {
    out += "  step " + step.definition->name + " (" + step.definition->service + ", " +
           to_string(step.definition->kind) + "): " + to_string(step.fate) + "\n";
    append_attempts(out, "action", step.actions);
    append_attempts(out, "compensation", step.compensations);
    for (const ParticipantOp& op : step.ops) {
      out += "    participant: " +
             std::string(op.type == OpType::kAction ? "action " : "compensation ") +
             to_string(op.result) + " at " + ms(op.at) + "\n";
    }
  }
  return out;
}

}  // namespace txsim::saga
