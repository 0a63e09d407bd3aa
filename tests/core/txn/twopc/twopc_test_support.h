// A small 2PC system for tests: N participants on nodes "rm0".."rm<N-1>", each running one
// KeyResource, and a coordinator on its own node "tm" or on "rm0"; one route over all of them.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/net/network.h"
#include "core/txn/twopc/checks.h"
#include "core/txn/twopc/coordinator.h"
#include "core/txn/twopc/participant.h"

namespace txsim::twopc::testing {

/// Locks key "k<args.a>"; prepare writes "pending/<txn>", commit moves it to "effect/<txn>".
/// Votes no for the transactions in `refuse`.
class KeyResource : public TwoPhaseResource {
 public:
  std::set<TxnId> refuse;
  std::vector<std::string> lock_keys(const Operation& op) const override {
    return {"k" + std::to_string(op.args.a)};
  }
  Vote prepare(storage::DurableStore& store, const Operation& op, sim::Rng&) override {
    if (refuse.count(op.txn) > 0) return Vote::kNo;
    store.put("pending/" + std::to_string(op.txn), "v");
    return Vote::kYes;
  }
  void commit(storage::DurableStore& store, const Operation& op) override {
    store.put("effect/" + std::to_string(op.txn), "v");
    store.erase("pending/" + std::to_string(op.txn));
  }
  void abort(storage::DurableStore& store, const Operation& op) override {
    if (store.get("pending/" + std::to_string(op.txn))) store.erase("pending/" + std::to_string(op.txn));
  }
  bool effect_present(const storage::DurableStore& store, TxnId txn) const override {
    return store.contents().count("effect/" + std::to_string(txn)) > 0;
  }
};

struct SystemOptions {
  std::uint32_t participants = 2;
  bool colocated = false;  // coordinator on rm0
  bool presumed_abort = false;
  double latency_ms = 1.0;
  sim::Duration sync_latency{};
  ParticipantConfig participant;
  CoordinatorConfig coordinator;
};

class System {
 public:
  System(sim::Simulator& simulator, SystemOptions options)
      : network(simulator, network_config(options)) {
    storage::StoreConfig store;
    store.sync_latency = options.sync_latency;
    for (std::uint32_t i = 0; i < options.participants; ++i) {
      network.add_node({"rm" + std::to_string(i), "z", "r", store});
    }
    net::Node& tm = options.colocated ? network.node(0) : network.add_node({"tm", "z", "r", store});
    TwoPcRoute route{"all", {}, {}};
    for (std::uint32_t i = 0; i < options.participants; ++i) {
      route.nodes.push_back(i);
      route.services.push_back(0);
    }
    options.participant.presumed_abort = options.presumed_abort;
    options.coordinator.presumed_abort = options.presumed_abort;
    coordinator = std::make_unique<TwoPhaseCoordinator>(tm, std::vector<TwoPcRoute>{route},
                                                        options.coordinator, &history);
    for (std::uint32_t i = 0; i < options.participants; ++i) {
      resources.push_back(std::make_unique<KeyResource>());
      participants.push_back(std::make_unique<TwoPhaseParticipant>(
          network.node(i), 0, *resources.back(), options.participant, tm.id(), &history));
      hosts.push_back(std::make_unique<ParticipantHost>(network.node(i)));
      hosts.back()->add(*participants.back());
      const bool here = network.node(i).id() == tm.id();
      if (here) {
        participants.back()->set_local_coordinator(coordinator.get());
        coordinator->set_local_participants(hosts.back().get());
      }
      install_node_hooks(network.node(i), hosts.back().get(), here ? coordinator.get() : nullptr);
    }
    if (!options.colocated) install_node_hooks(tm, nullptr, coordinator.get());
  }

  static net::NetworkConfig network_config(const SystemOptions& options) {
    net::NetworkConfig config;
    config.default_latency = net::LatencyModel::constant(options.latency_ms);
    return config;
  }

  PartSet in_doubt() const {
    PartSet out;
    for (const auto& p : participants) {
      for (const auto& op : p->in_doubt_records()) out.insert({op.txn, op.part});
    }
    return out;
  }
  std::vector<check::CheckResult> checks(sim::Time now) const {
    const auto doubt = in_doubt();
    auto effect = [this](TxnId txn, std::uint32_t part) { return participants[part]->effect_present(txn); };
    return {check_atomicity(history, coordinator->routes(), effect, doubt, now),
            check_in_doubt_resolved(doubt, now)};
  }
  /// The outcome part `part` applied for `txn` (kNone if it has not).
  Outcome applied(TxnId txn, std::uint32_t part, sim::Time* at = nullptr) const {
    for (const auto& p : history.parts()) {
      if (p.txn == txn && p.part == part) {
        if (at != nullptr) *at = p.at;
        return p.outcome;
      }
    }
    return Outcome::kNone;
  }

  net::Network network;
  TwoPhaseHistory history;
  std::unique_ptr<TwoPhaseCoordinator> coordinator;
  std::vector<std::unique_ptr<KeyResource>> resources;
  std::vector<std::unique_ptr<TwoPhaseParticipant>> participants;
  std::vector<std::unique_ptr<ParticipantHost>> hosts;
};

}  // namespace txsim::twopc::testing
