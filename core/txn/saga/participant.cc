#include "core/txn/saga/participant.h"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include "core/sim/distributions.h"

namespace txsim::saga {
namespace {

// "b/<saga id in decimal>/<step>/<a|c>", formatted into a buffer on the stack: the key is only
// looked up or written, and a short key keeps the store's comparisons cheap.
class BarrierKey {
 public:
  BarrierKey(std::uint64_t saga_id, std::uint32_t step, char operation) {
    char* at = std::to_chars(buffer_ + 2, buffer_ + 22, saga_id).ptr;
    *at++ = '/';
    at = std::to_chars(at, at + 10, step).ptr;
    *at++ = '/';
    *at++ = operation;
    size_ = static_cast<std::size_t>(at - buffer_);
  }
  operator std::string_view() const { return {buffer_, size_}; }

 private:
  // Room for "b/", 20 digits of a uint64, '/', 10 digits of a uint32, '/', the operation.
  char buffer_[2 + 20 + 1 + 10 + 2] = "b/";
  std::size_t size_ = 0;
};

BarrierKey barrier_key(const StepRequest& r, char operation) {
  return BarrierKey(r.saga_id, r.step, operation);
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
  node_.store().prune(barrier_key(request, 'a'));
  node_.store().prune(barrier_key(request, 'c'));
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
  if (request.operation == Operation::kAction) {
    if (config_.barrier) {
      if (store.find(barrier_key(request, 'c'))) return {StepResult::kFailure, OpResult::kRefusedHanging};
      if (const auto* done = store.find(barrier_key(request, 'a'))) {
        return {done->value == kSucceeded ? StepResult::kSuccess : StepResult::kFailure,
                OpResult::kDuplicate};
      }
    }
    const StepResult result = service_.apply_action(store, request, business_rng_);
    // A transient failure is not an outcome: nothing is remembered, a retry runs again.
    if (config_.barrier && result != StepResult::kRetryLater) {
      store.put(barrier_key(request, 'a'), result == StepResult::kSuccess ? kSucceeded : kFailed);
    }
    return {result, result == StepResult::kSuccess ? OpResult::kApplied : OpResult::kRejected};
  }
  if (config_.barrier) {
    if (store.find(barrier_key(request, 'c'))) return {StepResult::kSuccess, OpResult::kDuplicate};
    const auto* action = store.find(barrier_key(request, 'a'));
    const bool action_applied = action != nullptr && action->value == kSucceeded;
    store.put(barrier_key(request, 'c'), kCompensated);
    if (!action_applied) {
      return {StepResult::kSuccess, OpResult::kNullCompensation};
    }
  }
  service_.apply_compensation(store, request);
  return {StepResult::kSuccess, OpResult::kApplied};
}

}  // namespace txsim::saga
