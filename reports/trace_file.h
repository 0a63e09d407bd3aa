// The full trace file: every executed event as a length-delimited protobuf record
// (proto/txsim/trace.proto), for replay and for finding where two runs diverge.
#pragma once

#include <cstdint>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "core/sim/trace.h"
#include "txsim/trace.pb.h"

namespace txsim::reports {

/// A TraceSink that writes records to a file. Throws std::runtime_error naming the path if the
/// file cannot be created or written.
class TraceFileWriter : public sim::TraceSink {
 public:
  TraceFileWriter(const std::string& path, const trace::TraceHeader& header);
  void on_event(const sim::FiredEvent& event, const std::string& kind_name) override;
  /// Flushes and checks that everything was written.
  void close();

 private:
  void write(const trace::TraceRecord& record);
  std::string path_;
  std::ofstream out_;
  std::vector<bool> kind_written_;
};

/// Reads a whole trace file. Throws std::runtime_error naming the path on a malformed file.
std::vector<trace::TraceRecord> read_trace_file(const std::string& path);

}  // namespace txsim::reports
