// Registers the video upload services in the plugin registry; the runner instantiates them
// (runner/saga_scenario.cc, plugins/upload/upload_services.h).
#pragma once

#include "plugins/registry.h"

namespace txsim::plugins::upload {
void register_plugins(Registry& registry);
}
