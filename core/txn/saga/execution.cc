#include "core/txn/saga/execution.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>

namespace txsim::saga {

const char* to_string(StepStatus status) {
  switch (status) {
    case StepStatus::kPending: return "pending";
    case StepStatus::kRunning: return "running";
    case StepStatus::kSucceeded: return "succeeded";
    case StepStatus::kFailed: return "failed";
    case StepStatus::kMaybeDone: return "maybe_done";
    case StepStatus::kCompensating: return "compensating";
    case StepStatus::kCompensated: return "compensated";
  }
  return "unknown";
}

const char* to_string(SagaStatus status) {
  switch (status) {
    case SagaStatus::kRunning: return "running";
    case SagaStatus::kCompensating: return "compensating";
    case SagaStatus::kCommitted: return "committed";
    case SagaStatus::kCompensated: return "compensated";
    case SagaStatus::kStuck: return "stuck";
  }
  return "unknown";
}

sim::Duration backoff_delay(const RetryPolicy& policy, std::uint32_t retry, sim::Rng& rng) {
  // Doubling stops at backoff_max; cap the exponent so the shift cannot overflow.
  std::int64_t ceiling = policy.backoff_initial.ns();
  for (std::uint32_t i = 1; i < retry && ceiling < policy.backoff_max.ns(); ++i) ceiling *= 2;
  ceiling = std::min(ceiling, policy.backoff_max.ns());
  if (ceiling <= 0) return sim::Duration{};
  if (!policy.full_jitter) return sim::Duration::from_ns(ceiling);
  return sim::Duration::from_ns(static_cast<std::int64_t>(rng.below(
      static_cast<std::uint64_t>(ceiling) + 1)));
}

SagaExecution::SagaExecution(const SagaDefinition& definition)
    : definition_(&definition),
      steps_(definition.steps.size()) {}

void SagaExecution::start(sim::Time now, Commands& out) { invoke_ready_steps(now, out); }

void SagaExecution::invoke_ready_steps(sim::Time now, Commands& out) {
  bool all_succeeded = true;
  for (std::uint32_t s = 0; s < steps_.size(); ++s) {
    StepState& state = steps_[s];
    if (state.status != StepStatus::kSucceeded) all_succeeded = false;
    if (state.status != StepStatus::kPending) continue;
    const auto& after = definition_->steps[s].after;
    const bool ready = std::all_of(after.begin(), after.end(), [&](std::uint32_t before) {
      return steps_[before].status == StepStatus::kSucceeded;
    });
    if (!ready) continue;
    state.status = StepStatus::kRunning;
    state.action_attempts = 1;
    state.retrying_since_ns = now.ns();
    out.push_back({Command::Type::kInvoke, s, 1, sim::Duration{}});
  }
  if (all_succeeded) status_ = SagaStatus::kCommitted;
}

void SagaExecution::on_outcome(const Command& command, Outcome outcome, sim::Time now,
                               sim::Rng& rng, Commands& out) {
  if (finished() || command.step >= steps_.size()) return;
  const StepState& state = steps_[command.step];
  if (command.type == Command::Type::kInvoke) {
    if (state.status != StepStatus::kRunning || command.attempt != state.action_attempts) return;
    on_action_outcome(command.step, outcome, now, rng, out);
  } else {
    if (state.status != StepStatus::kCompensating ||
        command.attempt != state.compensation_attempts) {
      return;
    }
    on_compensation_outcome(command.step, outcome, now, rng, out);
  }
}

void SagaExecution::on_action_outcome(std::uint32_t s, Outcome outcome, sim::Time now,
                                      sim::Rng& rng, Commands& out) {
  StepState& state = steps_[s];
  const StepKind kind = definition_->steps[s].kind;
  if (outcome == Outcome::kSuccess) {
    state.status = StepStatus::kSucceeded;
    if (status_ == SagaStatus::kCompensating) {
      compensate_eligible(now, out);
    } else {
      invoke_ready_steps(now, out);
    }
    return;
  }
  if (status_ == SagaStatus::kCompensating) {
    // Backward recovery is under way: do not retry, just record what the step may have done.
    state.status = outcome == Outcome::kFailure ? StepStatus::kFailed : StepStatus::kMaybeDone;
    compensate_eligible(now, out);
    return;
  }
  const bool forward_recovery = kind == StepKind::kRetriable ||
                                (kind == StepKind::kPivot && outcome == Outcome::kUnknown);
  if (forward_recovery) {
    retry_action(s, now, rng, out);
    return;
  }
  if (outcome == Outcome::kFailure) {
    state.status = StepStatus::kFailed;
    begin_backward_recovery(now, out);
    return;
  }
  if (state.action_attempts < definition_->steps[s].retry.attempts_max) {
    retry_action(s, now, rng, out);
    return;
  }
  state.status = StepStatus::kMaybeDone;
  begin_backward_recovery(now, out);
}

void SagaExecution::retry_action(std::uint32_t s, sim::Time now, sim::Rng& rng,
                                 Commands& out) {
  StepState& state = steps_[s];
  if (past_deadline(state, now)) {
    become_stuck("step '" + definition_->steps[s].name + "' (" +
                 to_string(definition_->steps[s].kind) + ") found no definite outcome after " +
                 std::to_string(state.action_attempts) + " attempts");
    return;
  }
  const sim::Duration delay = backoff_delay(definition_->steps[s].retry, state.action_attempts, rng);
  ++state.action_attempts;
  out.push_back({Command::Type::kInvoke, s, state.action_attempts, delay});
}

void SagaExecution::begin_backward_recovery(sim::Time now, Commands& out) {
  status_ = SagaStatus::kCompensating;
  compensate_eligible(now, out);
}

const std::vector<std::uint32_t>& SagaExecution::successors_of(std::uint32_t s) const {
  if (successors_.empty()) successors_ = successors(*definition_);
  return successors_[s];
}

bool SagaExecution::compensation_eligible(std::uint32_t s) const {
  const StepStatus status = steps_[s].status;
  if (status != StepStatus::kSucceeded && status != StepStatus::kMaybeDone) return false;
  if (definition_->compensation_order == CompensationOrder::kParallel) return true;
  // Reverse order: every successor must have settled with nothing left to undo.
  const auto& after_s = successors_of(s);
  return std::all_of(after_s.begin(), after_s.end(), [&](std::uint32_t next) {
    const StepStatus n = steps_[next].status;
    return n == StepStatus::kPending || n == StepStatus::kFailed || n == StepStatus::kCompensated;
  });
}

void SagaExecution::compensate_eligible(sim::Time now, Commands& out) {
  bool work_left = false;
  for (std::uint32_t s = 0; s < steps_.size(); ++s) {
    StepState& state = steps_[s];
    if (compensation_eligible(s)) {
      state.status = StepStatus::kCompensating;
      state.compensation_attempts = 1;
      state.retrying_since_ns = now.ns();
      out.push_back({Command::Type::kCompensate, s, 1, sim::Duration{}});
    }
    const StepStatus status = state.status;
    if (status == StepStatus::kRunning || status == StepStatus::kSucceeded ||
        status == StepStatus::kMaybeDone || status == StepStatus::kCompensating) {
      work_left = true;
    }
  }
  if (!work_left) status_ = SagaStatus::kCompensated;
}

void SagaExecution::on_compensation_outcome(std::uint32_t s, Outcome outcome, sim::Time now,
                                            sim::Rng& rng, Commands& out) {
  if (outcome == Outcome::kSuccess) {
    steps_[s].status = StepStatus::kCompensated;
    compensate_eligible(now, out);
    return;
  }
  retry_compensation(s, now, rng, out);
}

void SagaExecution::retry_compensation(std::uint32_t s, sim::Time now, sim::Rng& rng,
                                       Commands& out) {
  StepState& state = steps_[s];
  if (past_deadline(state, now)) {
    become_stuck("compensation of step '" + definition_->steps[s].name + "' did not succeed in " +
                 std::to_string(state.compensation_attempts) + " attempts");
    return;
  }
  const sim::Duration delay =
      backoff_delay(definition_->steps[s].retry, state.compensation_attempts, rng);
  ++state.compensation_attempts;
  out.push_back({Command::Type::kCompensate, s, state.compensation_attempts, delay});
}

bool SagaExecution::past_deadline(const StepState& state, sim::Time now) const {
  return now.ns() - state.retrying_since_ns > definition_->forward_recovery_deadline.ns();
}

void SagaExecution::become_stuck(std::string reason) {
  status_ = SagaStatus::kStuck;
  stuck_reason_ = std::move(reason);
}

void SagaExecution::resume(sim::Time, Commands& out) {
  if (finished()) return;
  for (std::uint32_t s = 0; s < steps_.size(); ++s) {
    StepState& state = steps_[s];
    if (state.status == StepStatus::kRunning) {
      ++state.action_attempts;
      out.push_back({Command::Type::kInvoke, s, state.action_attempts, sim::Duration{}});
    } else if (state.status == StepStatus::kCompensating) {
      ++state.compensation_attempts;
      out.push_back({Command::Type::kCompensate, s, state.compensation_attempts, sim::Duration{}});
    }
  }
}

// Record layout (little-endian, fixed width): magic "SG1", saga status (1 byte), step count
// (4 bytes), then per step: status (1), action attempts (4), compensation attempts (4),
// retrying-since (8). The stuck reason is appended as the rest of the record.
namespace {
// Writes `value` little-endian at `at`, returning the byte after it.
template <typename T>
char* put(char* at, T value) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(at, &value, sizeof(T));
    return at + sizeof(T);
  }
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    *at++ = static_cast<char>((static_cast<std::uint64_t>(value) >> (8 * i)) & 0xff);
  }
  return at;
}
template <typename T>
T get(std::string_view in, std::size_t& offset) {
  if (offset + sizeof(T) > in.size()) throw std::invalid_argument("saga log record is truncated");
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    value |= static_cast<std::uint64_t>(static_cast<unsigned char>(in[offset + i])) << (8 * i);
  }
  offset += sizeof(T);
  return static_cast<T>(value);
}
constexpr std::string_view kMagic = "SG1";
}  // namespace

