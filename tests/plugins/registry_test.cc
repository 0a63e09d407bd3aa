// The plugin registry: registration rejects inconsistent declarations, lookups are by kind and
// name, listing is sorted, and every built-in declaration is consistent.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "plugins/registry.h"

namespace txsim::plugins {
namespace {

using ::testing::HasSubstr;

TEST(PluginRegistry, RegisteringAServiceTakesAFewLines) {
  Registry r;
  auto& spec = r.add_service("shop.cart", "holds a cart",
                             {double_param("fail_probability", 0.1, 0, 1, "failures"),
                              enum_param("mode", {"a", "b"}, "a", "mode")});
  spec.implemented = true;
  const auto* found = r.find(PluginKind::kService, "shop.cart");
  ASSERT_NE(found, nullptr);
  EXPECT_TRUE(found->implemented);
  EXPECT_EQ(found->param("mode")->allowed.size(), 2u);
  EXPECT_EQ(found->param("fail_probability")->default_value, "0.1");
  EXPECT_EQ(r.find(PluginKind::kProjection, "shop.cart"), nullptr);
}

TEST(PluginRegistry, DuplicateNameOfTheSameKindIsABug) {
  Registry r;
  r.add_service("x", "first");
  EXPECT_THROW(r.add_service("x", "again"), std::logic_error);
  EXPECT_NO_THROW(r.add_projection("x", "another kind, same name"));
}

TEST(PluginRegistry, InconsistentParametersAreBugs) {
  Registry r;
  EXPECT_THROW(r.add_service("a", "", {bool_param("p", true, ""), bool_param("p", false, "")}),
               std::logic_error);
  EXPECT_THROW(r.add_service("b", "", {double_param("p", 2, 0, 1, "default out of range")}),
               std::logic_error);
  EXPECT_THROW(r.add_service("c", "", {enum_param("p", {"x"}, "y", "default not allowed")}),
               std::logic_error);
  EXPECT_THROW(r.add_service("", ""), std::logic_error);
}

TEST(PluginRegistry, ListIsSortedByName) {
  Registry r;
  r.add_check("zeta", "");
  r.add_check("alpha", "");
  r.add_check("mid", "");
  const auto list = r.list(PluginKind::kCheck);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0]->name, "alpha");
  EXPECT_EQ(list[2]->name, "zeta");
}

TEST(PluginRegistry, BuiltinsAreRegisteredOnceAndConsistent) {
  const Registry& r = registry();
  EXPECT_EQ(&r, &registry());
  for (const char* service : {"upload.ingest", "upload.description", "upload.publish", "upload.notify"}) {
    EXPECT_NE(r.find(PluginKind::kService, service), nullptr) << service;
  }
  const auto* open_queue = r.find(PluginKind::kWorkload, "open_queue");
  ASSERT_NE(open_queue, nullptr);
  EXPECT_TRUE(open_queue->implemented);
  EXPECT_NE(r.find(PluginKind::kProtocol, "two_phase_commit"), nullptr);
  EXPECT_NE(r.find(PluginKind::kCheck, "queueing_theory"), nullptr);
}

TEST(PluginRegistry, DescribeShowsTypesRangesDefaultsAndStatus) {
  Registry r;
  r.add_service("s", "a service", {double_param("p", 0.5, 0, 1, "a probability")});
  const std::string text = describe(r);
  EXPECT_THAT(text, HasSubstr("services:\n  s  [not implemented yet]\n"));
  EXPECT_THAT(text, HasSubstr("p (double, 0..1, default 0.5)  a probability"));
}

}  // namespace
}  // namespace txsim::plugins
