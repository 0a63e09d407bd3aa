// Tests of coroutine processes: sleeping, awaiting children, exceptions, cancellation, order.
#include "core/sim/task.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "core/sim/simulator.h"

namespace txsim::sim {
namespace {

Task<void> sleeper(Simulator& sim, Duration d, std::vector<std::int64_t>& woke_at) {
  co_await sim.sleep(d);
  woke_at.push_back(sim.now().ns());
}

TEST(Task, SleepAdvancesVirtualTimeExactly) {
  Simulator sim(1);
  std::vector<std::int64_t> woke_at;
  auto process = [](Simulator& s, std::vector<std::int64_t>& out) -> Task<void> {
    co_await s.sleep(nanoseconds(1));
    out.push_back(s.now().ns());
    co_await s.sleep(milliseconds(3));
    out.push_back(s.now().ns());
    co_await s.sleep(seconds(2));
    out.push_back(s.now().ns());
  };
  sim.spawn(process(sim, woke_at));
  EXPECT_EQ(sim.run(), StopReason::kQuiescent);
  EXPECT_EQ(woke_at, (std::vector<std::int64_t>{1, 3'000'001, 2'003'000'001}));
  // One spawn event plus one resume per sleep.
  EXPECT_EQ(sim.events_processed(), 4u);
}

Task<int> add_later(Simulator& sim, int a, int b) {
  co_await sim.sleep(milliseconds(1));
  co_return a + b;
}

Task<int> nested(Simulator& sim, int depth) {
  if (depth == 0) co_return 1;
  const int below = co_await nested(sim, depth - 1);
  co_return below + 1;
}

TEST(Task, AwaitingAChildReturnsItsValue) {
  Simulator sim(1);
  int result = 0;
  int deep = 0;
  auto parent = [](Simulator& s, int& out, int& deep_out) -> Task<void> {
    out = co_await add_later(s, 20, 22);
    // A chain of children that finish without suspending.
    deep_out = co_await nested(s, 1'000);
  };
  sim.spawn(parent(sim, result, deep));
  sim.run();
  EXPECT_EQ(result, 42);
  EXPECT_EQ(deep, 1'001);
  EXPECT_EQ(sim.now(), Time::zero() + milliseconds(1));
}

Task<std::string> move_only_result(Simulator& sim) {
  co_await sim.sleep(nanoseconds(5));
  co_return std::string(100, 'x');
}

TEST(Task, ChildResultIsMovedOut) {
  Simulator sim(1);
  std::size_t length = 0;
  auto parent = [](Simulator& s, std::size_t& out) -> Task<void> {
    const std::string value = co_await move_only_result(s);
    out = value.size();
  };
  sim.spawn(parent(sim, length));
  sim.run();
  EXPECT_EQ(length, 100u);
}

Task<int> failing_child(Simulator& sim) {
  co_await sim.sleep(milliseconds(1));
  throw std::runtime_error("child failed");
}

TEST(Task, ChildExceptionPropagatesToTheAwaiter) {
  Simulator sim(1);
  std::string caught;
  auto parent = [](Simulator& s, std::string& out) -> Task<void> {
    try {
      co_await failing_child(s);
    } catch (const std::runtime_error& e) {
      out = e.what();
    }
    co_await s.sleep(milliseconds(1));  // the parent carries on normally
  };
  sim.spawn(parent(sim, caught));
  EXPECT_EQ(sim.run(), StopReason::kQuiescent);
  EXPECT_EQ(caught, "child failed");
  EXPECT_EQ(sim.now(), Time::zero() + milliseconds(2));
}

TEST(Task, RootExceptionIsRethrownByRun) {
  Simulator sim(1);
  auto root = [](Simulator& s) -> Task<void> {
    co_await s.sleep(milliseconds(7));
    throw std::logic_error("invariant broken");
  };
  sim.spawn(root(sim));
  try {
    sim.run();
    FAIL() << "run() returned normally";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "invariant broken");
  }
  EXPECT_EQ(sim.now(), Time::zero() + milliseconds(7)) << "the run stops at the failing event";
  EXPECT_EQ(sim.root_group().size(), 0u) << "the failed root was unlinked";
}

TEST(Task, UncaughtChildExceptionStopsTheRun) {
  Simulator sim(1);
  auto root = [](Simulator& s) -> Task<void> { co_await failing_child(s); };
  sim.spawn(root(sim));
  EXPECT_THROW(sim.run(), std::runtime_error);
}

// Counts live instances so that a test can see destructors of coroutine locals run.
struct Tracked {
  static inline int alive = 0;
  Tracked() { ++alive; }
  ~Tracked() { --alive; }
  Tracked(const Tracked&) = delete;
  Tracked& operator=(const Tracked&) = delete;
};

Task<void> sleeping_child(Simulator& sim, int& resumed) {
  Tracked local;
  co_await sim.sleep(seconds(10));
  ++resumed;
}

Task<void> long_sleeper(Simulator& sim, int& resumed) {
  Tracked local;
  co_await sleeping_child(sim, resumed);  // a chain: root -> child, child sleeping
  ++resumed;
}

TEST(ProcessGroup, CancelAllDestroysSleepingProcessesAndCancelsTheirTimers) {
  Simulator sim(1);
  Tracked::alive = 0;
  int resumed = 0;
  {
    ProcessGroup node(sim);
    for (int i = 0; i < 3; ++i) sim.spawn(long_sleeper(sim, resumed), &node);
    std::vector<std::int64_t> woke_at;
    sim.spawn(sleeper(sim, seconds(20), woke_at));  // outside the group: must survive
    sim.run(Time::zero() + seconds(1));             // everyone started and is asleep
    EXPECT_EQ(node.size(), 3u);
    EXPECT_EQ(Tracked::alive, 6) << "root and child locals of 3 processes";
    EXPECT_EQ(sim.queue().live_size(), 4u) << "3 group timers + 1 outside";

    EXPECT_EQ(node.cancel_all(), 3u);
    EXPECT_EQ(node.size(), 0u);
    EXPECT_EQ(Tracked::alive, 0) << "destructors of locals ran";
    EXPECT_EQ(sim.queue().live_size(), 1u) << "pending timers of the group were cancelled";

    EXPECT_EQ(sim.run(), StopReason::kQuiescent);
    EXPECT_EQ(resumed, 0) << "no cancelled process resumed";
    EXPECT_EQ(woke_at, (std::vector<std::int64_t>{20'000'000'000}));
  }
}

TEST(ProcessGroup, CancelBeforeStartCancelsTheSpawnEvent) {
  Simulator sim(1);
  int resumed = 0;
  ProcessGroup node(sim);
  sim.spawn(long_sleeper(sim, resumed), &node);
  EXPECT_EQ(sim.queue().live_size(), 1u);
  EXPECT_EQ(node.cancel_all(), 1u);
  EXPECT_EQ(sim.queue().live_size(), 0u);
  EXPECT_EQ(sim.run(), StopReason::kQuiescent);
  EXPECT_EQ(sim.events_processed(), 0u);
  EXPECT_EQ(resumed, 0);
}

TEST(ProcessGroup, FinishedProcessesLeaveTheGroup) {
  Simulator sim(1);
  ProcessGroup node(sim);
  std::vector<std::int64_t> woke_at;
  sim.spawn(sleeper(sim, milliseconds(1), woke_at), &node);
  sim.spawn(sleeper(sim, milliseconds(5), woke_at), &node);
  EXPECT_EQ(node.size(), 2u);
  sim.run(Time::zero() + milliseconds(2));
  EXPECT_EQ(node.size(), 1u);
  sim.run();
  EXPECT_EQ(node.size(), 0u);
  EXPECT_EQ(node.cancel_all(), 0u);
}

TEST(ProcessGroup, DestroyingTheSimulatorEndsRemainingProcesses) {
  Tracked::alive = 0;
  int resumed = 0;
  {
    Simulator sim(1);
    sim.spawn(long_sleeper(sim, resumed));
    sim.run(Time::zero() + seconds(1));
    EXPECT_EQ(Tracked::alive, 2);
  }
  EXPECT_EQ(Tracked::alive, 0);
  EXPECT_EQ(resumed, 0);
}

TEST(Task, SpawnOrderIsFifoAtEqualTimes) {
  Simulator sim(1);
  std::vector<int> order;
  auto process = [](Simulator& s, std::vector<int>& out, int id) -> Task<void> {
    out.push_back(id);
    co_await s.sleep(milliseconds(1));  // all wake at the same time, in the order they slept
    out.push_back(100 + id);
  };
  for (int i = 0; i < 5; ++i) sim.spawn(process(sim, order, i));
  sim.run();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 100, 101, 102, 103, 104}));
}

struct Marker {
  std::vector<std::string>* log;
  static void fire(void* self, std::uint64_t) {
    static_cast<Marker*>(self)->log->push_back("callback");
  }
};

TEST(Task, SleepZeroYieldsAfterEventsAlreadyDue) {
  Simulator sim(1);
  std::vector<std::string> log;
  Marker marker{&log};
  const std::uint32_t kind = sim.register_kind("marker");
  auto process = [](Simulator& s, std::vector<std::string>& out, Marker& m,
                    std::uint32_t k) -> Task<void> {
    co_await s.sleep(milliseconds(1));
    // Due now, scheduled before the yield: must run before this process continues.
    s.schedule_after(Duration{}, k, &Marker::fire, &m);
    out.push_back("before yield");
    co_await s.sleep(Duration{});
    out.push_back("after yield");
    EXPECT_EQ(s.now(), Time::zero() + milliseconds(1)) << "a zero sleep does not move time";
  };
  sim.spawn(process(sim, log, marker, kind));
  sim.run();
  EXPECT_EQ(log, (std::vector<std::string>{"before yield", "callback", "after yield"}));
}

TEST(Task, SpawnedProcessStartsAfterEventsAlreadyDue) {
  Simulator sim(1);
  std::vector<std::string> log;
  Marker marker{&log};
  const std::uint32_t kind = sim.register_kind("marker");
  sim.schedule_at(Time::zero(), kind, &Marker::fire, &marker);
  auto process = [](std::vector<std::string>& out) -> Task<void> {
    out.push_back("process");
    co_return;
  };
  sim.spawn(process(log));
  sim.run();
  EXPECT_EQ(log, (std::vector<std::string>{"callback", "process"}));
}

TEST(Task, NegativeSleepThrowsIntoTheProcess) {
  Simulator sim(1);
  bool caught = false;
  auto process = [](Simulator& s, bool& out) -> Task<void> {
    try {
      co_await s.sleep(nanoseconds(-1));
    } catch (const std::logic_error&) {
      out = true;
    }
  };
  sim.spawn(process(sim, caught));
  sim.run();
  EXPECT_TRUE(caught);
}

TEST(Task, UnstartedTaskIsDestroyedWithoutRunning) {
  Simulator sim(1);
  Tracked::alive = 0;
  int resumed = 0;
  {
    Task<void> never_started = long_sleeper(sim, resumed);
    EXPECT_EQ(Tracked::alive, 0) << "tasks start lazily";
  }
  EXPECT_EQ(sim.queue().live_size(), 0u);
  EXPECT_EQ(resumed, 0);
}

}  // namespace
}  // namespace txsim::sim
