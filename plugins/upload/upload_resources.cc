#include "plugins/upload/upload_resources.h"

#include "core/sim/distributions.h"

namespace txsim::plugins::upload {
namespace {
constexpr std::string_view kPublishCount = "publish/count";
std::string pending(const std::string& key) { return "pending/" + key; }
}  // namespace

std::vector<std::string> PendingRecordResource::lock_keys(const twopc::Operation& op) const {
  return {upload_key(prefix_, op.txn)};
}

void PendingRecordResource::stage(storage::DurableStore& store, const twopc::Operation& op,
                                  const std::string& value) {
  store.put(pending(upload_key(prefix_, op.txn)), value);
}

void PendingRecordResource::commit(storage::DurableStore& store, const twopc::Operation& op) {
  const std::string key = upload_key(prefix_, op.txn);
  const auto staged = store.get(pending(key));
  if (!staged) return;  // applied before (a repeated decision)
  store.put(key, staged->value);
  store.erase(pending(key));
}

void PendingRecordResource::abort(storage::DurableStore& store, const twopc::Operation& op) {
  const std::string key = pending(upload_key(prefix_, op.txn));
  if (store.get(key)) store.erase(key);
}

bool PendingRecordResource::effect_present(const storage::DurableStore& store, twopc::TxnId txn) const {
  return store.contents().count(upload_key(prefix_, txn)) > 0;
}

twopc::Vote IngestResource::prepare(storage::DurableStore& store, const twopc::Operation& op,
                                    sim::Rng& rng) {
  const auto kind = static_cast<UploadKind>(op.args.a);
  const std::uint64_t length_s = op.args.b;
  if (kind != kind_) return twopc::Vote::kNo;
  if (kind == UploadKind::kShorts && static_cast<double>(length_s) > shorts_max_length_s_) {
    return twopc::Vote::kNo;
  }
  if (sim::bernoulli(rng, reject_probability_)) return twopc::Vote::kNo;
  stage(store, op, std::string(to_string(kind)) + ":" + std::to_string(length_s));
  return twopc::Vote::kYes;
}

twopc::Vote DescriptionResource::prepare(storage::DurableStore& store, const twopc::Operation& op,
                                         sim::Rng& rng) {
  if (sim::bernoulli(rng, reject_probability_)) return twopc::Vote::kNo;
  stage(store, op, "title|description|tags");
  return twopc::Vote::kYes;
}

std::vector<std::string> PublishResource::lock_keys(const twopc::Operation& op) const {
  auto keys = PendingRecordResource::lock_keys(op);
  if (quota_ > 0) keys.emplace_back(kPublishCount);
  return keys;
}

twopc::Vote PublishResource::prepare(storage::DurableStore& store, const twopc::Operation& op,
                                     sim::Rng&) {
  if (quota_ > 0) {
    // The count includes prepared publishes: it is locked until this one commits or aborts.
    const auto count_record = store.get(kPublishCount);
    const std::uint64_t count = count_record ? std::stoull(count_record->value) : 0;
    if (count >= quota_) return twopc::Vote::kNo;
  }
  stage(store, op, "visible");
  return twopc::Vote::kYes;
}

void PublishResource::commit(storage::DurableStore& store, const twopc::Operation& op) {
  const bool staged = store.get(pending(upload_key("published", op.txn))).has_value();
  PendingRecordResource::commit(store, op);
  if (staged && quota_ > 0) {
    const auto count_record = store.get(kPublishCount);
    const std::uint64_t count = count_record ? std::stoull(count_record->value) : 0;
    store.put(kPublishCount, std::to_string(count + 1));
  }
}

twopc::Vote NotifyResource::prepare(storage::DurableStore& store, const twopc::Operation& op,
                                    sim::Rng& rng) {
  if (sim::bernoulli(rng, failure_probability_)) return twopc::Vote::kNo;
  stage(store, op, "sent");
  return twopc::Vote::kYes;
}

}  // namespace txsim::plugins::upload
