// Random number streams for the simulation kernel.
//
// One root seed per run; every component draws from its own stream, derived from
// (root seed, stable name). Adding a component therefore never changes the draws of another.
//
// Generator: xoshiro256** 1.0 (Blackman & Vigna, "Scrambled Linear Pseudorandom Number
// Generators", ACM TOMS 2021), seeded through SplitMix64 (Steele, Lea & Flood, "Fast Splittable
// Pseudorandom Number Generators", OOPSLA 2014) as its authors recommend. The stream name is
// hashed with 64-bit FNV-1a. Bit-identical across compilers and build types: only integer
// arithmetic and one exact int->double conversion.
//
// Thread-safety: an Rng is a plain value; do not share one between threads.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace txsim::sim {

/// SplitMix64 step: advances `state` and returns the next output.
std::uint64_t splitmix64(std::uint64_t& state);

/// 64-bit FNV-1a hash of a byte string (stable across platforms and runs).
std::uint64_t fnv1a64(std::string_view bytes);

class Rng {
 public:
  /// A stream seeded from a single 64-bit value through SplitMix64.
  explicit Rng(std::uint64_t seed);

  /// The stream for component `name` under `root_seed`. Distinct names give independent streams.
  static Rng derive(std::uint64_t root_seed, std::string_view name);

  /// The next 64 uniformly distributed bits.
  std::uint64_t next_u64();

  /// Uniform double in [0, 1), with 53 random bits.
  double next_double() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

  /// Uniform double in (0, 1]: safe as the argument of log().
  double next_double_open_zero() { return static_cast<double>((next_u64() >> 11) + 1) * 0x1.0p-53; }

  /// Uniform integer in [0, bound), unbiased (Lemire, "Fast Random Integer Generation in an
  /// Interval", ACM TOMACS 2019). REQUIRES: bound > 0.
  std::uint64_t below(std::uint64_t bound);

 private:
  std::array<std::uint64_t, 4> state_;
};

}  // namespace txsim::sim
