// The video upload platform, the reference system of txsim: its services' local transactions.
//
// An upload is one of live, video or shorts. Its saga: the ingest service of its kind stores the
// media record; `description` stores title, description and tags (it may be rejected by
// moderation); `publish` makes the upload visible (the pivot: once published, the saga goes
// forward); `notify` tells subscribers (retriable). Compensations delete the media record and
// the description. Each service owns its durable store.
//
// Saga arguments (SagaArgs): a = UploadKind, b = media length in seconds.
// Keys: "media/<id>", "description/<id>", "published/<id>", "notified/<id>" (id as 16 hex
// digits), and "publish/count" for the quota.
#pragma once

#include <cstdint>
#include <string>

#include "core/txn/saga/service.h"

namespace txsim::plugins::upload {

enum class UploadKind : std::uint64_t { kLive = 0, kVideo = 1, kShorts = 2 };
const char* to_string(UploadKind kind);

/// Shorts longer than this are rejected at ingest by default (a business rule).
inline constexpr double kShortsMaxLengthS = 60;

std::string upload_key(std::string_view prefix, std::uint64_t upload_id);

/// Stores the media record of uploads of one kind. Rejects shorts longer than
/// `shorts_max_length_s`, uploads of another kind, and any upload with `reject_probability`.
class IngestService : public saga::SagaService {
 public:
  IngestService(UploadKind kind, double shorts_max_length_s = kShortsMaxLengthS,
                double reject_probability = 0)
      : kind_(kind), shorts_max_length_s_(shorts_max_length_s),
        reject_probability_(reject_probability) {}
  saga::StepResult apply_action(storage::DurableStore& store, const saga::StepRequest& request,
                                sim::Rng& rng) override;
  void apply_compensation(storage::DurableStore& store, const saga::StepRequest& request) override;
  bool effect_present(const storage::DurableStore& store, std::uint64_t id) const override;

 private:
  UploadKind kind_;
  double shorts_max_length_s_;
  double reject_probability_;
};

/// Stores title, description and tags; moderation rejects with a probability.
class DescriptionService : public saga::SagaService {
 public:
  /// REQUIRES: 0 <= moderation_reject_probability <= 1.
  explicit DescriptionService(double moderation_reject_probability)
      : reject_probability_(moderation_reject_probability) {}
  saga::StepResult apply_action(storage::DurableStore& store, const saga::StepRequest& request,
                                sim::Rng& rng) override;
  void apply_compensation(storage::DurableStore& store, const saga::StepRequest& request) override;
  bool effect_present(const storage::DurableStore& store, std::uint64_t id) const override;

 private:
  double reject_probability_;
};

/// Makes the upload visible. Refuses once `quota` uploads are published (0: no quota).
/// The pivot step: it has no compensation.
class PublishService : public saga::SagaService {
 public:
  explicit PublishService(std::uint64_t quota) : quota_(quota) {}
  saga::StepResult apply_action(storage::DurableStore& store, const saga::StepRequest& request,
                                sim::Rng& rng) override;
  void apply_compensation(storage::DurableStore& store, const saga::StepRequest& request) override;
  bool effect_present(const storage::DurableStore& store, std::uint64_t id) const override;

 private:
  std::uint64_t quota_;
};

/// Notifies subscribers of a published upload (a retriable step). An attempt fails
/// transiently with `failure_probability` (kRetryLater: the orchestrator retries it).
class NotifyService : public saga::SagaService {
 public:
  explicit NotifyService(double failure_probability = 0) : failure_probability_(failure_probability) {}
  saga::StepResult apply_action(storage::DurableStore& store, const saga::StepRequest& request,
                                sim::Rng& rng) override;
  void apply_compensation(storage::DurableStore& store, const saga::StepRequest& request) override;
  bool effect_present(const storage::DurableStore& store, std::uint64_t id) const override;

 private:
  double failure_probability_;
};

}  // namespace txsim::plugins::upload
