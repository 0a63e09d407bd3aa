// The sub-transaction barrier record of one (saga, step) at a participant, shared by the
// orchestrated participant (participant.h) and the choreography participant
// (core/cqrs/choreography.h), so that both leave the same rows and saga retention drops them
// the same way (SagaParticipant::forget).
//
// Layout: key "b/<saga id in decimal>/<step>", value two bytes: 'C' once the compensation ran
// ('-' before), then the action's result ('S' succeeded, 'F' refused by a business rule, '-'
// never ran). One row per (saga, step) rather than one per operation: a request costs one lookup
// and retention drops one row.
//
// Torn writes (a crash keeps the first half of the last unsynced value, storage::DurableStore)
// read as the two separate rows this record replaces did: a torn compensation write keeps 'C'
// and reads as compensated; a torn action write keeps '-' and reads as an action that ran
// without succeeding — the business writes of its local transaction, issued before it and not
// synced either, were rolled back, so claiming success would be wrong.
//
// The barrier technique: the DTM distributed transaction framework's sub-transaction barrier
// (duplicate, null compensation and hanging requests told apart by a record written in the same
// local transaction as the business change).
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/storage/durable_store.h"

namespace txsim::saga {

/// The barrier key, formatted into a buffer on the stack: it is only looked up or written, and
/// a short key keeps the store's comparisons cheap.
class BarrierKey {
 public:
  BarrierKey(std::uint64_t saga_id, std::uint32_t step) {
    char* at = std::to_chars(buffer_ + 2, buffer_ + 22, saga_id).ptr;
    *at++ = '/';
    at = std::to_chars(at, at + 10, step).ptr;
    size_ = static_cast<std::size_t>(at - buffer_);
  }
  operator std::string_view() const { return {buffer_, size_}; }

 private:
  // Room for "b/", 20 digits of a uint64, '/', 10 digits of a uint32.
  char buffer_[2 + 20 + 1 + 10] = "b/";
  std::size_t size_ = 0;
};

/// What a barrier record says. An absent record is a default BarrierState (nothing ran).
struct BarrierState {
  static constexpr char kSucceeded = 'S';
  static constexpr char kFailed = 'F';
  static constexpr char kNoAction = '-';
  static constexpr char kCompensationRan = 'C';

  char action = kNoAction;   // kSucceeded, kFailed or kNoAction
  bool compensated = false;  // the compensation ran (or was recorded as a null compensation)

  /// The state a row holds; nullptr (no row) is the default state.
  static BarrierState of(const storage::Versioned* row) {
    BarrierState state;
    if (row == nullptr) return state;
    state.compensated = !row->value.empty() && row->value[0] == kCompensationRan;
    // A row without its second byte is a torn write: the action, if any, did not stick.
    state.action = row->value.size() > 1 ? row->value[1] : kFailed;
    return state;
  }
  bool action_ran() const { return action != kNoAction; }
  bool action_succeeded() const { return action == kSucceeded; }

  /// Writes this state as the row's value (one modelled write).
  void write(storage::DurableStore& store, std::string_view key) const {
    const char value[2] = {compensated ? kCompensationRan : kNoAction, action};
    store.put(key, std::string_view(value, 2));
  }
};

}  // namespace txsim::saga
