// Registers the W3 transfer service and the `transfers` workload in the plugin registry; the
// runner instantiates them (runner/saga_scenario.cc, plugins/transfer/transfer_service.h).
#pragma once

#include "plugins/registry.h"

namespace txsim::plugins::transfer {
void register_plugins(Registry& registry);
}
