#include "runner/unimplemented.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <array>
#include <string_view>

namespace txsim::runner {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// Fields (with everything inside them) that the runner implements.
constexpr std::array<std::string_view, 20> kImplementedFields = {
    "name",          "description",    "seed",     "stop",
    "topology",      "service",        "saga",     "protocol.saga_orchestration",
    "protocol.saga_choreography",
    // Two-phase commit without cooperative termination (not implemented yet).
    "protocol.two_phase_commit.coordinator_node", "protocol.two_phase_commit.presumed_abort",
    "protocol.two_phase_commit.vote_timeout_ms",
    "workload.open_queue", "workload.uploads", "workload.saga_arrivals", "workload.transfers", "faults",
    "checks",        "report",         "cqrs"};

bool implemented(const std::string& path) {
  return std::find(kImplementedFields.begin(), kImplementedFields.end(), path) !=
         kImplementedFields.end();
}

// Some implemented path lies inside `path`: look at its fields one by one.
bool partly_implemented(const std::string& path) {
  const std::string prefix = path + ".";
  return std::any_of(kImplementedFields.begin(), kImplementedFields.end(),
                     [&](std::string_view p) { return p.substr(0, prefix.size()) == prefix; });
}

void collect(const Message& m, const std::string& prefix, std::vector<std::string>& out) {
  std::vector<const FieldDescriptor*> fields;
  m.GetReflection()->ListFields(m, &fields);
  for (const auto* f : fields) {
    const std::string path = prefix.empty() ? f->name() : prefix + "." + f->name();
    if (implemented(path)) continue;
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !f->is_repeated() &&
        partly_implemented(path)) {
      collect(m.GetReflection()->GetMessage(m, f), path, out);
    } else {
      out.push_back(path);
    }
  }
}

}  // namespace

std::vector<std::string> unimplemented_fields(const scenario::Scenario& scenario) {
  std::vector<std::string> out;
  collect(scenario, "", out);
  return out;
}

}  // namespace txsim::runner
