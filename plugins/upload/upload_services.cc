#include "plugins/upload/upload_services.h"

#include <cstdio>

#include "core/sim/distributions.h"

namespace txsim::plugins::upload {
namespace {
bool present(const storage::DurableStore& store, std::string_view prefix, std::uint64_t id) {
  return store.contents().count(upload_key(prefix, id)) > 0;
}
}  // namespace

const char* to_string(UploadKind kind) {
  switch (kind) {
    case UploadKind::kLive: return "live";
    case UploadKind::kVideo: return "video";
    case UploadKind::kShorts: return "shorts";
  }
  return "unknown";
}

std::string upload_key(std::string_view prefix, std::uint64_t upload_id) {
  char id[20];
  std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(upload_id));
  return std::string(prefix) + "/" + id;
}

saga::StepResult IngestService::apply_action(storage::DurableStore& store,
                                             const saga::StepRequest& request, sim::Rng& rng) {
  const auto kind = static_cast<UploadKind>(request.args.a);
  const std::uint64_t length_s = request.args.b;
  if (kind != kind_) return saga::StepResult::kFailure;
  if (kind == UploadKind::kShorts && static_cast<double>(length_s) > shorts_max_length_s_) {
    return saga::StepResult::kFailure;
  }
  if (sim::bernoulli(rng, reject_probability_)) return saga::StepResult::kFailure;
  store.put(upload_key("media", request.saga_id),
            std::string(to_string(kind)) + ":" + std::to_string(length_s));
  return saga::StepResult::kSuccess;
}

void IngestService::apply_compensation(storage::DurableStore& store, const saga::StepRequest& request) {
  store.erase(upload_key("media", request.saga_id));
}

bool IngestService::effect_present(const storage::DurableStore& store, std::uint64_t id) const {
  return present(store, "media", id);
}

saga::StepResult DescriptionService::apply_action(storage::DurableStore& store,
                                                  const saga::StepRequest& request, sim::Rng& rng) {
  if (sim::bernoulli(rng, reject_probability_)) return saga::StepResult::kFailure;
  store.put(upload_key("description", request.saga_id), "title|description|tags");
  return saga::StepResult::kSuccess;
}

void DescriptionService::apply_compensation(storage::DurableStore& store,
                                            const saga::StepRequest& request) {
  store.erase(upload_key("description", request.saga_id));
}

bool DescriptionService::effect_present(const storage::DurableStore& store, std::uint64_t id) const {
  return present(store, "description", id);
}

saga::StepResult PublishService::apply_action(storage::DurableStore& store,
                                              const saga::StepRequest& request, sim::Rng&) {
  constexpr std::string_view kCount = "publish/count";
  const auto count_record = store.get(kCount);
  const std::uint64_t count = count_record ? std::stoull(count_record->value) : 0;
  if (quota_ > 0 && count >= quota_) return saga::StepResult::kFailure;
  store.put(kCount, std::to_string(count + 1));
  store.put(upload_key("published", request.saga_id), "visible");
  return saga::StepResult::kSuccess;
}

void PublishService::apply_compensation(storage::DurableStore&, const saga::StepRequest&) {
  // The pivot has no compensation; validation keeps the orchestrator from asking for one.
}

bool PublishService::effect_present(const storage::DurableStore& store, std::uint64_t id) const {
  return present(store, "published", id);
}

saga::StepResult NotifyService::apply_action(storage::DurableStore& store,
                                             const saga::StepRequest& request, sim::Rng& rng) {
  if (sim::bernoulli(rng, failure_probability_)) return saga::StepResult::kRetryLater;
  store.put(upload_key("notified", request.saga_id), "sent");
  return saga::StepResult::kSuccess;
}

void NotifyService::apply_compensation(storage::DurableStore&, const saga::StepRequest&) {}

bool NotifyService::effect_present(const storage::DurableStore& store, std::uint64_t id) const {
  return present(store, "notified", id);
}

}  // namespace txsim::plugins::upload
