// The `transfer.participant` service of reference workload W3 (shared/bench/WORKLOADS.md): a
// keyed row store with integer balances that takes part in transfers.
//
// One transfer moves one unit from row a at P1 to row b at P2 and appends a log entry at P3. A
// service plays one of these parts, chosen by its `role` parameter (not by the step's position,
// so that a saga may order its steps freely and the 2PC side can reuse the same services):
//   kWithdraw  row a -= 1; refuses (kFailure, no effect) when the balance would go below 0;
//   kDeposit   row b += 1;
//   kLog       appends "log/<transfer id>" = "<a>-><b>".
// The transfer's keys travel as saga::SagaArgs {a, b}; keys are 1..keys_per_participant.
//
// Store layout (values are decimal text): "row/<key, 8 hex digits>" holds the balance; a row
// that was never written holds `initial_balance`. Each applied action also writes a marker
// "<role>/<transfer id, 16 hex digits>" so that its compensation undoes it exactly once and the
// checkers can see whether the effect is present. A compensation without a marker is a no-op.
//
// Dirty reads (the isolation anomaly of sagas, Garcia-Molina & Salem, "Sagas", SIGMOD 1987):
// every deposit reads its row before writing it (read-modify-write). A dirty read is a pair
// (r, d) where r is such a read of row b at P2 and d is another transfer's deposit to the same
// row that was applied before r and compensated after r: r saw a unit that, in the end, never
// arrived. The service counts them in O(1) per operation: it numbers the reads of each row, the
// deposit marker remembers the read count when it was applied, and a compensation adds the reads
// of the row since then. The counter is an observer outside the simulated system (memory of the
// plugin object, not of the node): a crash does not reset it.
//
// Two-phase commit (core/txn/twopc/resource.h): the same service is a TwoPhaseResource. It locks
// the row it touches (withdraw: row a, deposit: row b, log: nothing); prepare() checks the
// balance (withdraw votes kNo below 1) and writes only "pending/<role>/<txn>"; commit() applies
// the row change and the marker and removes the pending record; abort() removes the pending
// record. Under strict 2PL a deposit's read never sees an uncommitted unit: no dirty reads.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/txn/saga/service.h"
#include "core/txn/twopc/resource.h"

namespace txsim::plugins::transfer {

enum class Role : std::uint8_t { kWithdraw, kDeposit, kLog };

/// "withdraw", "deposit" or "log". Throws std::invalid_argument on anything else.
Role parse_role(const std::string& text);
const char* to_string(Role role);

/// "row/<key as 8 hex digits>".
std::string row_key(std::uint64_t key);

class TransferService : public saga::SagaService, public twopc::TwoPhaseResource {
 public:
  /// REQUIRES: initial_balance >= 0.
  TransferService(Role role, std::int64_t initial_balance)
      : role_(role), initial_balance_(initial_balance) {}

  saga::StepResult apply_action(storage::DurableStore& store, const saga::StepRequest& request,
                                sim::Rng& rng) override;
  void apply_compensation(storage::DurableStore& store, const saga::StepRequest& request) override;
  /// The committed effect of saga or 2PC transaction `id` (its marker) is in `store`.
  bool effect_present(const storage::DurableStore& store, std::uint64_t id) const override;

  std::vector<std::string> lock_keys(const twopc::Operation& op) const override;
  twopc::Vote prepare(storage::DurableStore& store, const twopc::Operation& op,
                      sim::Rng& rng) override;
  void commit(storage::DurableStore& store, const twopc::Operation& op) override;
  void abort(storage::DurableStore& store, const twopc::Operation& op) override;

  Role role() const { return role_; }
  std::int64_t initial_balance() const { return initial_balance_; }
  /// Balance of row `key` in `store` (initial_balance when never written).
  std::int64_t balance(const storage::DurableStore& store, std::uint64_t key) const;
  /// Sum over the rows written in `store` of (balance - initial_balance): what the transfers
  /// changed here. Withdraw and deposit sides sum to 0 when every transfer is all-or-nothing.
  std::int64_t net_change(const storage::DurableStore& store) const;
  /// Dirty reads counted so far (see the header comment); 0 unless role is kDeposit.
  std::uint64_t dirty_reads() const { return dirty_reads_; }

 private:
  Role role_;
  std::int64_t initial_balance_;
  // The saga action's effect, shared by the 2PC commit: row change, marker, read count.
  void apply(storage::DurableStore& store, std::uint64_t id, std::uint64_t a, std::uint64_t b);
  std::map<std::uint64_t, std::uint64_t> reads_;  // row key -> reads so far (deposit role)
  std::uint64_t dirty_reads_ = 0;
};

}  // namespace txsim::plugins::transfer
