#include "core/sim/multi_server_queue.h"

#include <stdexcept>

namespace txsim::sim {

MultiServerQueue::MultiServerQueue(Simulator& simulator, std::string name, std::uint32_t servers,
                                   std::uint64_t waiting_limit)
    : simulator_(simulator),
      name_(std::move(name)),
      kind_(simulator.register_kind("queue.departure:" + name_)),
      waiting_limit_(waiting_limit),
      in_service_(servers),
      departure_timers_(servers) {
  if (servers == 0) throw std::invalid_argument("queue '" + name_ + "': needs at least 1 server");
  // Highest index at the bottom of the stack, so server 0 is used first.
  for (std::uint32_t s = servers; s-- > 0;) idle_servers_.push_back(s);
}

MultiServerQueue::~MultiServerQueue() {
  for (const TimerId timer : departure_timers_) simulator_.cancel(timer);
}

bool MultiServerQueue::arrive(Duration service) {
  const Customer customer{simulator_.now(), service};
  if (!idle_servers_.empty()) {
    const std::uint32_t server = idle_servers_.back();
    idle_servers_.pop_back();
    start_service(server, customer);
    return true;
  }
  if (waiting_.size() >= waiting_limit_) {
    ++rejected_;
    return false;
  }
  waiting_.push_back(customer);
  return true;
}

void MultiServerQueue::start_service(std::uint32_t server, Customer customer) {
  in_service_[server] = customer;
  departure_timers_[server] =
      simulator_.schedule_after(customer.service, kind_, &on_departure, this, server);
}

void MultiServerQueue::on_departure(void* self, std::uint64_t server_index) {
  auto& queue = *static_cast<MultiServerQueue*>(self);
  const auto server = static_cast<std::uint32_t>(server_index);
  const Customer& done = queue.in_service_[server];
  queue.response_ns_.record((queue.simulator_.now() - done.arrived).ns());
  queue.busy_ns_ += done.service.ns();
  ++queue.completed_;
  queue.departure_timers_[server] = {};
  if (queue.observer_ != nullptr) {
    const Time now = queue.simulator_.now();
    queue.observer_->on_departure(queue, server, done.arrived, now - done.service, now);
  }
  if (queue.waiting_.empty()) {
    queue.idle_servers_.push_back(server);
    return;
  }
  const Customer next = queue.waiting_.front();
  queue.waiting_.pop_front();
  queue.start_service(server, next);
}

double MultiServerQueue::utilization() const {
  const std::int64_t elapsed = simulator_.now().ns();
  if (elapsed <= 0) return 0.0;
  return static_cast<double>(busy_ns_) / (static_cast<double>(elapsed) * servers());
}

}  // namespace txsim::sim
