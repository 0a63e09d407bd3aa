#include "core/txn/saga/choreography.h"

#include <algorithm>
#include <stdexcept>

namespace txsim::saga {

const char* to_string(ChoreographyEvent event) {
  switch (event) {
    case ChoreographyEvent::kSagaStarted: return "saga_started";
    case ChoreographyEvent::kStepDone: return "step_done";
    case ChoreographyEvent::kStepFailed: return "step_failed";
    case ChoreographyEvent::kStepCompensated: return "step_compensated";
    case ChoreographyEvent::kStepStuck: return "step_stuck";
  }
  return "unknown";
}

const char* to_string(LoggedStep step) {
  switch (step) {
    case LoggedStep::kPending: return "pending";
    case LoggedStep::kStarted: return "started";
    case LoggedStep::kDone: return "done";
    case LoggedStep::kFailed: return "failed";
    case LoggedStep::kCompensated: return "compensated";
  }
  return "unknown";
}

ChoreographyState::ChoreographyState(const SagaDefinition& definition)
    : definition_(&definition),
      steps_(definition.steps.size(), LoggedStep::kPending) {}

bool ChoreographyState::apply(ChoreographyEvent event, std::uint32_t s) {
  if (finished()) return false;
  if (event == ChoreographyEvent::kSagaStarted) {
    if (begun_) return false;
    begun_ = true;
    start_ready_steps();
    settle();
    return true;
  }
  if (s >= steps_.size()) return false;
  LoggedStep& step = steps_[s];
  switch (event) {
    case ChoreographyEvent::kStepDone:
      if (step != LoggedStep::kStarted) return false;
      step = LoggedStep::kDone;
      if (status_ == SagaStatus::kRunning) start_ready_steps();
      break;
    case ChoreographyEvent::kStepFailed:
      if (step != LoggedStep::kStarted) return false;
      step = LoggedStep::kFailed;
      status_ = SagaStatus::kCompensating;
      break;
    case ChoreographyEvent::kStepCompensated:
      if (step != LoggedStep::kDone || status_ != SagaStatus::kCompensating) return false;
      step = LoggedStep::kCompensated;
      break;
    case ChoreographyEvent::kStepStuck:
      if (step != LoggedStep::kStarted) return false;
      status_ = SagaStatus::kStuck;
      return true;
    case ChoreographyEvent::kSagaStarted: break;
  }
  settle();
  return true;
}

void ChoreographyState::start_ready_steps() {
  for (std::uint32_t s = 0; s < steps_.size(); ++s) {
    if (steps_[s] != LoggedStep::kPending) continue;
    const auto& after = definition_->steps[s].after;
    if (std::all_of(after.begin(), after.end(),
                    [&](std::uint32_t before) { return steps_[before] == LoggedStep::kDone; })) {
      steps_[s] = LoggedStep::kStarted;
    }
  }
}

void ChoreographyState::settle() {
  if (status_ == SagaStatus::kRunning) {
    if (std::all_of(steps_.begin(), steps_.end(),
                    [](LoggedStep s) { return s == LoggedStep::kDone; })) {
      status_ = SagaStatus::kCommitted;
    }
    return;
  }
  if (status_ == SagaStatus::kCompensating &&
      std::none_of(steps_.begin(), steps_.end(), [](LoggedStep s) {
        return s == LoggedStep::kStarted || s == LoggedStep::kDone;
      })) {
    status_ = SagaStatus::kCompensated;
  }
}

const std::vector<std::uint32_t>& ChoreographyState::successors_of(std::uint32_t s) const {
  if (successors_.empty()) successors_ = successors(*definition_);
  return successors_[s];
}

bool ChoreographyState::compensation_due(std::uint32_t s) const {
  if (status_ != SagaStatus::kCompensating || steps_[s] != LoggedStep::kDone) return false;
  if (definition_->compensation_order == CompensationOrder::kParallel) return true;
  const auto& after_s = successors_of(s);
  return std::all_of(after_s.begin(), after_s.end(), [&](std::uint32_t next) {
    const LoggedStep n = steps_[next];
    return n == LoggedStep::kPending || n == LoggedStep::kFailed || n == LoggedStep::kCompensated;
  });
}

// Record: "C1", saga status (1 byte), begun (1 byte), one byte per step.
std::string ChoreographyState::encode() const {
  std::string out = "C1";
  out.push_back(static_cast<char>(status_));
  out.push_back(begun_ ? 1 : 0);
  for (const LoggedStep s : steps_) out.push_back(static_cast<char>(s));
  return out;
}

ChoreographyState ChoreographyState::decode(const SagaDefinition& definition,
                                            std::string_view record) {
  if (record.size() != 4 + definition.steps.size() || record.substr(0, 2) != "C1") {
    throw std::invalid_argument("choreography record does not match saga '" + definition.name + "'");
  }
  ChoreographyState state(definition);
  const auto status = static_cast<std::uint8_t>(record[2]);
  if (status > static_cast<std::uint8_t>(SagaStatus::kStuck)) {
    throw std::invalid_argument("choreography record has an unknown saga status");
  }
  state.status_ = static_cast<SagaStatus>(status);
  state.begun_ = record[3] != 0;
  for (std::size_t s = 0; s < definition.steps.size(); ++s) {
    const auto step = static_cast<std::uint8_t>(record[4 + s]);
    if (step > static_cast<std::uint8_t>(LoggedStep::kCompensated)) {
      throw std::invalid_argument("choreography record has an unknown step status");
    }
    state.steps_[s] = static_cast<LoggedStep>(step);
  }
  return state;
}

}  // namespace txsim::saga
