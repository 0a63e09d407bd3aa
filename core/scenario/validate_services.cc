// Validation of `service`: unique names, a registered plugin type with well-typed parameters,
// and a known node.
#include "core/scenario/validation.h"

namespace txsim::scenario {

void validate_services(Validation& v, const FieldCursor& root, const Scenario& s) {
  v.size_limit(root, s, "service", s.service_size(), kMaxServices);
  std::map<std::string, int> seen;
  for (int i = 0; i < s.service_size() && i < kMaxServices; ++i) {
    const Service& service = s.service(i);
    const FieldCursor c = root.nested(s, "service", i);
    v.unique_name(seen, c, service, "name", service.name(), "service");
    v.services.insert(service.name());
    v.service_node[service.name()] = service.node();
    if (const auto* spec = v.plugin(c, service, "type", PluginKind::kService, service.type())) {
      v.plugin_params(c, service, "param", *spec);
    }
    if (service.node().empty()) {
      v.error(c, service, "node", -1, "is missing; expected the node the service runs on");
    } else if (!v.nodes.count(service.node())) {
      v.error(c, service, "node", -1,
              "'" + service.node() + "' is not a node; expected one of " + list_names(v.nodes));
    }
  }
}

}  // namespace txsim::scenario
