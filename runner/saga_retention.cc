#include "runner/saga_retention.h"

#include <stdexcept>
#include <string>

namespace txsim::runner {

SagaRetention::SagaRetention(sim::Duration horizon,
                             std::vector<std::vector<saga::SagaParticipant*>> participants,
                             BeforeForget before_forget)
    : horizon_(horizon),
      participants_(std::move(participants)),
      before_forget_(std::move(before_forget)) {
  if (horizon_ < sim::Duration{}) {
    throw std::invalid_argument("saga retention horizon must be >= 0, got " +
                                std::to_string(horizon_.ns()) + " ns");
  }
}

void SagaRetention::on_finished(std::uint64_t saga_id, std::uint32_t route, sim::Time at) {
  while (!queue_.empty() && queue_.front().at <= at) {
    forget(queue_.front());
    queue_.pop_front();
  }
  queue_.push_back({at + horizon_, saga_id, route});
}

void SagaRetention::forget(const Due& due) {
  const auto& steps = participants_.at(due.route);
  if (before_forget_) before_forget_(due.saga_id, due.route);
  for (std::uint32_t s = 0; s < steps.size(); ++s) steps[s]->forget(due.saga_id, s);
  if (on_forget_) on_forget_(due.saga_id, due.route);
  ++forgotten_;
}

}  // namespace txsim::runner
