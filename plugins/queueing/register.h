// Registers the queueing plugins (the open_queue workload) in the plugin registry.
#pragma once

#include "plugins/registry.h"

namespace txsim::plugins::queueing {
void register_plugins(Registry& registry);
}
