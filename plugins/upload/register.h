// Registers the video upload services (issue 5) in the plugin registry. Until the saga engine
// lands they are declared only: scenarios using them validate, and the runner refuses them with
// "not implemented yet".
#pragma once

#include "plugins/registry.h"

namespace txsim::plugins::upload {
void register_plugins(Registry& registry);
}
