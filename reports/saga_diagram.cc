#include "reports/saga_diagram.h"

#include <boost/graph/graphviz.hpp>
#include <graphviz/gvc.h>

#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "core/txn/saga/saga_graph.h"

namespace txsim::reports {
namespace {

struct DiagramEdge {
  bool compensation = false;
};
using DiagramGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS,
                                           boost::no_property, DiagramEdge>;

// A DOT double-quoted string. Graphviz reads "\n" inside one as a line break.
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string step_label(const saga::StepVertex& step) {
  std::string label = quoted(step.name);
  label.pop_back();
  if (step.action != step.name) label += "\\n" + step.action;
  if (!step.compensation.empty()) label += "\\nundo: " + step.compensation;
  if (step.kind == scenario::Step::PIVOT) label += "\\n(pivot)";
  if (step.kind == scenario::Step::RETRIABLE) label += "\\n(retriable)";
  return label + "\"";
}

std::string step_style(scenario::Step::Kind kind) {
  switch (kind) {
    case scenario::Step::PIVOT:
      return "shape=doubleoctagon, style=filled, fillcolor=\"#f9d9a8\"";
    case scenario::Step::RETRIABLE:
      return "shape=box, style=\"rounded,filled\", fillcolor=\"#d4efd4\"";
    default:
      return "shape=box, style=filled, fillcolor=\"#dbe9f6\"";
  }
}

class StepWriter {
 public:
  explicit StepWriter(const saga::SagaGraph& steps) : steps_(steps) {}
  void operator()(std::ostream& out, DiagramGraph::vertex_descriptor v) const {
    out << "[label=" << step_label(steps_[v]) << ", " << step_style(steps_[v].kind) << "]";
  }

 private:
  const saga::SagaGraph& steps_;
};

class EdgeWriter {
 public:
  explicit EdgeWriter(const DiagramGraph& g) : g_(g) {}
  void operator()(std::ostream& out, DiagramGraph::edge_descriptor e) const {
    // Compensation edges must not pull the layout backwards: only forward edges rank steps.
    if (g_[e].compensation) {
      out << "[style=dashed, color=\"#b22222\", constraint=false, arrowhead=empty]";
    } else {
      out << "[style=solid]";
    }
  }

 private:
  const DiagramGraph& g_;
};

// Writes the graph attributes, the service clusters, the same-rank groups and the legend;
// boost::write_graphviz calls it right after the opening brace, before any node.
class LayoutWriter {
 public:
  LayoutWriter(const scenario::Saga& saga, const saga::SagaGraph& steps)
      : saga_(saga), steps_(steps) {}
  void operator()(std::ostream& out) const {
    out << "label=" << quoted("saga " + saga_.name()) << "; labelloc=t; fontname=Helvetica;\n"
        << "rankdir=LR; newrank=true; nodesep=0.3; ranksep=0.6;\n"
        << "node [fontname=Helvetica, fontsize=11]; edge [fontname=Helvetica, fontsize=9];\n";
    write_clusters(out);
    write_ranks(out);
    write_legend(out);
  }