constexpr std::size_t kStepRecordBytes = 1 + 4 + 4 + 8;

std::string SagaExecution::encode() const {
  std::string out;
  encode_to(out);
  return out;
}

std::size_t SagaExecution::encoded_size() const {
  return kMagic.size() + 1 + 4 + steps_.size() * kStepRecordBytes + stuck_reason_.size();
}

void SagaExecution::encode_to(std::string& out) const {
  const std::size_t start = out.size();
  out.resize(start + encoded_size() - stuck_reason_.size());
  char* at = std::copy(kMagic.begin(), kMagic.end(), out.data() + start);
  at = put<std::uint8_t>(at, static_cast<std::uint8_t>(status_));
  at = put<std::uint32_t>(at, static_cast<std::uint32_t>(steps_.size()));
  for (const StepState& state : steps_) {
    at = put<std::uint8_t>(at, static_cast<std::uint8_t>(state.status));
    at = put<std::uint32_t>(at, state.action_attempts);
    at = put<std::uint32_t>(at, state.compensation_attempts);
    at = put<std::int64_t>(at, state.retrying_since_ns);
  }
  out += stuck_reason_;
}

SagaExecution SagaExecution::decode(const SagaDefinition& definition, std::string_view record) {
  if (record.substr(0, kMagic.size()) != kMagic) {
    throw std::invalid_argument("saga log record has no SG1 header");
  }
  std::size_t offset = kMagic.size();
  SagaExecution execution(definition);
  const auto status = get<std::uint8_t>(record, offset);
  if (status > static_cast<std::uint8_t>(SagaStatus::kStuck)) {
    throw std::invalid_argument("saga log record has an unknown saga status");
  }
  execution.status_ = static_cast<SagaStatus>(status);
  if (get<std::uint32_t>(record, offset) != definition.steps.size()) {
    throw std::invalid_argument("saga log record does not match the definition of '" +
                                definition.name + "'");
  }
  for (StepState& state : execution.steps_) {
    const auto step_status = get<std::uint8_t>(record, offset);
    if (step_status > static_cast<std::uint8_t>(StepStatus::kCompensated)) {
      throw std::invalid_argument("saga log record has an unknown step status");
    }
    state.status = static_cast<StepStatus>(step_status);
    state.action_attempts = get<std::uint32_t>(record, offset);
    state.compensation_attempts = get<std::uint32_t>(record, offset);
    state.retrying_since_ns = get<std::int64_t>(record, offset);
  }
  execution.stuck_reason_ = std::string(record.substr(offset));
  return execution;
}

}  // namespace txsim::saga
