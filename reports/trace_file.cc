#include "reports/trace_file.h"

#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/util/delimited_message_util.h>

#include <stdexcept>

namespace txsim::reports {

TraceFileWriter::TraceFileWriter(const std::string& path, const trace::TraceHeader& header)
    : path_(path), out_(path, std::ios::binary | std::ios::trunc) {
  if (!out_) throw std::runtime_error("cannot create trace file " + path);
  trace::TraceRecord record;
  *record.mutable_header() = header;
  write(record);
}

void TraceFileWriter::write(const trace::TraceRecord& record) {
  if (!google::protobuf::util::SerializeDelimitedToOstream(record, &out_)) {
    throw std::runtime_error("cannot write trace file " + path_);
  }
}

void TraceFileWriter::on_event(const sim::FiredEvent& event, const std::string& kind_name) {
  if (event.kind >= kind_written_.size()) kind_written_.resize(event.kind + 1, false);
  trace::TraceRecord record;
  if (!kind_written_[event.kind]) {
    kind_written_[event.kind] = true;
    auto* kind = record.mutable_kind();
    kind->set_id(event.kind);
    kind->set_name(kind_name);
    write(record);
  }
  auto* e = record.mutable_event();
  e->set_time_ns(event.at.ns());
  e->set_sequence(event.sequence);
  e->set_kind(event.kind);
  write(record);
}

void TraceFileWriter::close() {
  out_.flush();
  if (!out_) throw std::runtime_error("cannot write trace file " + path_);
  out_.close();
}

std::vector<trace::TraceRecord> read_trace_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open trace file " + path);
  google::protobuf::io::IstreamInputStream stream(&in);
  std::vector<trace::TraceRecord> records;
  for (;;) {
    trace::TraceRecord record;
    bool clean_eof = false;
    if (!google::protobuf::util::ParseDelimitedFromZeroCopyStream(&record, &stream, &clean_eof)) {
      if (clean_eof) break;
      throw std::runtime_error("trace file " + path + ": malformed record " +
                               std::to_string(records.size()));
    }
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace txsim::reports
