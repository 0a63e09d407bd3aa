// Fixed-interval sampling of quantities over simulated time, without scheduling events.
//
// A run's charts (queue length, sagas in flight, completions) need the value of a quantity at
// t = 0, i, 2i, ... of simulated time. Scheduling a sampling event would change every run's
// event count and trace hash, so instead the owner calls `advance_to(now)` just before the
// events at `now` execute (the runner does it from its trace sink); every sampling instant
// strictly before `now` is then recorded with the probes' current values. Between two events a
// quantity cannot change, so the sample at t is exactly the value after every event at or
// before t (a right-continuous step function). Times are integer nanoseconds of virtual time.
//
// Bounded: when `max_points` samples are held, every other one is dropped and the interval
// doubles, so a run of any length keeps between max_points / 2 and max_points samples. The
// thinning depends only on times, never on values, so it is deterministic.
//
// Thread-safety: none (single-threaded runs).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace txsim::metrics {

class FixedIntervalSampler {
 public:
  using Probe = std::function<double()>;

  /// REQUIRES: interval_ns > 0, max_points >= 2 and even. Throws std::invalid_argument otherwise.
  FixedIntervalSampler(std::int64_t interval_ns, std::size_t max_points);

  /// Adds a quantity to sample. REQUIRES: no sample taken yet (throws std::logic_error).
  void add_probe(std::string name, Probe probe);

  /// Records every sampling instant t < now_ns. REQUIRES: now_ns never decreases.
  void advance_to(std::int64_t now_ns) {
    if (now_ns > next_ns_) record_until(now_ns);
  }
  /// Records every sampling instant up to the first one at or after end_ns, so the last sample
  /// holds the final values. Call once, after the run, when nothing changes any more.
  void finish(std::int64_t end_ns);

  std::int64_t interval_ns() const { return interval_ns_; }
  const std::vector<std::int64_t>& times_ns() const { return times_ns_; }
  std::size_t probe_count() const { return names_.size(); }
  const std::string& name(std::size_t probe) const { return names_.at(probe); }
  /// values(p)[k] is probe p's value at times_ns()[k].
  const std::vector<double>& values(std::size_t probe) const { return values_.at(probe); }

 private:
  void record_until(std::int64_t now_ns);
  void thin_out();

  std::int64_t interval_ns_;
  std::size_t max_points_;
  std::int64_t next_ns_ = 0;
  std::vector<std::string> names_;
  std::vector<Probe> probes_;
  std::vector<std::int64_t> times_ns_;
  std::vector<std::vector<double>> values_;
};

}  // namespace txsim::metrics
