// Chrome Trace Event JSON of a run, for Perfetto (ui.perfetto.dev) or chrome://tracing.
//
// Format: the "JSON Object Format" of the Trace Event Format (Google, "Trace Event Format",
// docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU): an object with a
// "traceEvents" array of complete events (ph "X": ts + dur), instant events (ph "i") and
// metadata events (ph "M") that name processes and threads. Timestamps are microseconds of
// simulated time (virtual time is integer nanoseconds; we print ns / 1000 with three decimals,
// so nothing is rounded away).
//
// Tracks: a track is a (process, thread) pair of names, e.g. ("queue mm1", "server 0") or
// ("saga upload-video", "instance 17"); ids are given in order of first use, so the file is
// deterministic. Spans on one track must nest or follow one another (a viewer draws one
// row per thread); put overlapping work on separate tracks.
//
// Bounded: at most `max_events` span and instant events are kept (the first ones, in call
// order); later ones are counted in dropped() and the file says it was truncated.
// Thread-safety: none (single-threaded runs).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/sim/time.h"

namespace txsim::reports {

class ChromeTraceWriter {
 public:
  static constexpr std::size_t kDefaultMaxEvents = 100'000;

  /// Extra key/value pairs shown when an event is selected; values are written as strings.
  using Args = std::vector<std::pair<std::string, std::string>>;

  struct Track {
    std::uint32_t pid = 0;
    std::uint32_t tid = 0;
  };

  explicit ChromeTraceWriter(std::size_t max_events = kDefaultMaxEvents);

  /// The track for (process, thread), created on first use.
  Track track(const std::string& process, const std::string& thread);

  /// A complete event from `start` to `end`. REQUIRES: end >= start (throws std::logic_error).
  void add_span(Track track, const std::string& name, const std::string& category,
                sim::Time start, sim::Time end, const Args& args = {});
  /// An instantaneous event (a fault, a message loss, a decision) at `at`, drawn on its thread.
  void add_instant(Track track, const std::string& name, const std::string& category,
                   sim::Time at, const Args& args = {});

  std::size_t events() const { return events_.size(); }
  std::uint64_t dropped() const { return dropped_; }

  /// The whole file.
  std::string to_json() const;
  /// Writes to_json() to `path`. Throws std::runtime_error naming the path on failure.
  void write(const std::string& path) const;

 private:
  struct Event {
    char phase;  // 'X' or 'i'
    Track track;
    std::string name;
    std::string category;
    std::int64_t start_ns;
    std::int64_t duration_ns;
    Args args;
  };
  bool admit();

  std::size_t max_events_;
  std::uint64_t dropped_ = 0;
  std::vector<Event> events_;
  std::map<std::string, std::uint32_t> process_ids_;
  std::map<std::pair<std::uint32_t, std::string>, std::uint32_t> thread_ids_;
  std::vector<std::pair<std::uint32_t, std::string>> process_names_;              // in id order
  std::vector<std::pair<Track, std::string>> thread_names_;                      // in id order
};

}  // namespace txsim::reports
