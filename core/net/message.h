// Messages between simulated nodes: a fixed-size plain-old-data record.
//
// Why fixed-size: send and delivery must not allocate per message (the network keeps in-flight
// messages in a slab and copies them by value). A message is a header plus a small payload —
// a few 64-bit words and a short key — enough for the ids, amounts and keys that transaction
// protocols exchange. Larger application state lives in the node's DurableStore, not in messages.
//
// Units: sent_at_ns is virtual time in integer nanoseconds.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace txsim::net {

using NodeId = std::uint32_t;
/// Application-chosen message type code; handlers are registered per type.
using MessageType = std::uint32_t;
/// Type codes are indexes into a per-node handler table: keep them small.
inline constexpr MessageType kMaxMessageTypes = 1024;

enum MessageFlags : std::uint32_t {
  kFlagRequest = 1u << 0,  // sent by Node::call, expects a reply
  kFlagReply = 1u << 1,    // answers the request with the same correlation_id
};

struct MessageHeader {
  std::uint64_t id = 0;              // unique per send; a network duplicate keeps the same id
  std::uint64_t correlation_id = 0;  // request/reply pairing; 0 for one-way messages
  std::int64_t sent_at_ns = 0;       // virtual send time
  NodeId from = 0;
  NodeId to = 0;
  MessageType type = 0;
  std::uint32_t flags = 0;             // MessageFlags
  std::uint32_t from_incarnation = 0;  // sender's incarnation when sent (replies target it)
  std::uint32_t reserved = 0;
};

struct Payload {
  static constexpr std::size_t kWords = 4;
  static constexpr std::size_t kKeyBytes = 32;

  std::array<std::uint64_t, kWords> words{};
  std::array<char, kKeyBytes> key_bytes{};  // NUL-padded
  std::uint32_t key_length = 0;
  std::uint32_t reserved = 0;

  /// Throws std::length_error if `key` is longer than kKeyBytes.
  void set_key(std::string_view key) {
    if (key.size() > kKeyBytes) {
      throw std::length_error("message key longer than " + std::to_string(kKeyBytes) + " bytes");
    }
    key_bytes.fill('\0');
    std::memcpy(key_bytes.data(), key.data(), key.size());
    key_length = static_cast<std::uint32_t>(key.size());
  }
  std::string_view key() const { return {key_bytes.data(), key_length}; }
};

struct Message {
  MessageHeader header;
  Payload payload;
};

static_assert(std::is_trivially_copyable_v<Message>);
static_assert(sizeof(Message) == 120);

}  // namespace txsim::net
