// Tree nodes of one store from one pool (Boost.Pool), instead of the general heap.
//
// Why: a store's rows are nodes of a std::map, allocated one per inserted key and freed one per
// erased or pruned key. From the heap they are scattered among every other allocation of the
// run, and each costs a general-purpose malloc and free. From a pool of fixed-size blocks owned by
// the store they sit together (a tree walk touches fewer distinct cache lines), a pruned row's
// block is reused by the next insert, and allocation is a free-list pop.
//
// Memory: the pool keeps freed blocks for reuse and returns its chunks when the store is
// destroyed, so a store holds memory for its largest row count so far plus at most one chunk
// (chunks grow from 64 to kMaxNodesPerChunk blocks).
//
// Thread-safety: none, like the store.
#pragma once

#include <boost/pool/pool.hpp>

#include <cstddef>
#include <new>
#include <optional>
#include <type_traits>

#include "core/sim/address_sanitizer.h"

namespace txsim::storage {

/// Fixed-size blocks for one node type; the block size is set by the first allocation. Requests
/// of another size (none in practice: a std::map allocates only its node type) go to the heap.
class NodePool {
 public:
  static constexpr std::size_t kMaxNodesPerChunk = 1024;

  NodePool() = default;
  NodePool(const NodePool&) = delete;
  NodePool& operator=(const NodePool&) = delete;

  void* allocate(std::size_t bytes) {
    // Under AddressSanitizer every node comes from the heap, so that a use after free is caught.
    if constexpr (sim::kAddressSanitized) return ::operator new(bytes);
    if (!pool_) pool_.emplace(bytes, 64, kMaxNodesPerChunk);
    if (bytes != pool_->get_requested_size()) return ::operator new(bytes);
    void* block = pool_->malloc();
    if (block == nullptr) throw std::bad_alloc();
    return block;
  }
  void deallocate(void* block, std::size_t bytes) noexcept {
    if (pool_ && bytes == pool_->get_requested_size()) {
      pool_->free(block);
    } else {
      ::operator delete(block);
    }
  }

 private:
  std::optional<boost::pool<boost::default_user_allocator_new_delete>> pool_;
};

/// A std::allocator-compatible handle on a NodePool (or on the heap when it holds none, as a
/// copy of the map made by durable_contents() does, so that the copy may outlive the store).
///
/// Moving or swapping a store's map carries the pool along: a map that received a store's nodes
/// must not outlive the store (no code moves or swaps a store's map; copies are safe).
template <typename T>
class PoolAllocator {
  // Pool blocks are aligned like pointers (Boost.Pool's guarantee), enough for a map node of
  // strings and integers.
  static_assert(alignof(T) <= alignof(void*), "pool blocks are only pointer-aligned");

 public:
  using value_type = T;
  // Nodes stay with the pool that made them, whichever map ends up holding them.
  using propagate_on_container_move_assignment = std::true_type;
  using propagate_on_container_swap = std::true_type;

  PoolAllocator() noexcept = default;
  explicit PoolAllocator(NodePool* pool) noexcept : pool_(pool) {}
  template <typename U>
  PoolAllocator(const PoolAllocator<U>& other) noexcept : pool_(other.pool()) {}

  T* allocate(std::size_t n) {
    if (pool_ == nullptr || n != 1) return static_cast<T*>(::operator new(n * sizeof(T)));
    return static_cast<T*>(pool_->allocate(sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept {
    if (pool_ == nullptr || n != 1) {
      ::operator delete(p);
    } else {
      pool_->deallocate(p, sizeof(T));
    }
  }
  /// A copied map allocates from the heap: it must not depend on the store it was copied from.
  PoolAllocator select_on_container_copy_construction() const noexcept { return {}; }
  NodePool* pool() const noexcept { return pool_; }

  template <typename U>
  bool operator==(const PoolAllocator<U>& other) const noexcept {
    return pool_ == other.pool();
  }

 private:
  NodePool* pool_ = nullptr;
};

}  // namespace txsim::storage
