#include "core/txn/saga/participant.h"

#include <cmath>
#include <stdexcept>

#include "core/sim/distributions.h"
#include "core/txn/saga/barrier_record.h"

namespace txsim::saga {
namespace {

BarrierKey barrier_key(const StepRequest& r) { return BarrierKey(r.saga_id, r.step); }

}  // namespace

SagaParticipant::SagaParticipant(net::Node& node, SagaService& service, ParticipantConfig config,
                                 HistoryRecorder* history)
    : node_(node),
      service_(service),
      config_(config),
      history_(history),
      service_time_rng_(node.simulator().stream("saga/participant/" + node.name() + "/service_time")),
      business_rng_(node.simulator().stream("saga/participant/" + node.name() + "/business")) {}

ParticipantHost::ParticipantHost(net::Node& node) : node_(node) {
  node_.on(kStepRequest, [this](net::Node&, const net::Message& request) {
    const auto found = participants_.find(decode_request(request.payload).service);
    // A request for a service this node does not run is a wiring bug, not a network event.
    if (found == participants_.end()) {
      throw std::logic_error("node '" + node_.name() + "' got a saga request for a service it "
                             "does not run");
    }
    node_.spawn(found->second->handle(request));
  });
}

void ParticipantHost::add(std::uint32_t service, SagaParticipant& participant) {
  if (service >= kMaxServices || !participants_.emplace(service, &participant).second) {
    throw std::invalid_argument("service number " + std::to_string(service) +
                                " is out of range or already used on node '" + node_.name() + "'");
  }
}

void SagaParticipant::forget(std::uint64_t saga_id, std::uint32_t step) {
  StepRequest request;
  request.saga_id = saga_id;
  request.step = step;
  node_.store().prune(barrier_key(request));
  service_.forget(node_.store(), saga_id);
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
  const BarrierKey key = barrier_key(request);
  if (request.operation == Operation::kAction) {
    if (config_.barrier) {
      if (const auto* row = store.find(key)) {
        const BarrierState state = BarrierState::of(row);
        if (state.compensated) return {StepResult::kFailure, OpResult::kRefusedHanging};
        return {state.action_succeeded() ? StepResult::kSuccess : StepResult::kFailure,
                OpResult::kDuplicate};
      }
    }
    const StepResult result = service_.apply_action(store, request, business_rng_);
    // A transient failure is not an outcome: nothing is remembered, a retry runs again.
    if (config_.barrier && result != StepResult::kRetryLater) {
      BarrierState state;
      state.action = result == StepResult::kSuccess ? BarrierState::kSucceeded : BarrierState::kFailed;
      state.write(store, key);
    }
    return {result, result == StepResult::kSuccess ? OpResult::kApplied : OpResult::kRejected};
  }
  if (config_.barrier) {
    BarrierState state = BarrierState::of(store.find(key));
    if (state.compensated) return {StepResult::kSuccess, OpResult::kDuplicate};
    state.compensated = true;
    state.write(store, key);
    if (!state.action_succeeded()) return {StepResult::kSuccess, OpResult::kNullCompensation};
  }
  service_.apply_compensation(store, request);
  return {StepResult::kSuccess, OpResult::kApplied};
}

}  // namespace txsim::saga
