#include "txsim/saga_spec.h"

#include <cstdio>
#include <string>

namespace txsim {
namespace {

std::string number(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.9g", x);
  return buffer;
}

const char* kind_name(StepKind kind) {
  switch (kind) {
    case StepKind::kCompensatable: return "COMPENSATABLE";
    case StepKind::kPivot: return "PIVOT";
    case StepKind::kRetriable: return "RETRIABLE";
  }
  return "COMPENSATABLE";
}

}  // namespace

std::string scenario_text(const SagaSpec& saga, const Workload& workload, std::uint64_t seed) {
  const double arrivals_s = static_cast<double>(workload.count) / workload.rate_per_s + 1.0;
  std::string text = "name: \"generated-saga\"\nseed: " + std::to_string(seed) +
                     "\nstop { arrivals_s: " + number(arrivals_s) + "  drain_s: 30 }\n";
  text += "topology {\n  latency_default { exponential { mean_ms: 1 } }\n"
          "  node { name: \"orchestrator\" }\n";
  for (std::size_t i = 0; i < saga.steps.size(); ++i) {
    text += "  node { name: \"n" + std::to_string(i) + "\" }\n";
  }
  text += "}\n";
  for (std::size_t i = 0; i < saga.steps.size(); ++i) {
    text += "service { name: \"s" + std::to_string(i) + "\"  type: \"generic.participant\"  node: \"n" +
            std::to_string(i) + "\"  param { key: \"failure_probability\" value: \"" +
            number(saga.steps[i].failure_probability) + "\" } }\n";
  }
  text += std::string("saga {\n  name: \"generated\"\n  checkpoint: ") +
          (saga.checkpoint ? "EVERY_STAGE" : "NONE") + "\n";
  for (std::size_t i = 0; i < saga.steps.size(); ++i) {
    const StepSpec& step = saga.steps[i];
    text += "  step { name: \"t" + std::to_string(i) + "\"  service: \"s" + std::to_string(i) +
            "\"  kind: " + kind_name(step.kind);
    if (step.kind == StepKind::kCompensatable) text += "  compensation: \"undo\"";
    for (const int j : step.after) text += "  after: \"t" + std::to_string(j) + "\"";
    text += "  timeout_ms: 50 }\n";
  }
  text += "}\nprotocol { saga_orchestration { orchestrator_node: \"orchestrator\" } }\n";
  text += "workload { saga_arrivals { saga: \"generated\"  rate_per_s: " + number(workload.rate_per_s) +
          "  count: " + std::to_string(workload.count) + " } }\n";
  text += "checks { run: \"saga_atomicity\"  run: \"no_lost_work\"  run: \"effect_once\"  "
          "run: \"compensation_order\" }\n";
  return text;
}

}  // namespace txsim
