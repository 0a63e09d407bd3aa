// Validation of `protocol` and `workload`: known nodes and sagas, rates and counts in range,
// the upload kind mix summing to 1, and arrivals that stop.
#include <cmath>
#include <cstdio>

#include "core/cqrs/choreography_timing.h"
#include "core/scenario/validation.h"

namespace txsim::scenario {
namespace {

using google::protobuf::Message;

void known_node(Validation& v, const FieldCursor& at, const Message& parent,
                const std::string& field, const std::string& node, bool required) {
  if (node.empty()) {
    if (required) v.error(at, parent, field, -1, "is missing; expected a node name");
    return;
  }
  if (!v.nodes.count(node)) {
    v.error(at, parent, field, -1,
            "'" + node + "' is not a node; expected one of " + list_names(v.nodes));
  }
}

void known_saga(Validation& v, const FieldCursor& at, const Message& parent,
                const std::string& field, const std::string& saga, const std::string& why) {
  if (!v.sagas.count(saga)) {
    v.error(at, parent, field, -1,
            (saga.empty() ? std::string("is missing") : "'" + saga + "' is not a saga") + why +
                "; expected one of " + list_names(v.sagas));
  }
}

// Arrivals without a count stop only at stop.arrivals_s; without either they never stop, and
// with a rate too high for that span they would not end in any reasonable time.
void bounded(Validation& v, const FieldCursor& at, const Message& parent, bool has_count,
             double rate_per_s, const Scenario& s) {
  if (has_count) return;
  const double span_s = s.stop().arrivals_s();
  if (span_s == 0) {
    v.error(at, parent, "count", -1,
            "is unset and stop.arrivals_s is 0, so arrivals would never stop; expected a count "
            "or stop { arrivals_s: ... }");
    return;
  }
  const double expected = rate_per_s * span_s;
  if (rate_per_s > 0 && rate_per_s <= kMaxRatePerS && expected > static_cast<double>(kMaxCount)) {
    char about[32];
    std::snprintf(about, sizeof about, "%.3g", expected);
    v.error(at, parent, "rate_per_s", -1,
            "is " + format_number(rate_per_s) + " with stop.arrivals_s " + format_number(span_s) +
                ", about " + about + " arrivals; expected at most 1e9 arrivals in one run "
                "(lower the rate or stop.arrivals_s, or set a count)");
  }
}

void open_queues(Validation& v, const FieldCursor& at, const Workload& w) {
  std::map<std::string, int> seen;
  for (int i = 0; i < w.open_queue_size(); ++i) {
    const auto& q = w.open_queue(i);
    const FieldCursor c = at.nested(w, "open_queue", i);
    v.unique_name(seen, c, q, "name", q.name(), "station");
    for (const char* field : {"arrival_rate_per_ms", "service_rate_per_ms"}) {
      const double value = std::string(field) == "arrival_rate_per_ms" ? q.arrival_rate_per_ms()
                                                                        : q.service_rate_per_ms();
      if (!(std::isfinite(value) && value > 0 && value <= 1e9)) {
        v.error(c, q, field, -1,
                "is " + format_number(value) +
                    "; expected a rate per simulated millisecond in (0, 1e9]");
      }
    }
    if (q.has_servers()) v.count(c, q, "servers", q.servers(), 1, 100'000, "servers");
    v.count(c, q, "customers", q.customers(), 1, kMaxCount, "customers");
    if (q.has_theory_tolerance() && !(q.theory_tolerance() > 0 && q.theory_tolerance() <= 1)) {
      v.error(c, q, "theory_tolerance", -1,
              "is " + format_number(q.theory_tolerance()) + "; expected a fraction in (0, 1]");
    }
  }
}

void uploads(Validation& v, const FieldCursor& at, const Workload& w, const Scenario& s) {
  if (!w.has_uploads()) return;
  const UploadWorkload& u = w.uploads();
  const FieldCursor c = at.nested(w, "uploads");
  v.rate_per_s(c, u, "rate_per_s", u.rate_per_s());
  if (u.has_count()) v.count(c, u, "count", u.count(), 1, kMaxCount, "uploads");
  bounded(v, c, u, u.has_count(), u.rate_per_s(), s);
  const KindMix& mix = u.kind_mix();
  const FieldCursor m = c.nested(u, "kind_mix");
  // Check all three (each reports its own problem) before judging the sum.
  const bool live_ok = v.probability(m, mix, "live", mix.live());
  const bool video_ok = v.probability(m, mix, "video", mix.video());
  const bool shorts_ok = v.probability(m, mix, "shorts", mix.shorts());
  const bool fractions_ok = live_ok && video_ok && shorts_ok;
  const double sum = mix.live() + mix.video() + mix.shorts();
  if (fractions_ok && std::abs(sum - 1) > 1e-9) {
    v.error(c, u, "kind_mix", -1,
            "live + video + shorts sums to " + format_number(sum) + "; expected 1");
  }
  const struct {
    const char* field;
    double weight;
    const std::string& saga;
    const char* fallback;
  } kinds[] = {{"live_saga", mix.live(), u.live_saga(), "upload-live"},
               {"video_saga", mix.video(), u.video_saga(), "upload-video"},
               {"shorts_saga", mix.shorts(), u.shorts_saga(), "upload-shorts"}};
  for (const auto& kind : kinds) {
    if (kind.weight <= 0 && kind.saga.empty()) continue;
    const std::string saga = kind.saga.empty() ? kind.fallback : kind.saga;
    if (!v.sagas.count(saga)) {
      v.error(c, u, kind.field, -1,
              "'" + saga + "'" + (kind.saga.empty() ? " (the default)" : "") +
                  " is not a saga; expected one of " + list_names(v.sagas));
    }
  }
}

void transfers(Validation& v, const FieldCursor& at, const Workload& w, const Scenario& s) {
  if (!w.has_transfers()) return;
  const TransferWorkload& t = w.transfers();
  const FieldCursor c = at.nested(w, "transfers");
  v.rate_per_s(c, t, "rate_per_s", t.rate_per_s());
  if (t.has_count()) v.count(c, t, "count", t.count(), 1, kMaxCount, "transfers");
  bounded(v, c, t, t.has_count(), t.rate_per_s(), s);
  known_saga(v, c, t, "saga", t.saga(), "");
  if (t.has_keys_per_participant()) {
    v.count(c, t, "keys_per_participant", t.keys_per_participant(), 1, 100'000'000, "keys");
  }
  if (t.has_zipf_exponent()) {
    v.in_range(c, t, "zipf_exponent", t.zipf_exponent(), 0, 10, "a Zipf exponent in [0, 10]");
  }
}

// The ingest service of the upload kind the saga stores, if the saga has one. Such a saga needs
// the upload's kind, which only `workload.uploads` supplies: started by saga_arrivals, every
// instance would be refused at ingest — a run that looks fine and measures nothing.
const Service* upload_ingest_service(const Scenario& s, const std::string& saga_name) {
  for (const auto& saga : s.saga()) {
    if (saga.name() != saga_name) continue;
    for (const auto& step : saga.step()) {
      for (const auto& service : s.service()) {
        if (service.name() == step.service() && service.type() == "upload.ingest") {
          return &service;
        }
      }
    }
  }
  return nullptr;
}

void saga_arrivals(Validation& v, const FieldCursor& at, const Workload& w, const Scenario& s) {
  for (int i = 0; i < w.saga_arrivals_size(); ++i) {
    const SagaArrivals& a = w.saga_arrivals(i);
    const FieldCursor c = at.nested(w, "saga_arrivals", i);
    known_saga(v, c, a, "saga", a.saga(), "");
    if (const Service* ingest = upload_ingest_service(s, a.saga())) {
      v.error(c, a, "saga", -1,
              "is '" + a.saga() + "', whose service '" + ingest->name() +
                  "' (upload.ingest) needs each upload's kind; expected the saga to be started "
                  "by workload.uploads (kind_mix), not saga_arrivals");
    }
    v.rate_per_s(c, a, "rate_per_s", a.rate_per_s());
    if (a.has_count()) v.count(c, a, "count", a.count(), 1, kMaxCount, "sagas");
    bounded(v, c, a, a.has_count(), a.rate_per_s(), s);
  }
}

// Whether a retention horizon is in range (else reports it) and positive (0 keeps every saga).
bool positive_horizon(Validation& v, const FieldCursor& c, const Message& settings,
                      double horizon) {
  return v.in_range(c, settings, "retention_horizon_s", horizon, 0, kMaxSeconds,
                    "0 (keep every saga) or a horizon in seconds in (0, 1e6]") &&
         horizon > 0;
}

// A positive horizon shorter than the longest step timeout would forget a saga's barrier
// records while a request of it can still be in flight: a late duplicate would pass the
// barrier and apply its effect again (runner/saga_retention.h). Refused rather than warned
// about: a run with retention must conclude what the same run without it concludes.
void retention_horizon(Validation& v, const FieldCursor& c, const SagaOrchestration& o,
                       const Scenario& s) {
  const double horizon = o.retention_horizon_s();
  if (!positive_horizon(v, c, o, horizon)) return;
  constexpr double kDefaultStepTimeoutMs = 1000;  // runner/saga_scenario.cc
  double longest_ms = 0;
  std::string longest;
  for (const auto& saga : s.saga()) {
    for (const auto& step : saga.step()) {
      const double timeout = step.has_timeout_ms() ? step.timeout_ms() : kDefaultStepTimeoutMs;
      if (timeout > longest_ms) {
        longest_ms = timeout;
        longest = "saga '" + saga.name() + "' step '" + step.name() + "'";
      }
    }
  }
  if (horizon * 1000 < longest_ms) {
    v.error(c, o, "retention_horizon_s", -1,
            "is " + format_number(horizon) + "; expected 0 (keep every saga) or at least the "
            "longest step timeout, " + format_number(longest_ms / 1000) + " s (" + longest +
            "): a shorter horizon forgets barrier records while a request can still be in "
            "flight, so a late duplicate would pass the barrier (step timeout + 1 s suits a run "
            "without faults; slow links and latency spikes keep a request in flight longer, so "
            "add the longest extra delay)");
  }
}

// Under choreography a duplicate of a finished saga's event can trail it by the relay's retry
// and a node's resubscription (core/cqrs/choreography_timing.h); a horizon shorter than that
// forgets a node's saga state while such an event can still arrive, even without faults.
void choreography_retention_horizon(Validation& v, const FieldCursor& c,
                                    const SagaChoreography& o) {
  const double horizon = o.retention_horizon_s();
  if (!positive_horizon(v, c, o, horizon)) return;
  const double bound_s = cqrs::choreography_timing::kRedeliveryBound.to_seconds();
  if (horizon < bound_s) {
    v.error(c, o, "retention_horizon_s", -1,
            "is " + format_number(horizon) + "; expected 0 (keep every saga) or at least " +
                format_number(bound_s) +
                " s, how late a duplicate event of a finished saga can arrive without faults (a "
                "relay's call timeout and poll, then a node's resubscribe interval); message "
                "loss, crashes and slow links need more");
  }
}

}  // namespace

void validate_protocol(Validation& v, const FieldCursor& root, const Scenario& s) {
  const Protocol& p = s.protocol();
  const FieldCursor at = root.nested(s, "protocol");
  switch (p.kind_case()) {
    case Protocol::kSagaOrchestration:
    case Protocol::KIND_NOT_SET: {
      if (s.saga_size() == 0) break;
      const auto& o = p.saga_orchestration();
      const FieldCursor c = at.nested(p, "saga_orchestration");
      const std::string node = o.orchestrator_node().empty() ? "orchestrator" : o.orchestrator_node();
      if (!v.nodes.count(node)) {
        const std::string message =
            "'" + node + "'" + (o.orchestrator_node().empty() ? " (the default)" : "") +
            " is not a node; expected the orchestrator's node, one of " + list_names(v.nodes);
        if (p.has_saga_orchestration()) {
          v.error(c, o, "orchestrator_node", -1, message);
        } else {
          v.error(root, s, "protocol", -1,
                  "is unset, so sagas run under saga_orchestration with orchestrator_node " +
                      message);
        }
      }
      if (o.has_recovery_interval_s()) {
        v.in_range(c, o, "recovery_interval_s", o.recovery_interval_s(), 1e-6, kMaxSeconds,
                   "a period in seconds in (0, 1e6]");
      }
      if (o.has_retention_horizon_s()) retention_horizon(v, c, o, s);
      break;
    }
    case Protocol::kSagaChoreography: {
      const FieldCursor c = at.nested(p, "saga_choreography");
      known_node(v, c, p.saga_choreography(), "broker_node", p.saga_choreography().broker_node(),
                 false);
      if (p.saga_choreography().has_retention_horizon_s()) {
        choreography_retention_horizon(v, c, p.saga_choreography());
      }
      break;
    }
    case Protocol::kTwoPhaseCommit: {
      const auto& t = p.two_phase_commit();
      const FieldCursor c = at.nested(p, "two_phase_commit");
      known_node(v, c, t, "coordinator_node", t.coordinator_node(), true);
      if (t.has_vote_timeout_ms()) v.milliseconds(c, t, "vote_timeout_ms", t.vote_timeout_ms(), true);
      break;
    }
  }
}

void validate_workload(Validation& v, const FieldCursor& root, const Scenario& s) {
  const Workload& w = s.workload();
  const FieldCursor at = root.nested(s, "workload");
  open_queues(v, at, w);
  uploads(v, at, w, s);
  transfers(v, at, w, s);
  saga_arrivals(v, at, w, s);
}

}  // namespace txsim::scenario
