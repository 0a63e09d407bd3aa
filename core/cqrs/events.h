// Domain events of the CQRS read side and the messages that carry them (types 48..63).
//
// A domain event says that one service committed one local transaction of one saga: the action
// or the compensation of a step. Its *aggregate* is the saga id (the upload id). Its event id is
// (aggregate, service, step, compensation), and its *service version* orders the events of one
// aggregate at one service: action of step s = 2s + 1, compensation = 2s + 2 (a compensation
// always follows its action). Projections use both to be idempotent (apply each id at most once,
// never an older version after a newer one).
//
// Messages (all payload words; see encode/decode below):
//   kPublish       relay -> broker, a call: words[0..1] the event; reply: ack (words[0] = 1).
//   kSubscribe     consumer -> broker, a call: words[0] group, words[1] partition, words[2] first
//                  offset wanted (kFromCommitted: the group's committed offset); reply: words[0]
//                  the offset the broker pushes from.
//   kDeliver       broker -> consumer, one-way: words[0..1] event, words[2] offset,
//                  words[3] partition.
//   kCommitOffset  consumer -> broker, one-way: words[0] group, words[1] partition, words[2] the
//                  next offset the group needs (everything before it is applied durably).
// Saga choreography events (core/cqrs/choreography.h) also carry the saga's route and business
// arguments (event-carried state transfer); publish and deliver put them in the key bytes
// (put_event / get_event). Events without them (route and arguments 0) travel as before.
// Units: virtual time is integer nanoseconds (sim::Time) where it appears.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <tuple>

#include "core/net/message.h"

namespace txsim::cqrs {

inline constexpr net::MessageType kPublish = 48;
inline constexpr net::MessageType kSubscribe = 49;
inline constexpr net::MessageType kDeliver = 50;
inline constexpr net::MessageType kCommitOffset = 51;
/// Session gateway -> replica (or owning service), a call: words[0] aggregate, words[1..2]
/// read-your-writes token (aggregate, version; version 0: none); reply: words[0] version seen,
/// words[1] 1 when the token wait expired (no answer). See readers.h.
inline constexpr net::MessageType kRead = 52;

inline constexpr std::uint64_t kFromCommitted = UINT64_MAX;

/// What the event says happened, from the role of the service that emitted it.
/// Kinds 16..20 are saga choreography events (core/txn/saga/choreography.h): the saga began,
/// a step's action committed or was refused, its compensation committed, a retriable step
/// gave up at its deadline.
enum class EventKind : std::uint8_t {
  kOther = 0,
  kIngested = 1,
  kDescribed = 2,
  kPublished = 3,
  kSagaStarted = 16,
  kStepDone = 17,
  kStepFailed = 18,
  kStepCompensated = 19,
  kStepStuck = 20,
};

struct DomainEvent {
  std::uint64_t aggregate = 0;  // saga id = upload id
  std::uint32_t service = 0;    // service number in the run
  std::uint32_t step = 0;       // < 2^16
  bool compensation = false;
  EventKind kind = EventKind::kOther;
  // Choreography only: which saga definition (route) the aggregate runs, and its arguments.
  std::uint32_t route = 0;
  std::uint64_t args_a = 0;
  std::uint64_t args_b = 0;

  bool has_saga_data() const { return route != 0 || args_a != 0 || args_b != 0; }
  std::uint64_t version() const { return 2 * std::uint64_t{step} + (compensation ? 2 : 1); }
  auto id() const { return std::tuple(aggregate, service, step, compensation); }
  bool operator==(const DomainEvent&) const = default;
};

inline std::uint64_t pack(const DomainEvent& e) {
  return (std::uint64_t{e.service} << 32) | (std::uint64_t{e.step & 0xffff} << 16) |
         (std::uint64_t{e.compensation} << 8) | static_cast<std::uint8_t>(e.kind);
}

inline DomainEvent unpack(std::uint64_t aggregate, std::uint64_t word) {
  DomainEvent e;
  e.aggregate = aggregate;
  e.service = static_cast<std::uint32_t>(word >> 32);
  e.step = static_cast<std::uint32_t>((word >> 16) & 0xffff);
  e.compensation = ((word >> 8) & 1) != 0;
  e.kind = static_cast<EventKind>(word & 0xff);
  return e;
}

/// The event as a stored value ("<aggregate>:<packed>" in decimal, then
/// ":<route>:<args a>:<args b>" when the event carries saga data).
inline std::string to_record(const DomainEvent& e) {
  std::string record = std::to_string(e.aggregate) + ":" + std::to_string(pack(e));
  if (e.has_saga_data()) {
    record += ":" + std::to_string(e.route) + ":" + std::to_string(e.args_a) + ":" +
              std::to_string(e.args_b);
  }
  return record;
}

/// Writes the event into words[0..1] (and the key bytes for saga data) of a message payload.
inline void put_event(net::Payload& p, const DomainEvent& e) {
  p.words[0] = e.aggregate;
  p.words[1] = pack(e);
  if (!e.has_saga_data()) return;
  static_assert(net::Payload::kKeyBytes >= 20);
  std::memcpy(p.key_bytes.data(), &e.args_a, 8);
  std::memcpy(p.key_bytes.data() + 8, &e.args_b, 8);
  std::memcpy(p.key_bytes.data() + 16, &e.route, 4);
  p.key_length = 20;
}

/// Reads an event written by put_event.
inline DomainEvent get_event(const net::Payload& p) {
  DomainEvent e = unpack(p.words[0], p.words[1]);
  if (p.key_length == 20) {
    std::memcpy(&e.args_a, p.key_bytes.data(), 8);
    std::memcpy(&e.args_b, p.key_bytes.data() + 8, 8);
    std::memcpy(&e.route, p.key_bytes.data() + 16, 4);
  }
  return e;
}
/// REQUIRES: `record` came from to_record (std::invalid_argument otherwise).
DomainEvent from_record(const std::string& record);

/// The partition of an aggregate: a fixed hash, so every event of one aggregate shares one
/// partition and is delivered in order. REQUIRES: partitions > 0.
std::uint32_t partition_of(std::uint64_t aggregate, std::uint32_t partitions);

/// Fixed-width hex, so that store keys sort in numeric order.
std::string hex16(std::uint64_t value);

}  // namespace txsim::cqrs
