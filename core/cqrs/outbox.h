// Transactional outbox (Richardson, "Microservices Patterns", 2018, ch. 3: transactional outbox
// and polling publisher): a service writes its domain events into its own durable store in the
// same local transaction as its state, and a relay on the service's node publishes them.
//
// OutboxService decorates a saga service: after the action succeeds (or the compensation runs)
// it adds an outbox row "o/<sequence>" to the same store, before the participant's sync. The row
// and the state therefore become durable together or are lost together (a crash before the sync
// loses both: DurableStore invariant 3).
//
// OutboxRelay polls the store's *durable* rows (and publishes at once when kicked by the writer) (only committed events are published), publishes
// each to the broker with a call, and deletes the row once the broker acknowledged it. A crash
// before the deletion is durable republishes the row: redelivery, never loss.
// Invariant: every committed event stays in the outbox until the broker acknowledged it.
//
// Units: virtual time is integer nanoseconds (sim::Duration).
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>

#include "core/cqrs/events.h"
#include "core/net/node.h"
#include "core/txn/saga/service.h"

namespace txsim::cqrs {

/// Prefix of outbox rows in a service's store.
inline constexpr std::string_view kOutboxPrefix = "o/";

/// Adds `event` as an outbox row of `store` (volatile until the caller's sync).
void write_outbox_row(storage::DurableStore& store, const DomainEvent& event);
/// Number of outbox rows in the store's latest contents.
std::size_t outbox_rows(const storage::DurableStore& store);

/// Sees every outbox row as it is written (not yet committed): the read-history recorder.
class OutboxObserver {
 public:
  virtual ~OutboxObserver() = default;
  virtual void written(const DomainEvent& event) = 0;
};

class OutboxService : public saga::SagaService {
 public:
  /// `service` is the run's service number, `kind` the role its events announce. `observer`
  /// may be null.
  OutboxService(std::unique_ptr<saga::SagaService> inner, std::uint32_t service, EventKind kind,
                OutboxObserver* observer = nullptr)
      : inner_(std::move(inner)), service_(service), kind_(kind), observer_(observer) {}
  saga::StepResult apply_action(storage::DurableStore& store, const saga::StepRequest& request,
                                sim::Rng& rng) override;
  void apply_compensation(storage::DurableStore& store, const saga::StepRequest& request) override;
  bool effect_present(const storage::DurableStore& store, std::uint64_t saga_id) const override {
    return inner_->effect_present(store, saga_id);
  }

 private:
  DomainEvent event(const saga::StepRequest& request, bool compensation) const;
  std::unique_ptr<saga::SagaService> inner_;
  std::uint32_t service_;
  EventKind kind_;
  OutboxObserver* observer_;
};

struct RelayConfig {
  sim::Duration poll_interval = sim::milliseconds(5);
  sim::Duration call_timeout = sim::milliseconds(500);
  /// Publishes in flight at once. 1: one row at a time, in row order (a pass stops at the first
  /// unacknowledged row). More: rows are published concurrently (their deletions share syncs,
  /// one at a time) and may reach the broker out of
  /// row order — for consumers that need no order between a node's rows (saga choreography:
  /// each event is caused by an earlier durable one). REQUIRES: >= 1.
  std::uint32_t max_in_flight = 1;
};

class OutboxRelay {
 public:
  /// REQUIRES: node and the broker's node outlive the simulation run.
  OutboxRelay(net::Node& node, net::NodeId broker, RelayConfig config = {});
  OutboxRelay(const OutboxRelay&) = delete;
  OutboxRelay& operator=(const OutboxRelay&) = delete;

  /// Starts polling (a root process that runs a publishing pass in the node's incarnation).
  void start();
  /// Publishes now what is durable (push): a writer whose rows just became durable calls it,
  /// so they need not wait for the next poll. Does nothing while the node is down.
  void kick();
  std::uint64_t published() const { return published_; }  // acknowledged publishes
  bool idle() const;  // no durable or pending outbox row

 private:
  sim::Task<void> poll();
  sim::Task<void> publish_pass(std::uint32_t incarnation);
  void launch_publishes();
  sim::Task<void> publish_one(std::string key, DomainEvent event, std::uint32_t incarnation);
  void sync_deletions();
  sim::Task<void> deletion_syncs(std::uint32_t incarnation);

  net::Node& node_;
  net::NodeId broker_;
  RelayConfig config_;
  std::uint32_t busy_incarnation_ = 0;  // incarnation running a pass (0: none)
  std::uint64_t published_ = 0;
  // Pipelined mode (max_in_flight > 1): rows being published by this incarnation.
  std::uint32_t inflight_incarnation_ = 0;
  std::set<std::string> inflight_;
  std::uint32_t syncing_incarnation_ = 0;  // incarnation with a deletion sync running (0: none)
  bool sync_again_ = false;
};

}  // namespace txsim::cqrs
