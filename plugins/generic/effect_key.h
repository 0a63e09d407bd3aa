// The store key of a generic step's effect, shared by the saga side (step_service.h) and the
// two-phase-commit side (step_resource.h), so that both protocols leave the same rows:
// "effect/<saga or transaction id in decimal>". Short on purpose: up to 8 digits the key fits in
// std::string's inline buffer, so writing, finding and pruning it allocate nothing.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>

namespace txsim::plugins::generic {

inline std::string effect_key(std::uint64_t id) {
  char buffer[7 + 20] = "effect/";
  char* end = std::to_chars(buffer + 7, buffer + sizeof buffer, id).ptr;
  return std::string(buffer, static_cast<std::size_t>(end - buffer));
}

}  // namespace txsim::plugins::generic
