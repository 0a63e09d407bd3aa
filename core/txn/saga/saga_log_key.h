// The store key of a saga's record in the orchestrator's saga log (orchestrator.h).
//
// Layout: "sl/" + the saga id in lower-case hex, zero-padded to 12 digits, for ids below 2^48
// (15 characters: std::string keeps them inline, so writing a log record allocates nothing for
// its key); "sl/g" + 16 hex digits for larger ids ('g' sorts after every hex digit, so all of
// them come after all the short keys). Keys therefore sort in saga id order, which is the order
// recovery re-drives the log in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace txsim::saga {

inline constexpr std::string_view kSagaLogPrefix = "sl/";

/// The log key of saga `saga_id`.
inline std::string saga_log_key(std::uint64_t saga_id) {
  constexpr std::size_t kShortDigits = 12;
  const bool wide = (saga_id >> (4 * kShortDigits)) != 0;
  const std::size_t head = kSagaLogPrefix.size() + (wide ? 1 : 0);
  std::string key(head + (wide ? 16 : kShortDigits), '0');
  key.replace(0, kSagaLogPrefix.size(), kSagaLogPrefix);
  if (wide) key[kSagaLogPrefix.size()] = 'g';
  for (std::size_t i = key.size(); saga_id != 0; saga_id >>= 4) {
    key[--i] = "0123456789abcdef"[saga_id & 0xf];
  }
  return key;
}

/// The saga id a log key names, or nullopt if `key` is not a log key of saga_log_key's form.
inline std::optional<std::uint64_t> parse_saga_log_key(std::string_view key) {
  if (!key.starts_with(kSagaLogPrefix)) return std::nullopt;
  std::string_view digits = key.substr(kSagaLogPrefix.size());
  const bool wide = digits.starts_with('g');
  if (wide) digits.remove_prefix(1);
  if (digits.size() != (wide ? 16u : 12u)) return std::nullopt;
  std::uint64_t id = 0;
  for (const char c : digits) {
    const int value = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (value < 0) return std::nullopt;
    id = (id << 4) | static_cast<std::uint64_t>(value);
  }
  if (wide != ((id >> 48) != 0)) return std::nullopt;  // not the form saga_log_key writes
  return id;
}

}  // namespace txsim::saga
