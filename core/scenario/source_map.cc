#include "core/scenario/source_map.h"

#include <google/protobuf/descriptor.h>

namespace txsim::scenario {

namespace {
// The field `name` of `message` when `index` addresses it correctly (an element of a repeated
// field, or -1 for a singular one); null otherwise, so that positions fall back to the
// enclosing message instead of asking the parse tree for an element it does not have.
const google::protobuf::FieldDescriptor* field_of(const google::protobuf::Message& message,
                                                  const std::string& name, int index) {
  const auto* field = message.GetDescriptor()->FindFieldByName(name);
  if (field == nullptr || field->is_repeated() != (index >= 0)) return nullptr;
  if (index >= 0 && index >= message.GetReflection()->FieldSize(message, field)) return nullptr;
  return field;
}
}  // namespace

std::string FieldCursor::child_path(const std::string& name, int index) const {
  std::string path = path_.empty() ? name : path_ + "." + name;
  if (index >= 0) path += "[" + std::to_string(index) + "]";
  return path;
}

FieldCursor FieldCursor::nested(const google::protobuf::Message& parent, const std::string& name,
                                int index) const {
  const auto* field = field_of(parent, name, index);
  if (tree_ == nullptr || field == nullptr) return {nullptr, child_path(name, index), line_, column_};
  const auto location = tree_->GetLocation(field, index);
  const bool written = location.line >= 0;
  return {tree_->GetTreeForNested(field, index), child_path(name, index),
          written ? location.line + 1 : line_, written ? location.column + 1 : column_};
}

Diagnostic FieldCursor::at(const google::protobuf::Message& parent, const std::string& name,
                           int index, const std::string& file, std::string message) const {
  Diagnostic d{file, line_, column_, child_path(name, index), std::move(message)};
  const auto* field = field_of(parent, name, index);
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
