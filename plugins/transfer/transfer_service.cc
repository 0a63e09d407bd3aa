#include "plugins/transfer/transfer_service.h"

#include <cstdio>
#include <stdexcept>

namespace txsim::plugins::transfer {
namespace {

std::string marker_key(Role role, std::uint64_t transfer_id) {
  char id[20];
  std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(transfer_id));
  return std::string(to_string(role)) + "/" + id;
}

std::string pending_key(Role role, std::uint64_t txn) {
  return "pending/" + marker_key(role, txn);
}

std::int64_t read_balance(const storage::DurableStore& store, std::uint64_t key,
                          std::int64_t initial) {
  const auto& contents = store.contents();
  const auto it = contents.find(row_key(key));
  return it == contents.end() ? initial : std::stoll(it->second.value);
}

}  // namespace

Role parse_role(const std::string& text) {
  if (text == "withdraw") return Role::kWithdraw;
  if (text == "deposit") return Role::kDeposit;
  if (text == "log") return Role::kLog;
  throw std::invalid_argument("transfer role '" + text + "'; expected withdraw, deposit or log");
}

const char* to_string(Role role) {
  switch (role) {
    case Role::kWithdraw: return "withdraw";
    case Role::kDeposit: return "deposit";
    case Role::kLog: return "log";
  }
  return "unknown";
}

std::string row_key(std::uint64_t key) {
  char text[24];
  std::snprintf(text, sizeof text, "row/%08llx", static_cast<unsigned long long>(key));
  return text;
}

std::int64_t TransferService::balance(const storage::DurableStore& store, std::uint64_t key) const {
  return read_balance(store, key, initial_balance_);
}

std::int64_t TransferService::net_change(const storage::DurableStore& store) const {
  std::int64_t sum = 0;
  const auto& contents = store.contents();
  for (auto it = contents.lower_bound("row/"); it != contents.end(); ++it) {
    if (it->first.compare(0, 4, "row/") != 0) break;
    sum += std::stoll(it->second.value) - initial_balance_;
  }
  return sum;
}

void TransferService::apply(storage::DurableStore& store, std::uint64_t id, std::uint64_t a,
                            std::uint64_t b) {
  switch (role_) {
    case Role::kWithdraw:
      store.put(row_key(a), std::to_string(balance(store, a) - 1));
      store.put(marker_key(role_, id), std::to_string(a));
      return;
    case Role::kDeposit: {
      const std::uint64_t read_number = ++reads_[b];
      store.put(row_key(b), std::to_string(balance(store, b) + 1));
      store.put(marker_key(role_, id), std::to_string(b) + ":" + std::to_string(read_number));
      return;
    }
    case Role::kLog:
      store.put(marker_key(role_, id), std::to_string(a) + "->" + std::to_string(b));
      return;
  }
}

saga::StepResult TransferService::apply_action(storage::DurableStore& store,
                                               const saga::StepRequest& request, sim::Rng&) {
  if (role_ == Role::kWithdraw && balance(store, request.args.a) < 1) {
    return saga::StepResult::kFailure;
  }
  apply(store, request.saga_id, request.args.a, request.args.b);
  return saga::StepResult::kSuccess;
}

std::vector<std::string> TransferService::lock_keys(const twopc::Operation& op) const {
  switch (role_) {
    case Role::kWithdraw: return {row_key(op.args.a)};
    case Role::kDeposit: return {row_key(op.args.b)};
    case Role::kLog: return {};
  }
  return {};
}

twopc::Vote TransferService::prepare(storage::DurableStore& store, const twopc::Operation& op,
                                     sim::Rng&) {
  if (role_ == Role::kWithdraw && balance(store, op.args.a) < 1) return twopc::Vote::kNo;
  store.put(pending_key(role_, op.txn), std::to_string(op.args.a) + "," + std::to_string(op.args.b));
  return twopc::Vote::kYes;
}

void TransferService::commit(storage::DurableStore& store, const twopc::Operation& op) {
  const std::string pending = pending_key(role_, op.txn);
  if (!store.get(pending)) return;  // already committed (or never prepared)
  apply(store, op.txn, op.args.a, op.args.b);
  store.erase(pending);
}

void TransferService::abort(storage::DurableStore& store, const twopc::Operation& op) {
  const std::string pending = pending_key(role_, op.txn);
  if (store.get(pending)) store.erase(pending);
}

void TransferService::apply_compensation(storage::DurableStore& store,
                                         const saga::StepRequest& request) {
  const std::string marker = marker_key(role_, request.saga_id);
  const auto record = store.get(marker);
  if (!record) return;
  switch (role_) {
    case Role::kWithdraw: {
      const std::uint64_t a = std::stoull(record->value);
      store.put(row_key(a), std::to_string(balance(store, a) + 1));
      break;
    }
    case Role::kDeposit: {
      const auto colon = record->value.find(':');
      const std::uint64_t b = std::stoull(record->value.substr(0, colon));
      const std::uint64_t read_number = std::stoull(record->value.substr(colon + 1));
      // Reads of row b after this deposit's own read saw its unit.
      dirty_reads_ += reads_[b] - read_number;
      store.put(row_key(b), std::to_string(balance(store, b) - 1));
      break;
    }
    case Role::kLog: break;
  }
  store.erase(marker);
}

bool TransferService::effect_present(const storage::DurableStore& store,
                                     std::uint64_t saga_id) const {
  return store.contents().count(marker_key(role_, saga_id)) > 0;
}

}  // namespace txsim::plugins::transfer
