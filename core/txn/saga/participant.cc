#include "core/txn/saga/participant.h"

#include <cmath>

#include "core/sim/distributions.h"

namespace txsim::saga {
namespace {

// Short keys keep the store's ordered map cheap: "b/<saga id in decimal>/<step>/<a|c>".
std::string barrier_key(const StepRequest& r, char operation) {
  std::string key = "b/";
  key += std::to_string(r.saga_id);
  key += '/';
  key += std::to_string(r.step);
  key += '/';
  key += operation;
  return key;
}

constexpr std::string_view kSucceeded = "S";
constexpr std::string_view kFailed = "F";
constexpr std::string_view kCompensated = "C";

}  // namespace

SagaParticipant::SagaParticipant(net::Node& node, SagaService& service, ParticipantConfig config,
                                 HistoryRecorder* history)
    : node_(node),
      service_(service),
      config_(config),
      history_(history),
      service_time_rng_(node.simulator().stream("saga/participant/" + node.name() + "/service_time")),
      business_rng_(node.simulator().stream("saga/participant/" + node.name() + "/business")) {
  node_.on(kStepRequest, [this](net::Node&, const net::Message& request) {
    node_.spawn(handle(request));
  });
}

sim::Task<void> SagaParticipant::handle(net::Message message) {
  if (config_.service_time_ms_mean > 0) {
    const double ms = sim::exponential(service_time_rng_, config_.service_time_ms_mean);
    co_await node_.sleep(sim::Duration::from_ns(std::llround(ms * 1e6)));
  }
  const StepRequest request = decode_request(message.payload);
  const auto [result, what] = execute(request);
  // The reply must not claim more than is durable: even a duplicate waits for the sync that
  // covers the original's record.
  co_await node_.store().sync();
  if (history_ != nullptr) {
    history_->op({request.saga_id, request.step,
                  request.operation == Operation::kAction ? OpType::kAction : OpType::kCompensation,
                  what, node_.simulator().now()});
  }
  node_.reply(message, encode_reply(request, result));
}

std::pair<StepResult, OpResult> SagaParticipant::execute(const StepRequest& request) {
  auto& store = node_.store();
  if (request.operation == Operation::kAction) {
    if (config_.barrier) {
      if (store.get(barrier_key(request, 'c'))) return {StepResult::kFailure, OpResult::kRefusedHanging};
      if (const auto done = store.get(barrier_key(request, 'a'))) {
        return {done->value == kSucceeded ? StepResult::kSuccess : StepResult::kFailure,
                OpResult::kDuplicate};
      }
    }
    const StepResult result = service_.apply_action(store, request, business_rng_);
    if (config_.barrier) {
      store.put(barrier_key(request, 'a'), result == StepResult::kSuccess ? kSucceeded : kFailed);
    }
    return {result, result == StepResult::kSuccess ? OpResult::kApplied : OpResult::kRejected};
  }
  if (config_.barrier) {
    if (store.get(barrier_key(request, 'c'))) return {StepResult::kSuccess, OpResult::kDuplicate};
    const auto action = store.get(barrier_key(request, 'a'));
    store.put(barrier_key(request, 'c'), kCompensated);
    if (!action || action->value != kSucceeded) {
      return {StepResult::kSuccess, OpResult::kNullCompensation};
    }
  }
  service_.apply_compensation(store, request);
  return {StepResult::kSuccess, OpResult::kApplied};
}

}  // namespace txsim::saga
