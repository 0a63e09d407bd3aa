// The run's trace: a rolling hash over every executed event, and an optional full record.
//
// The hash is the product's determinism witness: the same scenario and seed must give the same
// hash across runs, Debug/Release and g++/clang++. It covers, for each executed event in order,
// its virtual time (ns), insertion sequence number and kind id — never a pointer or wall time.
// Each step mixes with the SplitMix64 finaliser (Steele, Lea & Flood, OOPSLA 2014).
#pragma once

#include <cstdint>
#include <string>

#include "core/sim/event_queue.h"

namespace txsim::sim {

class TraceHash {
 public:
  /// Folds one executed event into the hash.
  void add(std::int64_t time_ns, std::uint64_t sequence, std::uint32_t kind) {
    std::uint64_t x = static_cast<std::uint64_t>(time_ns) ^ (sequence * 0x9e3779b97f4a7c15ULL) ^
                      (std::uint64_t{kind} * 0xc2b2ae3d27d4eb4fULL);
    state_ = finalize(state_ ^ finalize(x));
  }
  std::uint64_t value() const { return state_; }
  /// The hash as 16 lowercase hex digits, as printed in every report.
  std::string hex() const;

 private:
  static std::uint64_t finalize(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t state_ = 0x74787369'6d000001ULL;  // "txsim" + version tag
};

/// Receives every executed event before it runs (full trace recording). Optional: the kernel
/// calls it only when one is installed.
class TraceSink {
 public:
  virtual ~TraceSink() = default;
  /// `kind_name` is the name registered for event.kind (stable for the run).
  virtual void on_event(const FiredEvent& event, const std::string& kind_name) = 0;
};

}  // namespace txsim::sim
