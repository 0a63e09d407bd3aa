#include "plugins/transfer/register.h"

namespace txsim::plugins::transfer {

void register_plugins(Registry& registry) {
  registry.add_service(
      "transfer.participant", "a keyed row store taking part in transfers (W3)",
      {enum_param("role", {"withdraw", "deposit", "log"}, "",
                  "its part in a transfer: withdraw from row a (P1), deposit to row b (P2), or "
                  "append the log entry (P3)"),
       int_param("initial_balance", "1000000", 0, 1e15,
                 "balance of every row before the first transfer (a withdrawal below 0 is refused)"),
       double_param("local_txn_ms_mean", 1, 0, 1e6, "mean local transaction time, ms (exponential)"),
       double_param("storage_write_ms", 0.5, 0, 1e6,
                    "time of a forced write to the node's stable storage, ms (sets the node's "
                    "store sync latency)"),
       bool_param("barrier", true,
                  "sub-transaction barrier on: duplicates, null compensations and hanging "
                  "actions are handled")})
      .implemented = true;
  registry.add_workload("transfers", "transfers between keyed rows, Zipf keys (W3)").implemented = true;
}

}  // namespace txsim::plugins::transfer
