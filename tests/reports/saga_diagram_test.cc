#include "reports/saga_diagram.h"

#include <gtest/gtest.h>

#include <google/protobuf/text_format.h>

#include "core/txn/saga/saga_graph.h"

namespace txsim::reports {
namespace {

// reserve (a) and charge (b) run in parallel on two services, ship (c) is the pivot after both,
// email (d) is retriable after ship. Vertex ids follow step order: a=0, b=1, c=2, d=3.
scenario::Saga order_saga() {
  scenario::Saga saga;
  google::protobuf::TextFormat::ParseFromString(R"pb(
    name: "order"
    step { name: "reserve" service: "stock" compensation: "release" }
    step { name: "charge" service: "payments" action: "debit" compensation: "refund" }
    step { name: "ship" service: "stock" kind: PIVOT after: ["reserve", "charge"] }
    step { name: "email" service: "mail" kind: RETRIABLE after: "ship" }
  )pb", &saga);
  return saga;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(SagaDot, StepsAreNodesMarkedByKind) {
  const auto dot = saga_to_dot(order_saga());
  EXPECT_EQ(dot.rfind("digraph G {", 0), 0u);
  EXPECT_NE(dot.find("0[label=\"reserve\\nundo: release\", shape=box, style=filled"),
            std::string::npos);
  EXPECT_NE(dot.find("1[label=\"charge\\ndebit\\nundo: refund\""), std::string::npos);
  EXPECT_NE(dot.find("2[label=\"ship\\n(pivot)\", shape=doubleoctagon"), std::string::npos);
  EXPECT_NE(dot.find("3[label=\"email\\n(retriable)\", shape=box, style=\"rounded,filled\""),
            std::string::npos);
}

TEST(SagaDot, ForwardEdgesSolidCompensationEdgesDashedInReverse) {
  const auto dot = saga_to_dot(order_saga());
  EXPECT_NE(dot.find("0->2 [style=solid]"), std::string::npos);
  EXPECT_NE(dot.find("1->2 [style=solid]"), std::string::npos);
  EXPECT_NE(dot.find("2->3 [style=solid]"), std::string::npos);
  // When ship fails, reserve and charge are undone; ship and email have no compensation.
  EXPECT_NE(dot.find("2->0 [style=dashed"), std::string::npos);
  EXPECT_NE(dot.find("2->1 [style=dashed"), std::string::npos);
  EXPECT_EQ(dot.find("3->2 [style=dashed"), std::string::npos);
  // 3 forward + 2 compensation edges between steps (legend edges use legend_* names).
  EXPECT_EQ(count(dot, "[style=solid]"), 3u);
  EXPECT_EQ(count(dot, "[style=dashed"), 2u);
}

TEST(SagaDot, ServicesAreClustersAndParallelStepsShareARank) {
  const auto dot = saga_to_dot(order_saga());
  EXPECT_NE(dot.find("subgraph cluster_service_0 { label=\"stock\";"), std::string::npos);
  EXPECT_NE(dot.find("; 0; 2; }"), std::string::npos);  // stock holds reserve and ship
  EXPECT_NE(dot.find("subgraph cluster_service_1 { label=\"payments\";"), std::string::npos);
  EXPECT_NE(dot.find("subgraph cluster_service_2 { label=\"mail\";"), std::string::npos);
  EXPECT_NE(dot.find("{ rank=same; 0; 1; }"), std::string::npos);
  EXPECT_NE(dot.find("subgraph cluster_legend"), std::string::npos);
}

TEST(SagaDot, QuotesAreEscapedInLabels) {
  scenario::Saga saga;
  auto* step = saga.add_step();
  step->set_name("say \"hi\"");
  step->set_service("s");
  EXPECT_NE(saga_to_dot(saga).find("label=\"say \\\"hi\\\"\""), std::string::npos);
}

TEST(SagaDot, CycleIsAnError) {
  auto saga = order_saga();
  saga.mutable_step(0)->add_after("email");
  EXPECT_THROW(saga_to_dot(saga), saga::SagaGraphError);
}

TEST(GraphvizRender, SvgHasOneNodePerStepAndLegendEntry) {
  const auto svg = render_graphviz(saga_to_dot(order_saga()), "svg");
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.rfind("</svg>"), std::string::npos);
  EXPECT_EQ(count(svg, "class=\"node\""), 4u + 3u);     // 4 steps, 3 legend nodes
  EXPECT_EQ(count(svg, "class=\"cluster\""), 3u + 1u);  // 3 services, the legend
  EXPECT_EQ(count(svg, "class=\"edge\""), 3u + 2u + 2u);  // forward, compensation, legend
}

TEST(GraphvizRender, PngHasThePngSignature) {
  const auto png = render_graphviz("digraph { a -> b }", "png");
  ASSERT_GT(png.size(), 8u);
  EXPECT_EQ(png.substr(1, 3), "PNG");
}

TEST(GraphvizRender, BadInputThrows) {
  EXPECT_THROW(render_graphviz("digraph { a -> ", "svg"), std::runtime_error);
  EXPECT_THROW(render_graphviz("digraph { a }", "no-such-format"), std::runtime_error);
}

}  // namespace
}  // namespace txsim::reports
