// A node's durable key-value store: writes are volatile until a sync makes them durable.
//
// What it models: the local database or log of one service. A crash of the node keeps exactly
// the writes covered by a completed sync and loses the rest (the "unsynced writes vanish" failure
// mode of fsync-based storage; see Pillai et al., "All File Systems Are Not Created Equal",
// OSDI 2014, for why applications must not assume more). Reads always see the latest write,
// synced or not, as a process reading its own page cache does.
//
// Units: virtual time is integer nanoseconds (core/sim/time.h); `sync_latency` is a Duration.
//
// Invariants:
//  1. contents() == durable_contents() overlaid with every pending (unsynced) write in order.
//  2. A sync started at time t covers exactly the writes issued before t; it completes
//     `sync_latency` later, unless the awaiting coroutine is destroyed first (a crash), in which
//     case it persists nothing.
//  3. After crash(): contents() == durable_contents(), and lost_writes grew by the number of
//     pending writes discarded (minus one if a torn write was kept).
//  4. Versions are a store-wide write sequence number starting at 1, never reused, not even
//     after a crash: a checker can tell a lost write from the write that replaced it.
//
// Torn last write (off by default): when enabled, a crash keeps the last pending write with its
// value cut to half its length and `torn == true`, modelling a partially persisted sector.
//
// Representation (why one map): the store keeps only the latest contents plus an undo log of
// the unsynced writes (each with the value it replaced). A sync drops log entries; a crash
// rolls them back newest first. The durable view is therefore computed, not stored: a long run
// costs one copy of the data, not two, and a sync costs nothing per key. durable_contents()
// builds a snapshot (O(n)); durable_prefix() reads only one key range (what an outbox relay
// polls).
//
// Retention (prune): a row that no future event can read may be dropped by the simulator's
// own garbage collection (e.g. the sub-transaction barrier records of sagas settled long ago,
// see runner/saga_retention.h). prune() is not a modelled write: it is not counted, takes no
// version and needs no sync, so the modelled writes and syncs of a run stay the same.
//
// Thread-safety: none; a simulation run is single-threaded by design.
#pragma once

#include <bit>
#include <coroutine>
#include <cstring>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/sim/simulator.h"
#include "core/storage/node_pool.h"

namespace txsim::storage {

/// Store options. Defaults model a fast local SSD with fsync.
struct StoreConfig {
  /// Virtual time from sync() to durability. REQUIRES: >= 0.
  sim::Duration sync_latency = sim::microseconds(100);
  /// Keep a torn copy of the last unsynced write on crash (see header comment).
  bool torn_last_write = false;
};

/// Counters for the `storage` report section. Never reset by a crash.
struct StoreStats {
  std::uint64_t reads = 0;
  std::uint64_t writes = 0;
  std::uint64_t syncs = 0;        // completed syncs
  std::uint64_t lost_writes = 0;  // pending writes discarded by crashes
  std::uint64_t torn_writes = 0;  // torn writes kept by crashes
  std::uint64_t crashes = 0;

  StoreStats& operator+=(const StoreStats& other);
};

/// A stored value. Values are byte strings (std::string holds arbitrary bytes).
struct Versioned {
  std::string value;
  std::uint64_t version = 0;  // store-wide write sequence number (invariant 4)
  bool torn = false;
  bool operator==(const Versioned&) const = default;
};

/// Byte-wise lexicographic order of keys (the order of std::string's operator<), compared inline
/// eight bytes at a time as big-endian words. Why: a store's tree walk compares keys at every
/// level, and with short keys a library memcmp call per level cost more than the comparison
/// itself (a sixth of the W1 saga workload's instructions).
struct KeyLess {
  using is_transparent = void;
  static bool less(std::string_view a, std::string_view b) noexcept {
    const std::size_t common = a.size() < b.size() ? a.size() : b.size();
    if (common >= 8) {
      // Whole words, then one last word ending at `common`: it may overlap bytes already found
      // equal, which cannot change the verdict, and spares a byte loop over the tail.
      for (std::size_t i = 0; i + 8 < common; i += 8) {
        if (const int order = compare_word(a.data() + i, b.data() + i)) return order < 0;
      }
      if (const int order = compare_word(a.data() + common - 8, b.data() + common - 8)) {
        return order < 0;
      }
    } else {
      for (std::size_t i = 0; i < common; ++i) {
        if (a[i] != b[i]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
      }
    }
    return a.size() < b.size();
  }
  bool operator()(std::string_view a, std::string_view b) const noexcept { return less(a, b); }

 private:
  // The word's bytes read in memory order as one number, so that numeric order is byte order.
  static std::uint64_t byte_order_value(std::uint64_t word) noexcept {
    if constexpr (std::endian::native == std::endian::little) return __builtin_bswap64(word);
    return word;
  }
  // Byte-wise order of the eight bytes at x and y: negative, zero or positive.
  static int compare_word(const char* x, const char* y) noexcept {
    std::uint64_t u;
    std::uint64_t v;
    std::memcpy(&u, x, 8);
    std::memcpy(&v, y, 8);
    if (u == v) return 0;
    return byte_order_value(u) < byte_order_value(v) ? -1 : 1;
  }
};

class DurableStore {
 public:
  using Map = std::map<std::string, Versioned, KeyLess,
                       PoolAllocator<std::pair<const std::string, Versioned>>>;

