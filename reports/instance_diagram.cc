#include "reports/instance_diagram.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphviz.hpp>

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace txsim::reports {
namespace {

struct PathEdge {
  bool compensation = false;
  std::string label;
};
using PathGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS,
                                        boost::no_property, PathEdge>;

std::string ms(sim::Time t) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f ms", static_cast<double>(t.ns()) / 1e6);
  return text;
}

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

const char* fill(saga::StepFate fate) {
  switch (fate) {
    case saga::StepFate::kDone: return "style=filled, fillcolor=\"#c8e6c9\"";
    case saga::StepFate::kFailed: return "style=filled, fillcolor=\"#f28b82\", penwidth=2";
    case saga::StepFate::kCompensated: return "style=filled, fillcolor=\"#e0e0e0\"";
    case saga::StepFate::kUncertain: return "style=filled, fillcolor=\"#ffcc80\"";
    case saga::StepFate::kNotRun: return "style=dotted";
  }
  return "";
}

std::string step_label(const saga::StepTimeline& step) {
  // Graphviz reads the two characters \n inside a quoted string as a line break.
  std::string label = step.definition->name + "\\n" + step.definition->service + "\\n" +
                      saga::to_string(step.fate);
  if (!step.actions.empty()) {
    const std::size_t retries = step.actions.size() - 1;
    label += "\\n" + std::to_string(step.actions.size()) + " attempt" +
             (step.actions.size() == 1 ? "" : "s") +
             (retries > 0 ? " (" + std::to_string(retries) + " retr" +
                                (retries == 1 ? "y" : "ies") + ")"
                          : "") +
             ", last reply " + ms(step.actions.back().done_at);
  }
  if (!step.compensations.empty()) {
    label += "\\n" + std::to_string(step.compensations.size()) + " compensation request" +
             (step.compensations.size() == 1 ? "" : "s");
  }
  return "\"" + label + "\"";
}

PathGraph path_graph(const saga::InstanceTimeline& timeline) {
  PathGraph g(timeline.steps.size());
  for (const auto& step : timeline.steps) {
    for (const std::uint32_t before : step.definition->after) {
      std::string label;
      if (!step.actions.empty()) label = ms(step.actions.front().sent_at);
      boost::add_edge(before, step.step, PathEdge{false, label}, g);
    }
  }
  // A compensation edge points from the step whose failure or undoing triggered it back to the
  // step undone; with no successor involved (the first step) it is drawn from the failed step.
  for (const auto& step : timeline.steps) {
    if (step.fate != saga::StepFate::kCompensated) continue;
    const sim::Time done = step.compensations.back().done_at;
    bool drawn = false;
    for (const auto& next : timeline.steps) {
      const auto& after = next.definition->after;
      if (std::find(after.begin(), after.end(), step.step) == after.end()) continue;
      if (next.fate == saga::StepFate::kNotRun) continue;
      boost::add_edge(next.step, step.step, PathEdge{true, "undone " + ms(done)}, g);
      drawn = true;
    }
    if (!drawn) {
      for (const auto& failed : timeline.steps) {
        if (failed.fate != saga::StepFate::kFailed || failed.step == step.step) continue;
        boost::add_edge(failed.step, step.step, PathEdge{true, "undone " + ms(done)}, g);
      }
    }
  }
  return g;
}

}  // namespace

std::string instance_to_dot(const saga::InstanceTimeline& timeline) {
  const PathGraph g = path_graph(timeline);
  std::string title = "saga " + timeline.definition->name + ", instance " +
                      std::to_string(timeline.saga_id) + ": ";
  switch (timeline.outcome) {
    case saga::SagaOutcome::kCommitted: title += "committed"; break;
    case saga::SagaOutcome::kCompensated: title += "compensated"; break;
    case saga::SagaOutcome::kStuck: title += "stuck"; break;
    case saga::SagaOutcome::kNone: title += "unfinished"; break;
  }
  title += " (accepted " + ms(timeline.accepted_at);
  if (timeline.outcome != saga::SagaOutcome::kNone) title += ", outcome " + ms(timeline.finished_at);
  title += ")";
  std::ostringstream out;
  boost::write_graphviz(
      out, g,
      [&](std::ostream& o, PathGraph::vertex_descriptor v) {
        const auto& step = timeline.steps[v];
        const bool pivot = step.definition->kind == saga::StepKind::kPivot;
        o << "[label=" << step_label(step) << ", shape=" << (pivot ? "doubleoctagon" : "box")
          << ", " << fill(step.fate) << "]";
      },
      [&](std::ostream& o, PathGraph::edge_descriptor e) {
        const PathEdge& edge = g[e];
        if (edge.compensation) {
          o << "[style=dashed, color=\"#b22222\", fontcolor=\"#b22222\", constraint=false, "
               "arrowhead=empty, label="
            << quoted(edge.label) << "]";
        } else {
          o << "[style=solid, label=" << quoted(edge.label) << "]";
        }
      },
      [&](std::ostream& o) {
        o << "label=" << quoted(title) << "; labelloc=t; fontname=Helvetica;\n"
          << "rankdir=LR; nodesep=0.3; ranksep=0.8;\n"
          << "node [fontname=Helvetica, fontsize=11]; edge [fontname=Helvetica, fontsize=9];\n";
      });
  return out.str();
}

}  // namespace txsim::reports
