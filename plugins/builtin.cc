// Every plugin shipped with txsim. A new module adds one line to register_builtin_plugins().
//
// Protocols, generic services, projections and checks implemented in core/ are declared here
// (core/ cannot depend on plugins/); each sets `implemented` when its module lands.
#include "plugins/queueing/register.h"
#include "plugins/registry.h"
#include "plugins/transfer/register.h"
#include "plugins/upload/register.h"

namespace txsim::plugins {
namespace {

void register_protocols(Registry& registry) {
  registry.add_protocol("saga_orchestration",
                        "a central orchestrator drives each saga and checkpoints it",
                        {string_param("orchestrator_node", "orchestrator", "node of the orchestrator"),
                         double_param("recovery_interval_s", 1, 0, 1e6,
                                      "seconds between periodic recovery passes"),
                         double_param("retention_horizon_s", 0, 0, 1e6,
                                      "forget settled sagas' rows this long after their outcome "
                                      "(0 keeps everything)")})
      .implemented = true;
  registry.add_protocol("saga_choreography",
                        "services react to each other's domain events; no orchestrator",
                        {string_param("broker_node", "broker", "node of the event broker")})
      .implemented = true;
  registry.add_protocol(
      "two_phase_commit", "prepare, vote, decision, acknowledgement under strict 2PL",
      {string_param("coordinator_node", "", "node of the coordinator"),
       bool_param("presumed_abort", false, "no forced abort record, no abort acknowledgements"),
       bool_param("cooperative_termination", false,
                  "in-doubt participants ask each other [not implemented yet: true is refused]"),
       double_param("vote_timeout_ms", 1000, 0, 1e9, "a participant that has not voted aborts")})
      .implemented = true;
}

void register_generic_services(Registry& registry) {
  registry.add_service(
      "generic.participant", "a saga participant with a service time and a failure rate (W1)",
      {double_param("service_time_ms_mean", 2, 0, 1e6, "mean service time, ms (exponential)"),
       double_param("failure_probability", 0, 0, 1,
                    "probability that a forward step fails (business rule)")})
      .implemented = true;
}

void register_projections(Registry& registry) {
  registry.add_projection("feed.join",
                          "one feed entry per upload, joined from ingest, description and "
                          "publish events",
                          {bool_param("idempotent", true, "apply each event id at most once")})
      .implemented = true;
  registry.add_projection("view.copy", "a copy of one service's records",
                          {bool_param("idempotent", true, "apply each event id at most once")})
      .implemented = true;
}

void register_checks(Registry& registry) {
  registry.add_check("saga_atomicity", "each saga's effects are all present or all undone").implemented = true;
  registry.add_check("no_lost_work", "every accepted saga reached a terminal state").implemented = true;
  registry.add_check("effect_once", "no effect applied twice").implemented = true;
  registry.add_check("compensation_order", "compensations ran in the required order").implemented = true;
  registry.add_check("twopc_atomicity", "no transaction committed at one participant and "
                                        "aborted at another").implemented = true;
  registry.add_check("in_doubt_resolved", "every in-doubt 2PC participant learned the outcome "
                                          "by the end").implemented = true;
  // The CQRS checks run whenever the scenario has a cqrs section (runner/cqrs_scenario).
  registry.add_check("freshness", "time to visibility and staleness of reads").implemented = true;
  registry.add_check("session_guarantees", "read-your-writes and monotonic reads").implemented = true;
  registry.add_check("convergence", "replicas equal the projection of the committed state")
      .implemented = true;
  registry.add_check("projection_effect_once", "each domain event changes each view at most once, "
                                               "never after a newer event of its source")
      .implemented = true;
}

}  // namespace

void register_builtin_plugins(Registry& registry) {
  register_protocols(registry);
  register_generic_services(registry);
  register_projections(registry);
  register_checks(registry);
  queueing::register_plugins(registry);
  upload::register_plugins(registry);
  registry.add_workload("uploads", "video uploads, Poisson, with a live/video/shorts mix")
      .implemented = true;
  transfer::register_plugins(registry);
  registry.add_workload("saga_arrivals", "Poisson arrivals of one named saga (W1)")
      .implemented = true;
}

}  // namespace txsim::plugins
