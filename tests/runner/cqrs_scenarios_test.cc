// The shipped CQRS scenarios, run through the saga runner, with the read history they record
// checked against what each scenario's header says it shows. The figures are derived from the
// history here (independently of the freshness checkers).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <tuple>

#include "core/scenario/loader.h"
#include "plugins/registry.h"
#include "runner/saga_scenario.h"

namespace txsim::runner {
namespace {

struct CqrsRun {
  check::ReadHistory history;
  std::uint64_t committed_sagas = 0;
};

CqrsRun run(const std::string& file, const std::vector<std::string>& overrides = {}) {
  const auto loaded = scenario::load_scenario_file(std::string(TXSIM_SOURCE_DIR) + "/" + file,
                                                   plugins::registry(), overrides);
  sim::Simulator simulator(loaded.scenario.seed());
  const sim::Time arrivals_end = sim::Time::zero() + sim::duration_from_seconds(loaded.scenario.stop().arrivals_s());
  const sim::Time limit = arrivals_end + sim::duration_from_seconds(loaded.scenario.stop().drain_s());
  SagaScenario sagas(simulator, loaded, arrivals_end);
  sagas.start();
  while (simulator.now() < limit) {
    simulator.run(std::min(limit, simulator.now() + sim::milliseconds(100)));
    if (simulator.now() >= arrivals_end && sagas.done()) break;
  }
  CqrsRun r;
  r.history = sagas.cqrs()->finish(simulator.now());
  r.committed_sagas = sagas.world().orchestrator().stats().committed;
  return r;
}

// (replica, aggregate, version) -> times applied.
std::map<std::tuple<std::uint32_t, std::uint64_t, std::uint64_t>, int> applies(const check::ReadHistory& h) {
  std::map<std::tuple<std::uint32_t, std::uint64_t, std::uint64_t>, int> out;
  for (const auto& a : h.applies) ++out[{a.replica, a.aggregate, a.version}];
  return out;
}

TEST(CqrsScenarios, FeedConvergesEveryReplicaAppliesEveryCommitOnce) {
  const CqrsRun r = run("scenarios/cqrs/feed.textproto", {"stop.arrivals_s=5", "stop.drain_s=10"});
  const auto& h = r.history;
  ASSERT_EQ(h.replica_names.size(), 3u);
  // Three events (ingest, describe, publish) per committed upload, numbered 1..3.
  EXPECT_EQ(h.commits.size(), 3 * r.committed_sagas);
  const auto applied = applies(h);
  for (const auto& c : h.commits) {
    for (std::uint32_t replica = 0; replica < 3; ++replica) {
      const auto it = applied.find({replica, c.aggregate, c.version});
      ASSERT_NE(it, applied.end()) << "replica " << replica << " never applied " << c.aggregate;
      EXPECT_EQ(it->second, 1);
    }
  }
  EXPECT_EQ(h.applies.size(), 3 * h.commits.size());
  EXPECT_GT(h.reads.size(), 0u);
}

}  // namespace
}  // namespace txsim::runner
