// The messages between a saga orchestrator and its participants, packed into net::Payload.
//
// Request (orchestrator -> participant), type kStepRequest:
//   words[0] saga id, words[1] step | attempt << 16 | operation << 48 | service << 49,
//   words[2], words[3] business arguments of the saga instance (SagaArgs).
// Reply (participant -> orchestrator): words[0] saga id, words[1] as in the request,
//   words[2] StepResult.
// Choreography events (service -> service), type kStepEvent: the same layout as a request.
#pragma once

#include <cstdint>

#include "core/net/message.h"

namespace txsim::saga {

/// Message type codes 16..31 belong to the saga protocol (2PC and CQRS use other ranges).
inline constexpr net::MessageType kStepRequest = 16;
inline constexpr net::MessageType kStepEvent = 17;

enum class Operation : std::uint8_t { kAction = 0, kCompensation = 1 };
/// kFailure is a business refusal: final, remembered by the barrier. kRetryLater is a transient
/// error (the service could not do it now): not remembered, so a retry runs the action again.
/// The orchestrator sees both as a failure; for a retriable step a failure means "retry".
enum class StepResult : std::uint8_t { kSuccess = 0, kFailure = 1, kRetryLater = 2 };

/// Services are numbered per run; 15 bits of the request carry the number.
inline constexpr std::uint32_t kMaxServices = 1u << 15;

/// Business arguments a saga instance carries to every step (e.g. an upload's kind and length).
struct SagaArgs {
  std::uint64_t a = 0;
  std::uint64_t b = 0;
};

struct StepRequest {
  std::uint64_t saga_id = 0;
  std::uint32_t service = 0;  // which service on the destination node (< kMaxServices)
  std::uint32_t step = 0;
  std::uint32_t attempt = 0;
  Operation operation = Operation::kAction;
  SagaArgs args;
};

inline net::Payload encode(const StepRequest& r) {
  net::Payload p;
  p.words[0] = r.saga_id;
  p.words[1] = std::uint64_t{r.step & 0xffff} | (std::uint64_t{r.attempt} << 16) |
               (std::uint64_t{static_cast<std::uint8_t>(r.operation)} << 48) |
               (std::uint64_t{r.service & (kMaxServices - 1)} << 49);
  p.words[2] = r.args.a;
  p.words[3] = r.args.b;
  return p;
}

inline StepRequest decode_request(const net::Payload& p) {
  StepRequest r;
  r.saga_id = p.words[0];
  r.step = static_cast<std::uint32_t>(p.words[1] & 0xffff);
  r.attempt = static_cast<std::uint32_t>((p.words[1] >> 16) & 0xffffffff);
  r.operation = static_cast<Operation>((p.words[1] >> 48) & 1);
  r.service = static_cast<std::uint32_t>(p.words[1] >> 49);
  r.args = {p.words[2], p.words[3]};
  return r;
}

inline net::Payload encode_reply(const StepRequest& r, StepResult result) {
  net::Payload p = encode(r);
  p.words[2] = static_cast<std::uint64_t>(result);
  p.words[3] = 0;
  return p;
}

inline StepResult reply_result(const net::Payload& p) { return static_cast<StepResult>(p.words[2] & 3); }

}  // namespace txsim::saga
