// A FIFO queue served by c identical servers (the station of an M/M/c or G/G/c model).
//
// A customer arrives with its service demand; if a server is idle it starts at once, otherwise
// it waits in line (first come, first served). Response time = waiting + service, recorded per
// completed customer. Utilisation = total busy server time / (c * elapsed time).
// Service completions are kernel callbacks, not coroutines: no allocation per customer once the
// waiting line's ring buffer has grown.
//
// Limits: at most `waiting_limit` customers wait; arrivals beyond it are rejected and counted.
// Thread-safety: none (single-threaded runs).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "core/metrics/histogram.h"
#include "core/sim/simulator.h"

namespace txsim::sim {

class MultiServerQueue {
 public:
  /// Sees every service completion, e.g. to draw customers on a trace timeline. Called before
  /// the next waiting customer starts on the freed server.
  class Observer {
   public:
    virtual ~Observer() = default;
    /// The customer that arrived at `arrived` was served by `server` from `service_started`
    /// until now (`departed`).
    virtual void on_departure(const MultiServerQueue& queue, std::uint32_t server, Time arrived,
                              Time service_started, Time departed) = 0;
  };

  /// REQUIRES: servers >= 1. Throws std::invalid_argument otherwise.
  MultiServerQueue(Simulator& simulator, std::string name, std::uint32_t servers,
                   std::uint64_t waiting_limit = 10'000'000);
  MultiServerQueue(const MultiServerQueue&) = delete;
  MultiServerQueue& operator=(const MultiServerQueue&) = delete;
  ~MultiServerQueue();

  /// A customer arrives now needing `service` of server time. Returns false if rejected because
  /// the waiting line is full. REQUIRES: service >= 0.
  bool arrive(Duration service);

  const std::string& name() const { return name_; }
  std::uint32_t servers() const { return static_cast<std::uint32_t>(in_service_.size()); }
  std::uint64_t completed() const { return completed_; }
  std::uint64_t rejected() const { return rejected_; }
  std::size_t waiting() const { return waiting_.size(); }
  /// Response times (arrival to departure) of completed customers, in nanoseconds.
  const metrics::Histogram& response_ns() const { return response_ns_; }
  /// Busy server time over servers * (now - time 0). 0 before any time has passed.
  double utilization() const;
  /// Installs an observer (nullptr removes it). Not owned; must outlive the queue's run.
  void set_observer(Observer* observer) { observer_ = observer; }

 private:
  struct Customer {
    Time arrived;
    Duration service;
  };
  static void on_departure(void* self, std::uint64_t server);
  void start_service(std::uint32_t server, Customer customer);

  Simulator& simulator_;
  std::string name_;
  std::uint32_t kind_;
  std::uint64_t waiting_limit_;
  std::deque<Customer> waiting_;
  std::vector<Customer> in_service_;
  std::vector<TimerId> departure_timers_;
  std::vector<std::uint32_t> idle_servers_;  // a stack: the most recently freed server first
  std::uint64_t completed_ = 0;
  std::uint64_t rejected_ = 0;
  std::int64_t busy_ns_ = 0;
  metrics::Histogram response_ns_;
  Observer* observer_ = nullptr;
};

}  // namespace txsim::sim
