// Field positions of a parsed text-format message (internal to core/scenario).
#pragma once

#include <google/protobuf/text_format.h>

#include <string>

#include "core/scenario/loader.h"

namespace txsim::scenario {

class SourceMap {
 public:
  google::protobuf::TextFormat::ParseInfoTree tree;
};

/// A position inside the parsed message tree, used while walking a scenario for validation:
/// it knows both the user-facing field path and where that part of the file was written.
class FieldCursor {
 public:
  FieldCursor(const google::protobuf::TextFormat::ParseInfoTree* tree, std::string path, int line,
              int column)
      : tree_(tree), path_(std::move(path)), line_(line), column_(column) {}

  /// The cursor of nested message field `name` (element `index` if repeated, else -1).
  FieldCursor nested(const google::protobuf::Message& parent, const std::string& name,
                     int index = -1) const;
  /// Position of scalar field `name` of `parent`, or of this message when it was not written.
  Diagnostic at(const google::protobuf::Message& parent, const std::string& name, int index,
                const std::string& file, std::string message) const;

  const std::string& path() const { return path_; }

 private:
  std::string child_path(const std::string& name, int index) const;
  const google::protobuf::TextFormat::ParseInfoTree* tree_;  // null when the message was absent
  std::string path_;
  int line_;
  int column_;
};

}  // namespace txsim::scenario
