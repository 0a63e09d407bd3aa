// Saga diagrams: a saga definition drawn with Graphviz.
//
// The saga's step DAG (core/txn/saga/saga_graph.h) is copied into a drawing graph that also
// holds the compensation edges, then written as DOT with boost::write_graphviz and custom
// property writers:
// - steps are nodes labelled with the step, its action (when it differs from the step name)
//   and its compensation; compensatable steps are plain boxes, the pivot a double octagon,
//   retriable steps rounded boxes (a legend cluster explains the marks);
// - forward edges (u -> v: v runs after u) are solid;
// - compensation edges are dashed and run in reverse: v -> u for every forward edge u -> v
//   where u has a compensation (when v fails or has been undone, u is undone next);
// - steps at the same depth are in the same rank (parallel branches side by side);
// - each service is a cluster (subgraph cluster_*).
// render_graphviz lays the DOT out in-process with Graphviz's libgvc.
#pragma once

#include <string>

#include "txsim/scenario.pb.h"

namespace txsim::reports {

/// The DOT text of `saga`. Throws saga::SagaGraphError for a saga that is not a DAG.
std::string saga_to_dot(const scenario::Saga& saga);

/// Lays out `dot` with the dot engine and renders it as `format` ("svg", "png" or any other
/// Graphviz output format). Throws std::runtime_error when the text does not parse or the
/// format is unknown.
std::string render_graphviz(const std::string& dot, const std::string& format);

}  // namespace txsim::reports