 private:
  void write_clusters(std::ostream& out) const {
    std::vector<std::string> services;  // in order of first appearance
    std::map<std::string, std::vector<saga::StepId>> members;
    for (saga::StepId v = 0; v < boost::num_vertices(steps_); ++v) {
      auto& list = members[steps_[v].service];
      if (list.empty()) services.push_back(steps_[v].service);
      list.push_back(v);
    }
    for (std::size_t i = 0; i < services.size(); ++i) {
      out << "subgraph cluster_service_" << i << " { label=" << quoted(services[i])
          << "; style=\"rounded,dashed\"; color=\"#888888\"; fontcolor=\"#555555\";";
      for (const auto v : members[services[i]]) out << " " << v << ";";
      out << " }\n";
    }
  }
  void write_ranks(std::ostream& out) const {
    const auto depth = saga::step_depths(steps_);
    std::map<int, std::vector<saga::StepId>> by_depth;
    for (saga::StepId v = 0; v < depth.size(); ++v) by_depth[depth[v]].push_back(v);
    for (const auto& [d, group] : by_depth) {
      if (group.size() < 2) continue;
      out << "{ rank=same;";
      for (const auto v : group) out << " " << v << ";";
      out << " }\n";
    }
  }
  static void write_legend(std::ostream& out) {
    out << "subgraph cluster_legend { label=\"legend\"; style=rounded; color=\"#cccccc\"; "
           "fontsize=10;\n"
        << "  legend_c [label=\"compensatable\", " << step_style(scenario::Step::COMPENSATABLE)
        << "];\n"
        << "  legend_p [label=\"pivot\", " << step_style(scenario::Step::PIVOT) << "];\n"
        << "  legend_r [label=\"retriable\", " << step_style(scenario::Step::RETRIABLE) << "];\n"
        << "  legend_c -> legend_p [label=\"runs after\", style=solid];\n"
        << "  legend_p -> legend_c [label=\"compensation\", style=dashed, color=\"#b22222\", "
           "constraint=false, arrowhead=empty];\n"
        << "}\n";
  }

  const scenario::Saga& saga_;
  const saga::SagaGraph& steps_;
};

DiagramGraph drawing_graph(const saga::SagaGraph& steps) {
  DiagramGraph g(boost::num_vertices(steps));
  for (const auto e : boost::make_iterator_range(boost::edges(steps))) {
    boost::add_edge(boost::source(e, steps), boost::target(e, steps), DiagramEdge{false}, g);
  }
  for (const auto e : boost::make_iterator_range(boost::edges(steps))) {
    const auto u = boost::source(e, steps);
    const auto v = boost::target(e, steps);
    if (!steps[u].compensation.empty()) {
      boost::add_edge(v, u, DiagramEdge{true}, g);
    }
  }
  return g;
}

}  // namespace

std::string saga_to_dot(const scenario::Saga& saga) {
  const saga::SagaGraph steps = saga::build_saga_graph(saga);
  const DiagramGraph g = drawing_graph(steps);
  std::ostringstream out;
  boost::write_graphviz(out, g, StepWriter(steps), EdgeWriter(g), LayoutWriter(saga, steps));
  return out.str();
}

std::string render_graphviz(const std::string& dot, const std::string& format) {
  // One context for the whole process, never freed: Graphviz 2.42/2.43's pango plugin caches
  // font data across contexts, and a second context after gvFreeContext reads freed memory
  // (found by AddressSanitizer). Single-threaded use only, like the rest of txsim.
  static GVC_t* const context = gvContext();
  if (context == nullptr) throw std::runtime_error("graphviz: cannot create a context");
  const std::unique_ptr<Agraph_t, decltype(&agclose)> graph(agmemread(dot.c_str()), &agclose);
  if (!graph) throw std::runtime_error("graphviz: the DOT text does not parse");
  if (gvLayout(context, graph.get(), "dot") != 0) {
    throw std::runtime_error("graphviz: layout failed");
  }
  char* data = nullptr;
  unsigned int length = 0;
  const int status = gvRenderData(context, graph.get(), format.c_str(), &data, &length);
  std::string result = status == 0 && data != nullptr ? std::string(data, length) : std::string();
  if (data != nullptr) gvFreeRenderData(data);
  gvFreeLayout(context, graph.get());
  if (status != 0) throw std::runtime_error("graphviz: cannot render format '" + format + "'");
  return result;
}

}  // namespace txsim::reports

// Graphviz and fontconfig keep their caches (fonts, plugins, the shared context above) until
// the process exits; LeakSanitizer would report them at exit in the sanitizer build. The hook
// is only read by LeakSanitizer and is inert otherwise.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libfontconfig\nleak:libgvc\nleak:libgvplugin\nleak:libcgraph\nleak:libpango\n"
         "leak:libcairo\nleak:libglib\nleak:libgobject\n";
}
