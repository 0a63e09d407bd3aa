#include "tests/core/net/count_allocations.h"

#include <cstddef>
#include <cstdlib>
#include <new>

namespace {
std::uint64_t allocations = 0;
}  // namespace

std::uint64_t txsim::testing::allocation_count() { return allocations; }

// Replacements of the global allocation functions (single-object forms; the array forms call
// these by default). Kept out of line so the compiler cannot pair them with other allocators.
void* operator new(std::size_t size) {
  ++allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
