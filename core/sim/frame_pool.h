// Recycled memory for coroutine frames (sim::Task), in size classes.
//
// Why: every saga step starts two or three coroutines (the orchestrator's command, the
// participant's handler, a nested persist step), and the general-purpose allocator's malloc and
// free were about a tenth of the W1 saga workload's instructions. A frame of a given coroutine
// always has the same size, so a freed frame is reused by the next coroutine of that kind
// straight from a free list.
//
// Behaviour: sizes up to kMaxPooledBytes are rounded up to a 64-byte class and served from the
// calling thread's free list for that class, refilled from 64 KiB chunks; larger frames go to
// ::operator new. Pooled memory is kept for the thread's lifetime (the peak number of frames
// alive bounds it), never returned to the system. Addresses never influence a simulation's
// decisions, so pooling cannot change a trace.
//
// Sanitizer builds (AddressSanitizer) bypass the pool, so that a use of a destroyed frame is still
// reported as a use after free.
#pragma once

#include <cstddef>

namespace txsim::sim::detail {

inline constexpr std::size_t kMaxPooledBytes = 2048;

/// Memory for a frame of `size` bytes (alignment of ::operator new). Throws std::bad_alloc.
void* allocate_frame(std::size_t size);
/// Returns a frame from allocate_frame(size) with the same `size`.
void free_frame(void* frame, std::size_t size) noexcept;

}  // namespace txsim::sim::detail
