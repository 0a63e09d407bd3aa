#include "runner/saga_retention.h"

#include <stdexcept>
#include <string>

namespace txsim::runner {

SagaRetention::SagaRetention(sim::Duration horizon,
                             std::vector<std::vector<saga::SagaParticipant*>> participants,
                             EffectProbe probe, bool carry_verdicts)
    : horizon_(horizon),
      participants_(std::move(participants)),
      probe_(std::move(probe)),
      carry_verdicts_(carry_verdicts) {
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
  if (carry_verdicts_) {
    std::vector<bool> present(steps.size());
    for (std::uint32_t s = 0; s < steps.size(); ++s) present[s] = probe_(due.saga_id, due.route, s);
    verdicts_.insert_or_assign(due.saga_id, std::move(present));
  }
  for (std::uint32_t s = 0; s < steps.size(); ++s) steps[s]->forget(due.saga_id, s);
  if (on_forget_) on_forget_(due.saga_id, due.route);
  ++forgotten_;
}

std::optional<bool> SagaRetention::carried_effect(std::uint64_t saga_id, std::uint32_t step) const {
  const auto it = verdicts_.find(saga_id);
  if (it == verdicts_.end() || step >= it->second.size()) return std::nullopt;
  return it->second[step];
}

}  // namespace txsim::runner
