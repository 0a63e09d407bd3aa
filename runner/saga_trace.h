// Puts a run's sagas and faults on the --trace-json timeline (reports/chrome_trace.h).
//
// Tracks: process "saga <name>", thread "instance <id>" holds a span from acceptance to the
// outcome (to the end of the run when unfinished) and, nested in it, one span per request the
// orchestrator sent (action or compensation, with attempt and outcome). Steps that overlap in
// time (parallel branches) go on extra threads "instance <id> branch <k>", since a viewer draws
// one row per thread. Faults: process "faults", one thread per target, one span per fault
// window (an instant for a fault without duration). Dropped messages: process "messages
// dropped", one thread per sending node, an instant per message named by the reason (loss,
// partition, node down, ...). Times are simulated time.
#pragma once

#include <vector>

#include "core/net/network.h"
#include "core/txn/saga/history.h"
#include "reports/chrome_trace.h"
#include "txsim/report.pb.h"

namespace txsim::runner {

/// Adds every saga instance of `history`, in acceptance order. `end` closes unfinished sagas.
void add_saga_timeline(reports::ChromeTraceWriter& trace, const saga::SagaHistory& history,
                       sim::Time end);

/// Adds the fault spans of `report` (Report.faults, filled by the runner).
void add_fault_timeline(reports::ChromeTraceWriter& trace, const report::Report& report);

/// Collects the network's dropped messages during a run, to add them to the trace afterwards
/// (after the sagas, so that a bounded trace keeps the sagas first).
class DroppedMessages : public net::DropObserver {
 public:
  explicit DroppedMessages(const net::Network& network) : network_(network) {}
  void on_dropped(const net::Message& message, const char* reason, sim::Time at) override {
    drops_.push_back({message.header.from, message.header.to, message.header.type, reason, at});
  }
  void add_to(reports::ChromeTraceWriter& trace) const;

 private:
  struct Drop {
    net::NodeId from;
    net::NodeId to;
    net::MessageType type;
    const char* reason;  // a string literal of the network
    sim::Time at;
  };
  const net::Network& network_;
  std::vector<Drop> drops_;
};

}  // namespace txsim::runner
