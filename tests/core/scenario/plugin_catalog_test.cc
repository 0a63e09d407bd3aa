// Typed plugin parameters: check_param_value accepts exactly the well-typed values in range.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/scenario/plugin_catalog.h"

namespace txsim::scenario {
namespace {

ParamSpec spec(ParamType type, double min, double max) {
  ParamSpec p;
  p.name = "p";
  p.type = type;
  p.min = min;
  p.max = max;
  return p;
}

TEST(PluginCatalog, BoolAcceptsOnlyTrueAndFalse) {
  ParamSpec p;
  p.type = ParamType::kBool;
  EXPECT_FALSE(check_param_value(p, "true"));
  EXPECT_FALSE(check_param_value(p, "false"));
  EXPECT_TRUE(check_param_value(p, "yes"));
  EXPECT_TRUE(check_param_value(p, ""));
}

TEST(PluginCatalog, IntRejectsFractionsTrailingTextAndOutOfRange) {
  const ParamSpec p = spec(ParamType::kInt, 1, 10);
  EXPECT_FALSE(check_param_value(p, "10"));
  EXPECT_TRUE(check_param_value(p, "2.5"));
  EXPECT_TRUE(check_param_value(p, "3x"));
  EXPECT_TRUE(check_param_value(p, "0"));
  EXPECT_THAT(*check_param_value(p, "11"), ::testing::HasSubstr("an integer in [1, 10]"));
}

TEST(PluginCatalog, DoubleRejectsNanAndInfinity) {
  const ParamSpec p = spec(ParamType::kDouble, -1e9, 1e9);
  EXPECT_TRUE(check_param_value(p, "nan"));
  EXPECT_TRUE(check_param_value(p, "inf"));
  EXPECT_FALSE(check_param_value(p, "-2.5e3"));
}

TEST(PluginCatalog, EnumListsAllowedValues) {
  ParamSpec p;
  p.type = ParamType::kEnum;
  p.allowed = {"live", "video"};
  EXPECT_FALSE(check_param_value(p, "live"));
  EXPECT_EQ(*check_param_value(p, "Live"), "is 'Live'; expected one of live, video");
}

// An integer parameter accepts exactly the integers within its bounds (model: the comparison).
RC_GTEST_PROP(PluginCatalogProperty, IntAcceptedIffInRange, (int value)) {
  const ParamSpec p = spec(ParamType::kInt, -100, 100);
  RC_ASSERT(!check_param_value(p, std::to_string(value)) == (value >= -100 && value <= 100));
}

}  // namespace
}  // namespace txsim::scenario
