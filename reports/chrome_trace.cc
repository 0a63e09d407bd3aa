#include "reports/chrome_trace.h"

#include "reports/html_report.h"

#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace txsim::reports {
namespace {

// The same escaper as the HTML report's embedded data: valid JSON, and one copy to keep right.
std::string json_string(const std::string& text) { return script_json_string(text); }

// Nanoseconds as microseconds with three decimals, exactly (no floating point).
std::string micros(std::int64_t ns) {
  const bool negative = ns < 0;
  const std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(ns)
                                           : static_cast<std::uint64_t>(ns);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%s%llu.%03llu", negative ? "-" : "",
                static_cast<unsigned long long>(magnitude / 1000),
                static_cast<unsigned long long>(magnitude % 1000));
  return buffer;
}

std::string ids(ChromeTraceWriter::Track t) {
  return "\"pid\":" + std::to_string(t.pid) + ",\"tid\":" + std::to_string(t.tid);
}

std::string args_json(const ChromeTraceWriter::Args& args) {
  std::string out = "{";
  for (const auto& [key, value] : args) {
    if (out.size() > 1) out += ',';
    out += json_string(key) + ":" + json_string(value);
  }
  return out + "}";
}

}  // namespace

ChromeTraceWriter::ChromeTraceWriter(std::size_t max_events) : max_events_(max_events) {}

ChromeTraceWriter::Track ChromeTraceWriter::track(const std::string& process,
                                                  const std::string& thread) {
  auto [p, new_process] =
      process_ids_.try_emplace(process, static_cast<std::uint32_t>(process_ids_.size() + 1));
  if (new_process) process_names_.emplace_back(p->second, process);
  auto [t, new_thread] = thread_ids_.try_emplace(
      {p->second, thread}, static_cast<std::uint32_t>(thread_ids_.size() + 1));
  const Track result{p->second, t->second};
  if (new_thread) thread_names_.emplace_back(result, thread);
  return result;
}

bool ChromeTraceWriter::admit() {
  if (events_.size() < max_events_) return true;
  ++dropped_;
  return false;
}

void ChromeTraceWriter::add_span(Track track, const std::string& name,
                                 const std::string& category, sim::Time start, sim::Time end,
                                 const Args& args) {
  if (end < start) throw std::logic_error("chrome trace: span '" + name + "' ends before it starts");
  if (!admit()) return;
  events_.push_back({'X', track, name, category, start.ns(), (end - start).ns(), args});
}

void ChromeTraceWriter::add_instant(Track track, const std::string& name,
                                    const std::string& category, sim::Time at, const Args& args) {
  if (!admit()) return;
  events_.push_back({'i', track, name, category, at.ns(), 0, args});
}

std::string ChromeTraceWriter::to_json() const {
  std::string out = "{\"displayTimeUnit\":\"ms\",\"otherData\":{\"clock\":\"simulated time\"";
  out += ",\"truncated\":" + std::string(dropped_ > 0 ? "true" : "false");
  out += ",\"dropped_events\":" + std::to_string(dropped_) + "},\n\"traceEvents\":[\n";
  bool first = true;
  const auto separator = [&first, &out] {
    if (!first) out += ",\n";
    first = false;
  };
  for (const auto& [pid, name] : process_names_) {
    separator();
    out += "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":" + std::to_string(pid) +
           ",\"tid\":0,\"ts\":0,\"args\":{\"name\":" + json_string(name) + "}}";
  }
  for (const auto& [track, name] : thread_names_) {
    separator();
    out += "{\"ph\":\"M\",\"name\":\"thread_name\"," + ids(track) +
           ",\"ts\":0,\"args\":{\"name\":" + json_string(name) + "}}";
  }
  for (const auto& e : events_) {
    separator();
    out += "{\"ph\":\"";
    out += e.phase;
    out += "\",\"name\":" + json_string(e.name) + ",\"cat\":" + json_string(e.category) + "," +
           ids(e.track) + ",\"ts\":" + micros(e.start_ns);
    out += e.phase == 'X' ? ",\"dur\":" + micros(e.duration_ns) : std::string(",\"s\":\"t\"");
    out += ",\"args\":" + args_json(e.args) + "}";
  }
  return out + "\n]}\n";
}

void ChromeTraceWriter::write(const std::string& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << to_json();
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace txsim::reports
