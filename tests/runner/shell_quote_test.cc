// Shell quoting of printed commands, with /bin/sh as the reference: whatever the text, the shell
// reads the quoted form back as that one word.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdio>
#include <string>

#include "runner/shell_quote.h"

namespace txsim::runner {
namespace {

// What `sh -c 'printf %s WORD'` prints for the shell text `word`.
std::string shell_reads(const std::string& word) {
  const std::string command = "printf %s " + word;
  FILE* pipe = popen(("sh -c " + shell_quote(command)).c_str(), "r");
  if (pipe == nullptr) return "<popen failed>";
  std::string out;
  char buffer[256];
  while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  pclose(pipe);
  return out;
}

TEST(ShellQuote, PlainWordsStayAsWritten) {
  EXPECT_EQ(shell_word("scenarios/upload/saga.textproto"), "scenarios/upload/saga.textproto");
  EXPECT_EQ(shell_word("stop.arrivals_s=5"), "stop.arrivals_s=5");
}

TEST(ShellQuote, SpacesQuotesAndGlobsAreQuoted) {
  EXPECT_EQ(shell_word("my scenarios/a.textproto"), "'my scenarios/a.textproto'");
  EXPECT_EQ(shell_word("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_word("saga[upload-video].checkpoint=NONE"),
            "'saga[upload-video].checkpoint=NONE'");
  EXPECT_EQ(shell_word(""), "''");
  EXPECT_EQ(shell_word("=ls"), "'=ls'") << "zsh would expand =ls to the path of ls";
  EXPECT_EQ(shell_word("a=ls"), "a=ls");
}

// Any text without NUL (printable, spaces, quotes, $, backslashes, newlines): sh reads the quoted
// form back unchanged, and a word left unquoted is read back unchanged too.
RC_GTEST_PROP(ShellQuoteProperty, TheShellReadsBackTheSameWord, ()) {
  const std::string text = *rc::gen::container<std::string>(
      rc::gen::oneOf(rc::gen::inRange<char>(' ', '~' + 1),
                     rc::gen::element('\'', '"', '\\', '$', '`', '\n', '\t', '*', '!')));
  RC_PRE(!text.empty() && text.front() != '-');  // printf would take it as an option
  RC_ASSERT(shell_reads(shell_word(text)) == text);
  RC_ASSERT(shell_reads(shell_quote(text)) == text);
}

}  // namespace
}  // namespace txsim::runner
