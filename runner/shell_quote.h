// Quoting for the commands txsim prints to be pasted into a POSIX shell (the replay command of a
// report, the counterexample of `txsim check`): each argument must come back as the same word,
// whatever spaces, quotes or glob characters a scenario path or an override holds.
//
// Single quotes keep every character literally except the single quote itself, which is closed,
// escaped and reopened: ' becomes '\'' (POSIX.1-2017, Shell Command Language, sec. 2.2.2-2.2.3).
#pragma once

#include <string>
#include <string_view>

namespace txsim::runner {

/// `text` in single quotes, each ' written as '\''.
inline std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// `text` as it is when every character is one the shell takes literally in a word, else quoted.
/// A leading '=' is quoted too: zsh, a common interactive shell, expands "=name" to the path of
/// command `name`.
inline std::string shell_word(std::string_view text) {
  if (text.starts_with('=')) return shell_quote(text);
  const auto plain = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_-./:=,+@%").find(c) != std::string_view::npos;
  };
  for (const char c : text) {
    if (!plain(c)) return shell_quote(text);
  }
  return text.empty() ? shell_quote(text) : std::string(text);
}

}  // namespace txsim::runner
