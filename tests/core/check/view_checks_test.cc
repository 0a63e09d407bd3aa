// The view checkers on hand-made apply histories and hand-made views: each violation kind is
// found and named, a clean history or view passes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "core/check/view_checks.h"

namespace txsim::check {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

sim::Time at_ms(std::int64_t ms) { return sim::Time::zero() + sim::milliseconds(ms); }

// Replicas A, B; one view "feed"; sources ingest (0) and publish (1).
ViewApplyHistory applies(std::vector<ViewApply> list) {
  return {{"A", "B"}, {"feed"}, {"ingest", "publish"}, std::move(list)};
}

ViewApply apply(std::uint32_t replica, std::uint64_t aggregate, std::uint32_t source,
                std::uint64_t version, std::int64_t ms) {
  return {replica, 0, aggregate, source, version, at_ms(ms)};
}

TEST(ProjectionEffectOnce, EachEventOnceInOrderPasses) {
  // Both replicas apply action (1) then compensation (2) of ingest once each; publish's action
  // may interleave anywhere: order is per source.
  const auto r = check_projection_effect_once(applies(
      {apply(0, 7, 0, 1, 10), apply(0, 7, 1, 1, 11), apply(0, 7, 0, 2, 12), apply(1, 7, 1, 1, 10),
       apply(1, 7, 0, 1, 13), apply(1, 7, 0, 2, 14)}));
  EXPECT_TRUE(r.passed()) << r.summary;
  EXPECT_EQ(r.name, "projection_effect_once");
}

TEST(ProjectionEffectOnce, DuplicateApplyIsOneViolationNamingTimesAndReplica) {
  // Replica B applies ingest's action of aggregate 7 three times; A once.
  const auto r = check_projection_effect_once(applies(
      {apply(0, 7, 0, 1, 10), apply(1, 7, 0, 1, 10), apply(1, 7, 0, 1, 20), apply(1, 7, 0, 1, 30)}));
  ASSERT_EQ(r.violations, 1u);
  ASSERT_EQ(r.examples.size(), 1u);
  EXPECT_EQ(r.examples[0].subject, "replica B, view feed");
  EXPECT_THAT(r.examples[0].detail, AllOf(HasSubstr("aggregate 7"), HasSubstr("from ingest"),
                                          HasSubstr("applied 3 times"), HasSubstr("0.020000 s")));
  EXPECT_EQ(r.examples[0].at, at_ms(20));  // the first repeat is the witness
  EXPECT_THAT(r.summary, HasSubstr("1 events applied more than once (2 extra applies)"));
}

TEST(ProjectionEffectOnce, OlderEventAfterNewerIsOutOfOrder) {
  // A applies the compensation (2) of step 0 first, then its action (1): the action undoes the
  // compensation. Not a duplicate.
  const auto r = check_projection_effect_once(applies({apply(0, 7, 0, 2, 10), apply(0, 7, 0, 1, 11)}));
  ASSERT_EQ(r.violations, 1u);
  EXPECT_THAT(r.examples[0].detail, AllOf(HasSubstr("out of order"), HasSubstr("after source version 2"),
                                          HasSubstr("action of step 0")));
}

TEST(ProjectionEffectOnce, RedeliveredOlderEventCountsAsBothKinds) {
  // Action, compensation, then the action again: applied twice and out of order.
  const auto r = check_projection_effect_once(
      applies({apply(0, 7, 0, 1, 10), apply(0, 7, 0, 2, 11), apply(0, 7, 0, 1, 12)}));
  EXPECT_EQ(r.violations, 2u);
}

TEST(ProjectionEffectOnce, SameEventInTwoReplicasOrViewsIsNoDuplicate) {
  ViewApplyHistory h{{"A", "B"}, {"feed", "copy"}, {"ingest"}, {}};
  h.applies = {{0, 0, 7, 0, 1, at_ms(1)}, {0, 1, 7, 0, 1, at_ms(1)}, {1, 0, 7, 0, 1, at_ms(2)}};
  EXPECT_TRUE(check_projection_effect_once(h).passed());
}

TEST(ProjectionEffectOnce, MalformedApplyIsRejected) {
  EXPECT_THROW(check_projection_effect_once(applies({apply(2, 7, 0, 1, 1)})), std::invalid_argument);
  EXPECT_THROW(check_projection_effect_once(applies({apply(0, 7, 5, 1, 1)})), std::invalid_argument);
  EXPECT_THROW(check_projection_effect_once(applies({apply(0, 7, 0, 0, 1)})), std::invalid_argument);
}

// Expected view: aggregate 1 published (version 3), aggregate 2 compensated (version 4, flags
// show the compensation); no aggregate 3.
ReplicaViews expected_views() {
  return {"expected",
          {{{1, {{"version", "3"}, {"flags", "media+description+published"}}},
            {2, {{"version", "4"}, {"flags", "compensated"}}}}}};
}

CheckResult converge(const ReplicaViews& replica) {
  return check_view_convergence({"feed"}, expected_views(), {replica}, at_ms(50));
}

TEST(ViewConvergence, EqualViewsPass) {
  ReplicaViews same = expected_views();
  same.name = "A";
  const auto r = check_view_convergence({"feed"}, expected_views(), {same, same}, at_ms(50));
  EXPECT_TRUE(r.passed()) << r.summary;
  EXPECT_EQ(r.name, "convergence");
}

TEST(ViewConvergence, MissingRowIsReported) {
  ReplicaViews a = expected_views();
  a.name = "A";
  a.views[0].erase(1);
  const auto r = converge(a);
  ASSERT_EQ(r.violations, 1u);
  EXPECT_EQ(r.examples[0].subject, "replica A, view feed");
  EXPECT_THAT(r.examples[0].detail, AllOf(HasSubstr("missing row of aggregate 1"), HasSubstr("version=3")));
  EXPECT_EQ(r.examples[0].at, at_ms(50));
}

TEST(ViewConvergence, WrongFieldIsReportedWithBothValues) {
  ReplicaViews a = expected_views();
  a.name = "A";
  a.views[0][1]["flags"] = "media+description";  // the publish event never applied
  const auto r = converge(a);
  ASSERT_EQ(r.violations, 1u);
  EXPECT_THAT(r.examples[0].detail,
              AllOf(HasSubstr("aggregate 1"),
                    HasSubstr("field flags is media+description, expected media+description+published")));
}

TEST(ViewConvergence, ExtraRowIsReported) {
  // Replica B still shows aggregate 3, an upload whose events were all rolled back with their
  // local transactions (nothing committed creates its row).
  ReplicaViews b = expected_views();
  b.name = "B";
  b.views[0][3] = {{"version", "2"}, {"flags", "media+description"}};
  const auto r = converge(b);
  ASSERT_EQ(r.violations, 1u);
  EXPECT_EQ(r.examples[0].subject, "replica B, view feed");
  EXPECT_THAT(r.examples[0].detail, HasSubstr("extra row of aggregate 3"));
}

TEST(ViewConvergence, MissingAndExtraFieldsAreDifferences) {
  ReplicaViews a = expected_views();
  a.name = "A";
  a.views[0][1].erase("flags");
  a.views[0][2]["note"] = "x";
  const auto r = converge(a);
  ASSERT_EQ(r.violations, 2u);
  EXPECT_THAT(r.examples[0].detail, HasSubstr("field flags is missing"));
  EXPECT_THAT(r.examples[1].detail, HasSubstr("field note is x, expected no such field"));
}

TEST(ViewConvergence, WrongNumberOfViewsIsRejected) {
  ReplicaViews a{"A", {}};
  EXPECT_THROW(converge(a), std::invalid_argument);
}

}  // namespace
}  // namespace txsim::check
