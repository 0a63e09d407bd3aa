// The video upload services' side in two-phase commit: the same business operations as their
// saga steps (upload_services.h), as TwoPhaseResource (core/txn/twopc/resource.h).
//
// Each prepare applies the step's business rule (the same rule, the same draws from the
// participant's stream) and, on yes, writes its record under "pending/<key>"; commit moves it
// to the key the saga service writes ("media/<id>", "description/<id>", "published/<id>",
// "notified/<id>"), so effect_present() and the read side look at the same keys under both
// protocols. Abort erases the pending record. Locks: the upload's own record — plus, for
// publish with a quota, the shared "publish/count" (every publish then serialises on it,
// which is what a quota costs under strict two-phase locking).
//
// Transaction arguments (TxnArgs): a = UploadKind, b = media length in seconds (as SagaArgs).
// The transaction id is the upload id.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/txn/twopc/resource.h"
#include "plugins/upload/upload_services.h"

namespace txsim::plugins::upload {

/// A resource whose tentative work is one record moved into place at commit.
class PendingRecordResource : public twopc::TwoPhaseResource {
 public:
  explicit PendingRecordResource(std::string prefix) : prefix_(std::move(prefix)) {}
  std::vector<std::string> lock_keys(const twopc::Operation& op) const override;
  void commit(storage::DurableStore& store, const twopc::Operation& op) override;
  void abort(storage::DurableStore& store, const twopc::Operation& op) override;
  bool effect_present(const storage::DurableStore& store, twopc::TxnId txn) const override;

 protected:
  /// Writes the tentative record with `value`.
  void stage(storage::DurableStore& store, const twopc::Operation& op, const std::string& value);

 private:
  std::string prefix_;
};

/// Ingest of one upload kind: refuses other kinds, shorts over the limit, and a random share.
class IngestResource : public PendingRecordResource {
 public:
  IngestResource(UploadKind kind, double shorts_max_length_s = kShortsMaxLengthS,
                 double reject_probability = 0)
      : PendingRecordResource("media"), kind_(kind), shorts_max_length_s_(shorts_max_length_s),
        reject_probability_(reject_probability) {}
  twopc::Vote prepare(storage::DurableStore& store, const twopc::Operation& op, sim::Rng& rng) override;

 private:
  UploadKind kind_;
  double shorts_max_length_s_;
  double reject_probability_;
};

/// Description: moderation refuses with a probability.
class DescriptionResource : public PendingRecordResource {
 public:
  explicit DescriptionResource(double moderation_reject_probability)
      : PendingRecordResource("description"), reject_probability_(moderation_reject_probability) {}
  twopc::Vote prepare(storage::DurableStore& store, const twopc::Operation& op, sim::Rng& rng) override;

 private:
  double reject_probability_;
};

/// Publish: refuses once `quota` uploads are published or prepared (0: no quota).
class PublishResource : public PendingRecordResource {
 public:
  explicit PublishResource(std::uint64_t quota) : PendingRecordResource("published"), quota_(quota) {}
  std::vector<std::string> lock_keys(const twopc::Operation& op) const override;
  twopc::Vote prepare(storage::DurableStore& store, const twopc::Operation& op, sim::Rng& rng) override;
  void commit(storage::DurableStore& store, const twopc::Operation& op) override;

 private:
  std::uint64_t quota_;
};

/// Notify: in a saga a retriable step; inside one atomic transaction a transient failure can
/// only vote no, so `failure_probability` aborts the transaction.
class NotifyResource : public PendingRecordResource {
 public:
  explicit NotifyResource(double failure_probability = 0)
      : PendingRecordResource("notified"), failure_probability_(failure_probability) {}
  twopc::Vote prepare(storage::DurableStore& store, const twopc::Operation& op, sim::Rng& rng) override;

 private:
  double failure_probability_;
};

}  // namespace txsim::plugins::upload
