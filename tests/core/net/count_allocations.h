// Counts calls to the global operator new. Link count_allocations.cc into exactly one binary
// (it replaces the global allocation functions there and nowhere else). Used to prove that
// message send and delivery do not allocate per message.
#pragma once

#include <cstdint>

namespace txsim::testing {
/// Number of global operator new calls so far in this binary.
std::uint64_t allocation_count();
}  // namespace txsim::testing
