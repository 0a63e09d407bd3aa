// docs/scenarios.md stays in sync with the schema: every message reachable from Scenario has a
// section, every field a row in it, every enum value a row, and nothing documented is gone.
#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "txsim/scenario.pb.h"

namespace txsim::scenario {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// Section heading ("### Saga", "#### Saga.Checkpoint") -> the `names` of its table rows.
std::map<std::string, std::set<std::string>> doc_sections() {
  std::ifstream in(std::string(TXSIM_SOURCE_DIR) + "/docs/scenarios.md");
  EXPECT_TRUE(in) << "docs/scenarios.md is missing";
  std::map<std::string, std::set<std::string>> sections;
  std::string line;
  std::string current;
  bool in_reference = false;
  while (std::getline(in, line)) {
    if (line.find("<!-- reference:begin -->") != std::string::npos) in_reference = true;
    if (!in_reference) continue;
    if (line.rfind("### ", 0) == 0 || line.rfind("#### ", 0) == 0) {
      current = line.substr(line.find(' ') + 1);
      sections[current];
    } else if (!current.empty() && line.rfind("| `", 0) == 0) {
      const auto end = line.find('`', 3);
      sections[current].insert(line.substr(3, end - 3));
    }
  }
  return sections;
}

void reachable(const Descriptor* d, std::map<std::string, const Descriptor*>& out) {
  if (!out.emplace(d->name(), d).second) return;
  for (int i = 0; i < d->field_count(); ++i) {
    if (d->field(i)->message_type() != nullptr) reachable(d->field(i)->message_type(), out);
  }
}

TEST(ScenarioDocs, EveryFieldIsDocumented) {
  const auto sections = doc_sections();
  std::map<std::string, const Descriptor*> messages;
  reachable(Scenario::descriptor(), messages);
  for (const auto& [name, d] : messages) {
    const auto section = sections.find(name);
    ASSERT_NE(section, sections.end())
        << "docs/scenarios.md has no section '### " << name
        << "'; run scripts/scenario-reference";
    std::set<std::string> fields;
    for (int i = 0; i < d->field_count(); ++i) {
      fields.insert(d->field(i)->name());
      EXPECT_TRUE(section->second.count(d->field(i)->name()))
          << name << "." << d->field(i)->name() << " is not documented in docs/scenarios.md";
    }
    for (const auto& documented : section->second) {
      EXPECT_TRUE(fields.count(documented))
          << "docs/scenarios.md documents " << name << "." << documented
          << ", which is not in the schema";
    }
    for (int e = 0; e < d->enum_type_count(); ++e) {
      const auto* type = d->enum_type(e);
      const auto values = sections.find(name + "." + type->name());
      ASSERT_NE(values, sections.end()) << "no section '#### " << name << "." << type->name() << "'";
      for (int v = 0; v < type->value_count(); ++v) {
        EXPECT_TRUE(values->second.count(type->value(v)->name()))
            << name << "." << type->name() << "." << type->value(v)->name()
            << " is not documented";
      }
    }
  }
}

}  // namespace
}  // namespace txsim::scenario
