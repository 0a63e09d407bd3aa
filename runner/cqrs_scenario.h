// The `cqrs` part of a scenario, made runnable on top of a SagaScenario's world: every service
// writes its domain events through a transactional outbox, a relay on each service node
// publishes them to the broker, view replicas consume them into projections, and reading
// sessions read the views (or ask the services: API composition). The run is recorded as a
// check::ReadHistory for the freshness and session-guarantee checkers.
//
// Built in two phases because the services are wrapped before the saga world exists:
// construct, wrap() each service, then attach() to the world.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/check/view_checks.h"
#include "core/cqrs/broker.h"
#include "core/cqrs/outbox.h"
#include "core/cqrs/readers.h"
#include "core/cqrs/recorder.h"
#include "core/cqrs/replica.h"
#include "core/metrics/time_series.h"
#include "core/scenario/loader.h"
#include "runner/saga_world.h"
#include "txsim/report.pb.h"

namespace txsim::runner {

class CqrsScenario {
 public:
  /// Throws std::invalid_argument for what the runtime cannot do (naming the field).
  CqrsScenario(sim::Simulator& simulator, const scenario::LoadedScenario& loaded, sim::Time arrivals_end);
  ~CqrsScenario();

  /// Wraps service number `index` (its position in the scenario) in an outbox.
  std::unique_ptr<saga::SagaService> wrap(std::unique_ptr<saga::SagaService> service, std::uint32_t index);
  /// Builds broker, relays, replicas and readers on the world's nodes.
  void attach(SagaWorld& world);
  void start();
  /// Every outbox is empty and every replica has applied every durable broker entry.
  bool idle();
  void add_probes(metrics::FixedIntervalSampler& sampler);
  /// The read history so far, with versions of rolled-back sagas marked (call once, at the end).
  const check::ReadHistory& finish(sim::Time end) { return recorder_->finish(end); }
  /// "projection_effect_once" over every apply of every replica to every projection.
  check::CheckResult effect_once_check() const;
  /// "convergence" by rows: every replica's full views against the expected views (the
  /// projections of the committed events, each applied once in commit order by an idempotent
  /// copy of the projection). Meaningful at quiescence. REQUIRES: every replica node is up.
  check::CheckResult row_convergence_check(sim::Time end);

 private:
  sim::Duration one_way(const std::string& from, const std::string& to) const;
  check::ViewRow row_of(std::size_t projection, const cqrs::ViewEntry& entry) const;
  check::ReplicaViews expected_views() const;

  sim::Simulator& simulator_;
  const scenario::LoadedScenario& loaded_;
  sim::Time arrivals_end_;
  std::shared_ptr<net::LatencyMatrix> matrix_;
  std::vector<std::unique_ptr<cqrs::Projection>> projections_;
  std::size_t read_projection_ = 0;
  std::unique_ptr<cqrs::ReadRecorder> recorder_;
  std::unique_ptr<cqrs::Broker> broker_;
  std::vector<std::unique_ptr<cqrs::OutboxRelay>> relays_;
  std::vector<std::unique_ptr<cqrs::ViewReplica>> replicas_;
  std::unique_ptr<cqrs::ReaderWorkload> readers_;
};

}  // namespace txsim::runner
