// libFuzzer target for the scenario loader: any bytes must either parse and validate or raise
// ScenarioError — never crash, hang or trip a sanitizer. Also exercises --set paths built from
// the input's first line. Build with clang: cmake --preset fuzz (see fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/scenario/loader.h"
#include "plugins/registry.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = text.find('\n');
  std::vector<std::string> overrides;
  if (newline != std::string_view::npos && text.substr(0, 6) == "#set: ") {
    overrides.emplace_back(text.substr(6, newline - 6));
  }
  try {
    txsim::scenario::parse_scenario(text, "fuzz.textproto", txsim::plugins::registry(), overrides);
  } catch (const txsim::scenario::ScenarioError&) {
  }
  return 0;
}
