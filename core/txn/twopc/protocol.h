// The messages of two-phase commit, packed into net::Payload.
//
// Every message has the same layout: words[0] transaction id; words[1] part (16 bits) |
// service (15 bits) << 16 | route (16 bits) << 32 | flag (8 bits) << 56; words[2], words[3]
// the transaction's business arguments (TxnArgs). `flag` is the vote (kVote) or the decision
// (kDecision: 1 commit, 0 abort).
//
// Exchange (Gray & Lamport, "Consensus on Transaction Commit", ACM TODS 31(1), 2006, sec. 3):
//   kBeginCommit  initiating participant -> coordinator: "I am prepared, commit the transaction"
//   kPrepare      coordinator -> participant: carries the operation (work and prepare in one)
//   kVote         participant -> coordinator: yes (prepared, forced) or no
//   kDecision     coordinator -> participant: commit or abort (re-sent until acknowledged)
//   kAck          participant -> coordinator: the decision is applied (none for presumed aborts)
//   kQuery        in-doubt participant -> coordinator: "what was the outcome?"
#pragma once

#include <cstdint>

#include "core/net/node.h"
#include "core/txn/twopc/resource.h"

namespace txsim::twopc {

/// Message type codes 32..47 belong to two-phase commit (the saga protocol owns 16..31).
inline constexpr net::MessageType kBeginCommit = 32;
inline constexpr net::MessageType kPrepare = 33;
inline constexpr net::MessageType kVote = 34;
inline constexpr net::MessageType kDecision = 35;
inline constexpr net::MessageType kAck = 36;
inline constexpr net::MessageType kQuery = 37;
inline constexpr net::MessageType kFirstType = 32;
inline constexpr net::MessageType kTypeCount = 6;

/// Services per node are numbered below this (15 bits); routes and parts below 1 << 16.
inline constexpr std::uint32_t kMaxServices = 1u << 15;
inline constexpr std::uint32_t kMaxParts = 1u << 16;

struct TwoPcMessage {
  TxnId txn = 0;
  std::uint32_t part = 0;
  std::uint32_t service = 0;
  std::uint32_t route = 0;
  std::uint8_t flag = 0;
  TxnArgs args;
};

inline net::Payload encode(const TwoPcMessage& m) {
  net::Payload p;
  p.words[0] = m.txn;
  p.words[1] = std::uint64_t{m.part & 0xffff} | (std::uint64_t{m.service & (kMaxServices - 1)} << 16) |
               (std::uint64_t{m.route & 0xffff} << 32) | (std::uint64_t{m.flag} << 56);
  p.words[2] = m.args.a;
  p.words[3] = m.args.b;
  return p;
}

inline TwoPcMessage decode(const net::Payload& p) {
  TwoPcMessage m;
  m.txn = p.words[0];
  m.part = static_cast<std::uint32_t>(p.words[1] & 0xffff);
  m.service = static_cast<std::uint32_t>((p.words[1] >> 16) & (kMaxServices - 1));
  m.route = static_cast<std::uint32_t>((p.words[1] >> 32) & 0xffff);
  m.flag = static_cast<std::uint8_t>(p.words[1] >> 56);
  m.args = {p.words[2], p.words[3]};
  return m;
}

/// A process that takes 2PC messages handed over inside its node (no network in between).
class LocalEndpoint {
 public:
  virtual ~LocalEndpoint() = default;
  virtual void deliver(const net::Message& message) = 0;
};

/// Sends `m` from `from` to `to`, or hands it to `local` when `to` is `from`'s own node and a
/// local endpoint is given: a co-located coordinator and participant talk without messages
/// (Gray & Lamport count no message between them). Returns whether a network message was sent.
inline bool send_or_deliver(net::Node& from, net::NodeId to, net::MessageType type,
                            const TwoPcMessage& m, LocalEndpoint* local) {
  if (to == from.id() && local != nullptr) {
    net::Message message{};
    message.header.from = from.id();
    message.header.to = to;
    message.header.type = type;
    message.header.sent_at_ns = from.simulator().now().ns();
    message.header.from_incarnation = from.incarnation();
    message.payload = encode(m);
    local->deliver(message);
    return false;
  }
  return from.send(to, type, encode(m)) != 0;
}

}  // namespace txsim::twopc
