// The saga part of a scenario, made runnable: builds a SagaWorld from the scenario's topology,
// services, sagas and orchestration protocol, drives its workloads (uploads, saga arrivals) and
// fault plan, and reports on it (the `sagas`, `network`, `storage` and `fault_counts` sections,
// the saga checks). With protocol two_phase_commit it builds a TwoPhaseWorld instead
// (runner/twopc_scenario.h): each saga arrival begins one 2PC transaction, and the report gets
// the `transactions` section and the 2PC checks in place of `sagas` and the saga checks.
//
// Errors: a scenario that validated but asks for something the runtime cannot do (e.g. a
// per-link loss window) throws std::invalid_argument naming the field; the CLI reports it as a
// scenario error (exit 2).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/fault/fault_injector.h"
#include "core/metrics/time_series.h"
#include "core/scenario/loader.h"
#include "plugins/transfer/transfer_arrivals.h"
#include "plugins/upload/upload_arrivals.h"
#include "runner/cqrs_scenario.h"
#include "runner/saga_world.h"
#include "runner/twopc_world.h"
#include "txsim/report.pb.h"

namespace txsim::runner {

class SagaScenario {
 public:
  /// Builds the system. `arrivals_end` is when arrivals stop at the latest.
  /// `keep_whole_history`: keep every saga's history records even with a retention horizon
  /// (the per-instance views read them; SagaWorldConfig::fold_settled_history).
  SagaScenario(sim::Simulator& simulator, const scenario::LoadedScenario& loaded,
               sim::Time arrivals_end, bool keep_whole_history = false);
  SagaScenario(const SagaScenario&) = delete;
  SagaScenario& operator=(const SagaScenario&) = delete;
  ~SagaScenario();

  /// Schedules arrivals and faults.
  void start();
  /// No more arrivals will come.
  bool arrivals_finished() const;
  /// Every arrival has come and every accepted saga finished (the run may stop).
  bool done() const;
  /// Sagas committed, compensated or stuck so far.
  std::uint64_t finished() const;
  /// Adds the sampler's probes: sagas in flight, outcomes per second.
  void add_probes(metrics::FixedIntervalSampler& sampler);
  /// Fills the report sections and appends the checks; returns whether the checks passed
  /// (honouring checks.run / skip / expect_failed).
  bool fill_report(report::Report& report);

  /// REQUIRES: the protocol is a saga protocol (else use twopc()).
  SagaWorld& world() { return *world_; }
  /// The 2PC system, or null when the protocol is a saga protocol.
  TwoPhaseWorld* twopc() { return twopc_.get(); }
  /// The network of whichever world runs (tests read the nodes' stores through it).
  net::Network& network() const { return world_ ? world_->network() : twopc_->network(); }
  /// The read side, or nullptr when the scenario has no `cqrs`.
  CqrsScenario* cqrs() { return cqrs_.get(); }

 private:
  std::uint32_t route(const std::string& saga) const {
    return world_ ? world_->route(saga) : twopc_->route(saga);
  }
  void fill_common_sections(report::Report& report);
  bool fill_twopc_report(report::Report& report);
  /// The latest client attempt, begun or refused: the end of the throughput window of both
  /// protocols (they share the arrivals).
  sim::Time last_arrival() const;
  bool append_checks(const std::vector<check::CheckResult>& checks, report::Report& report);
  void schedule_faults();
  std::vector<net::NodeId> resolve(const std::vector<std::string>& names,
                                   const std::string& field) const;

  sim::Simulator& simulator_;
  const scenario::LoadedScenario& loaded_;
  sim::Time arrivals_end_;
  std::unique_ptr<CqrsScenario> cqrs_;  // before world_: its services write to the recorder
  std::unique_ptr<SagaWorld> world_;
  std::unique_ptr<TwoPhaseWorld> twopc_;
  std::vector<sim::Time> twopc_rejected_;  // begins refused while the coordinator was down
  std::unique_ptr<fault::FaultInjector> faults_;
  std::vector<std::unique_ptr<plugins::upload::SagaArrivals>> arrivals_;
  std::unique_ptr<plugins::transfer::TransferArrivals> transfers_;
  std::uint64_t next_saga_id_ = 1;
};

}  // namespace txsim::runner