  /// `sync_event_kind` labels sync completions in the trace (register it once per run).
  /// Throws std::invalid_argument if config.sync_latency < 0.
  DurableStore(sim::Simulator& simulator, StoreConfig config = {},
               std::uint32_t sync_event_kind = sim::Simulator::kKindResume);
  DurableStore(const DurableStore&) = delete;
  DurableStore& operator=(const DurableStore&) = delete;

  /// Latest value of `key` (synced or not), or nullopt.
  std::optional<Versioned> get(std::string_view key);
  /// Like get(), without copying the value: the row, or nullptr. Counted as a read. The pointer
  /// is valid until the next write, erase, prune or crash of this store.
  const Versioned* find(std::string_view key);
  /// Writes `value` (volatile until a sync covers it). Returns the new version.
  std::uint64_t put(std::string_view key, std::string_view value);
  /// As above, taking the value's buffer instead of copying it (a saga log record).
  std::uint64_t put(std::string_view key, std::string&& value);
  std::uint64_t put(std::string_view key, const char* value) {
    return put(key, std::string_view(value));
  }
  /// Deletes `key` (volatile until a sync covers it, like a write; counted as a write).
  /// Returns the version of the deletion.
  std::uint64_t erase(std::string_view key);

  /// Awaitable: `co_await store.sync();` resumes once every write issued before the call is
  /// durable. Destroying the awaiting coroutine cancels the sync (nothing is persisted by it).
  struct SyncAwaiter {
    DurableStore& store;
    std::uint64_t covers_up_to = 0;  // last write sequence covered
    std::coroutine_handle<> waiting;
    sim::TimerId timer;
    /// A zero-latency sync completes at once, without an event (e.g. workloads that model
    /// no disk, like W1).
    bool await_ready() noexcept {
      if (store.config_.sync_latency > sim::Duration{}) return false;
      store.sync_now();
      return true;
    }
    void await_suspend(std::coroutine_handle<> handle);
    void await_resume() noexcept { timer = {}; }
    ~SyncAwaiter();
  };
  SyncAwaiter sync() { return SyncAwaiter{*this, 0, {}, {}}; }

  /// Makes every pending write durable at once (no latency). For setup and tests.
  void sync_now();

  /// Loses every pending write (keeping a torn last write if configured). Cancelling in-flight
  /// syncs is the caller's job: destroy their coroutines (net::Node does, via its ProcessGroup).
  void crash();

  /// Drops `key` outside the write model (see "Retention" above): not counted as a write, no
  /// version, nothing to sync. Returns false (and does nothing) if the key is absent or has an
  /// unsynced write, whose crash roll-back would need it.
  bool prune(std::string_view key);

  const Map& contents() const { return current_; }
  /// A snapshot of the durable state (invariant 1). O(size): for tests and checkers.
  Map durable_contents() const;
  /// The durable rows whose keys start with `prefix`, in key order. O(rows in the range +
  /// pending writes).
  std::vector<std::pair<std::string, Versioned>> durable_prefix(std::string_view prefix) const;
  std::size_t pending_writes() const { return pending_.size() - pending_head_; }
  /// The highest version v such that no write (or erase) numbered up to v can still be lost:
  /// each is durable, or was already lost in an earlier crash (versions are never reused). A
  /// caller that forgets its writes on crash() may read "numbered <= v" as "durable".
  std::uint64_t synced_through() const {
    return pending_head_ < pending_.size() ? pending_[pending_head_].version - 1 : last_sequence_;
  }
  const StoreStats& stats() const { return stats_; }
  const StoreConfig& config() const { return config_; }

 private:
  /// An unsynced write, with what it replaced (the undo record).
  struct PendingWrite {
    std::string key;
    std::uint64_t version = 0;
    std::optional<Versioned> before;  // the key's value before this write; nullopt: absent
  };
  /// Where `key` is or would be inserted: from `search_hint_` when the key is at it or just
  /// before it (up to three comparisons), else by a walk of the tree.
  Map::iterator lower_bound_from_hint(std::string_view key);
  /// Erases the row at `it`, dropping the search hint if it pointed there.
  void erase_row(Map::iterator it);
  void persist_up_to(std::uint64_t sequence);
  /// The unsynced writes, oldest first.
  std::span<const PendingWrite> pending() const {
    return std::span<const PendingWrite>(pending_).subspan(pending_head_);
  }
  static void on_sync_done(void* awaiter, std::uint64_t);

  sim::Simulator& simulator_;
  StoreConfig config_;
  std::uint32_t sync_event_kind_;
  NodePool node_pool_;  // before current_, which allocates from it
  Map current_{Map::allocator_type(&node_pool_)};
  // The lower bound the latest find() reached (end() when none). Why: a participant reads its
  // barrier record, writes its business rows, then writes the barrier record, which can skip
  // the tree walk. Inserts keep it valid (std::map iterators survive them); erasures drop it.
  Map::iterator search_hint_ = current_.end();
  // The undo log, in write order: records before pending_head_ are synced and wait to be
  // reclaimed. A vector consumed from the front rather than a deque: a sync usually empties the
  // log, and then its storage is reused, so a write allocates nothing for its undo record.
  std::vector<PendingWrite> pending_;
  std::size_t pending_head_ = 0;
  std::uint64_t last_sequence_ = 0;
  StoreStats stats_;
};

}  // namespace txsim::storage
