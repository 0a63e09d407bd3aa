#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/cqrs/projection.h"

namespace txsim::cqrs {
namespace {

DomainEvent event(std::uint32_t service, EventKind kind, bool compensation = false) {
  return {7, service, service, compensation, kind};
}

// An upload's events in commit order with their run-wide versions 1, 2, 3...
std::vector<std::pair<DomainEvent, std::uint64_t>> upload(bool rolled_back) {
  std::vector<std::pair<DomainEvent, std::uint64_t>> out = {
      {event(0, EventKind::kIngested), 1}, {event(1, EventKind::kDescribed), 2}};
  if (rolled_back) {
    out.push_back({event(1, EventKind::kDescribed, true), 3});
    out.push_back({event(0, EventKind::kIngested, true), 4});
  } else {
    out.push_back({event(2, EventKind::kPublished), 3});
  }
  return out;
}

TEST(ProjectionTest, FeedEntryVisibleOncePublishedAndHiddenByCompensation) {
  const auto feed = make_projection("feed.join", {}, true);
  ViewEntry published;
  for (const auto& [e, v] : upload(false)) {
    EXPECT_FALSE(feed->visible(published));
    feed->apply(published, e, v);
  }
  EXPECT_TRUE(feed->visible(published));
  EXPECT_EQ(published.global_version, 3u);
  ViewEntry rolled_back;
  for (const auto& [e, v] : upload(true)) feed->apply(rolled_back, e, v);
  EXPECT_FALSE(feed->visible(rolled_back));
}

TEST(ProjectionTest, WithoutIdempotenceARedeliveredOlderEventWinsAndCountsTwice) {
  const auto feed = make_projection("feed.join", {}, false);
  ViewEntry e;
  for (const auto& [ev, v] : upload(false)) feed->apply(e, ev, v);
  EXPECT_TRUE(feed->apply(e, event(0, EventKind::kIngested), 1));
  EXPECT_EQ(e.global_version, 1u);   // went back
  EXPECT_EQ(e.applications, 4u);     // the ingest event took effect twice
}

TEST(ProjectionTest, EntrySurvivesSerialization) {
  const auto feed = make_projection("feed.join", {}, true);
  ViewEntry e;
  for (const auto& [ev, v] : upload(true)) feed->apply(e, ev, v);
  EXPECT_EQ(ViewEntry::parse(e.serialize()), e);
  EXPECT_THROW(ViewEntry::parse("x"), std::invalid_argument);
  EXPECT_THROW(make_projection("feed.nope", {}, true), std::invalid_argument);
}

TEST(ProjectionTest, SourcesFilterEvents) {
  const auto copy = make_projection("view.copy", {1}, true);
  EXPECT_FALSE(copy->accepts(event(0, EventKind::kIngested)));
  EXPECT_TRUE(copy->accepts(event(1, EventKind::kDescribed)));
}

// Invariant: an idempotent projection that receives its events in order, each redelivered any
// number of times at any later point (at-least-once), ends in the same entry as with every
// event delivered exactly once, and applies each event exactly once.
RC_GTEST_PROP(ProjectionProperty, IdempotentProjectionAbsorbsRedeliveries, ()) {
  const bool rolled_back = *rc::gen::arbitrary<bool>();
  const std::string type = *rc::gen::element<std::string>("feed.join", "view.copy");
  const auto events = upload(rolled_back);
  const auto projection = make_projection(type, {}, true);
  ViewEntry once;
  for (const auto& [e, v] : events) projection->apply(once, e, v);

  ViewEntry redelivered;
  std::vector<std::size_t> delivered;  // indexes delivered so far
  for (std::size_t i = 0; i < events.size(); ++i) {
    delivered.push_back(i);
    projection->apply(redelivered, events[i].first, events[i].second);
    const auto extra = *rc::gen::inRange<std::size_t>(0, 4);
    for (std::size_t k = 0; k < extra; ++k) {
      const std::size_t again = delivered[*rc::gen::inRange<std::size_t>(0, delivered.size())];
      RC_ASSERT(!projection->apply(redelivered, events[again].first, events[again].second));
    }
  }
  RC_ASSERT(redelivered == once);
  RC_ASSERT(redelivered.applications == events.size());
}

}  // namespace
}  // namespace txsim::cqrs
