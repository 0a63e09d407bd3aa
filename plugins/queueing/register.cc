#include "plugins/queueing/register.h"

namespace txsim::plugins::queueing {

void register_plugins(Registry& registry) {
  // The parameters mirror the fields of workload.open_queue (proto/txsim/scenario.proto); they
  // are listed here so that `txsim plugins` shows them with their ranges.
  auto& open_queue = registry.add_workload(
      "open_queue", "Poisson arrivals at one FIFO M/M/c station (reference workload W2)",
      {string_param("name", "", "station name, unique in the scenario"),
       required_double_param("arrival_rate_per_ms", 0, 1e9, "arrival rate lambda, per ms, > 0"),
       required_double_param("service_rate_per_ms", 0, 1e9, "service rate mu per server, per ms"),
       int_param("servers", "1", 1, 100'000, "number of servers c"),
       int_param("customers", "", 1, 1e9, "customers that arrive"),
       double_param("theory_tolerance", 0.02, 0, 1,
                    "allowed relative error of the mean response time vs M/M/c theory")});
  open_queue.implemented = true;
  registry.add_check("queueing_theory",
                     "each open_queue station's mean response time and utilisation agree with "
                     "M/M/c theory")
      .implemented = true;
}

}  // namespace txsim::plugins::queueing
