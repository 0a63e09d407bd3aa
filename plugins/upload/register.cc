#include "plugins/upload/register.h"

namespace txsim::plugins::upload {

namespace {
// Parameters every upload service shares: the cost of its local transaction and whether its
// sub-transaction barrier (idempotency, null compensation, hanging) is on.
std::vector<ParamSpec> with_common(std::vector<ParamSpec> params) {
  params.push_back(double_param("service_time_ms_mean", 2, 0, 1e6,
                                "mean local transaction time, ms (exponential)"));
  params.push_back(bool_param("barrier", true,
                              "sub-transaction barrier on: duplicates, null compensations and "
                              "hanging actions are handled"));
  return params;
}
}  // namespace

void register_plugins(Registry& registry) {
  registry.add_service(
      "upload.ingest", "stores the media record of one upload kind in its own store",
      with_common({enum_param("kind", {"live", "video", "shorts"}, "video", "upload kind it accepts"),
                   double_param("shorts_max_duration_s", 60, 0, 1e6,
                                "shorts longer than this are rejected (business rule), s"),
                   double_param("reject_probability", 0, 0, 1,
                                "probability that an upload is rejected")}));
  registry.add_service(
      "upload.description", "stores title, description and tags",
      with_common({double_param("moderation_reject_probability", 0, 0, 1,
                                "probability that moderation rejects the description")}));
  registry.add_service(
      "upload.publish", "makes an upload visible (the pivot)",
      with_common({int_param("quota", "0", 0, 1e9,
                             "uploads published at most (0: unlimited); beyond it, rejected")}));
  registry.add_service("upload.notify",
                       "tells subscribers about a published upload (retriable)",
                       with_common({double_param("failure_probability", 0, 0, 1,
                                                 "probability that one attempt fails")}));
}

}  // namespace txsim::plugins::upload
