#include "core/sim/frame_pool.h"

#include <new>

#include "core/sim/address_sanitizer.h"

namespace txsim::sim::detail {
namespace {

// A frame kept in the free list is never poisoned: under AddressSanitizer every frame goes to
// the heap, so that a use after free is reported.
constexpr bool kPooling = !kAddressSanitized;

constexpr std::size_t kClassBytes = 64;
constexpr std::size_t kClasses = kMaxPooledBytes / kClassBytes;
constexpr std::size_t kChunkBytes = 64 * 1024;

struct FreeFrame {
  FreeFrame* next;
};

struct Pool {
  FreeFrame* free[kClasses] = {};
  char* chunk_next = nullptr;  // carving point in the current chunk
  char* chunk_end = nullptr;
};

thread_local Pool pool;

std::size_t size_class(std::size_t size) { return (size + kClassBytes - 1) / kClassBytes - 1; }

}  // namespace

void* allocate_frame(std::size_t size) {
  if (!kPooling || size > kMaxPooledBytes || size == 0) return ::operator new(size);
  const std::size_t cls = size_class(size);
  if (FreeFrame* frame = pool.free[cls]) {
    pool.free[cls] = frame->next;
    return frame;
  }
  const std::size_t bytes = (cls + 1) * kClassBytes;
  if (static_cast<std::size_t>(pool.chunk_end - pool.chunk_next) < bytes) {
    // The tail of the old chunk is abandoned: at most one frame's worth per chunk.
    pool.chunk_next = static_cast<char*>(::operator new(kChunkBytes));
    pool.chunk_end = pool.chunk_next + kChunkBytes;
  }
  void* frame = pool.chunk_next;
  pool.chunk_next += bytes;
  return frame;
}

void free_frame(void* frame, std::size_t size) noexcept {
  if (frame == nullptr) return;
  if (!kPooling || size > kMaxPooledBytes || size == 0) {
    ::operator delete(frame);
    return;
  }
  const std::size_t cls = size_class(size);
  auto* freed = static_cast<FreeFrame*>(frame);
  freed->next = pool.free[cls];
  pool.free[cls] = freed;
}

}  // namespace txsim::sim::detail
