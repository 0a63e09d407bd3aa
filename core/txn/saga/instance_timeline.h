// One saga instance's actual path through its definition, taken from a run's SagaHistory: which
// steps ran, with how many attempts and what outcome, which were compensated, and when.
//
// It is what a user looks at after a check names a failing saga: `txsim replay --saga ID`
// prints it, `txsim diagram --instance ID` draws it, and --trace-json shows every instance's
// steps on the simulated timeline. Times are virtual time, integer nanoseconds (printed in ms).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/txn/saga/history.h"

namespace txsim::saga {

/// What became of one step in this instance.
enum class StepFate : std::uint8_t {
  kNotRun,       // never requested (an earlier step failed, or the saga was still running)
  kDone,         // the action succeeded and stayed
  kFailed,       // the action was refused by a business rule (no effect)
  kCompensated,  // the action ran (or may have run) and a compensation succeeded
  kUncertain,    // requested, but no reply said whether it ran (timeouts, crashes)
};
const char* to_string(StepFate fate);

struct StepTimeline {
  std::uint32_t step = 0;
  const StepDefinition* definition = nullptr;  // not owned; lives as long as the history's saga
  std::vector<StepAttempt> actions;            // action requests, in order
  std::vector<StepAttempt> compensations;      // compensation requests, in order
  std::vector<ParticipantOp> ops;              // what the participant did, in order
  StepFate fate = StepFate::kNotRun;
};

struct InstanceTimeline {
  std::uint64_t saga_id = 0;
  const SagaDefinition* definition = nullptr;  // not owned
  SagaOutcome outcome = SagaOutcome::kNone;
  sim::Time accepted_at;
  sim::Time finished_at;  // meaningful when outcome != kNone
  std::vector<StepTimeline> steps;  // indexed by step
};

/// The path of saga `saga_id`, or nullopt when the history has no accepted saga of that id.
std::optional<InstanceTimeline> instance_timeline(const SagaHistory& history,
                                                  std::uint64_t saga_id);

/// A few lines per step, readable on a terminal: attempts with their times and outcomes, the
/// participant's barrier decisions, the step's fate.
std::string to_text(const InstanceTimeline& timeline);

}  // namespace txsim::saga
