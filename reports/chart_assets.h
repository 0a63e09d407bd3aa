// The chart libraries report.html inlines (third_party/vega, see its README for versions and
// licences), embedded into the binary at build time by reports/embed_files.cc.
#pragma once

#include <string_view>

namespace txsim::reports::assets {

std::string_view vega_js();
std::string_view vega_lite_js();
std::string_view vega_embed_js();

}  // namespace txsim::reports::assets
