#include "core/scenario/source_map.h"

#include <google/protobuf/descriptor.h>

namespace txsim::scenario {

namespace {
const google::protobuf::FieldDescriptor* field_of(const google::protobuf::Message& message,
                                                  const std::string& name) {
  return message.GetDescriptor()->FindFieldByName(name);
}
}  // namespace

std::string FieldCursor::child_path(const std::string& name, int index) const {
  std::string path = path_.empty() ? name : path_ + "." + name;
  if (index >= 0) path += "[" + std::to_string(index) + "]";
  return path;
}

FieldCursor FieldCursor::nested(const google::protobuf::Message& parent, const std::string& name,
                                int index) const {
  const auto* field = field_of(parent, name);
  if (tree_ == nullptr || field == nullptr) return {nullptr, child_path(name, index), line_, column_};
  const auto location = tree_->GetLocation(field, index);
  const bool written = location.line >= 0;
  return {tree_->GetTreeForNested(field, index), child_path(name, index),
          written ? location.line + 1 : line_, written ? location.column + 1 : column_};
}

Diagnostic FieldCursor::at(const google::protobuf::Message& parent, const std::string& name,
                           int index, const std::string& file, std::string message) const {
  Diagnostic d{file, line_, column_, child_path(name, index), std::move(message)};
  const auto* field = field_of(parent, name);
  if (tree_ != nullptr && field != nullptr) {
    const auto location = tree_->GetLocation(field, index);
    if (location.line >= 0) {
      d.line = location.line + 1;
      d.column = location.column + 1;
    }
  }
  return d;
}

}  // namespace txsim::scenario
