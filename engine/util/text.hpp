// White-space trimming shared by the parsers of text that users and workers write.
#pragma once

#include <string_view>

namespace sextant::engine {

// `text` without its leading and trailing ASCII white space (" \t\n\v\f\r"); independent of the
// C locale, unlike std::isspace.
std::string_view trim_space(std::string_view text);

}  // namespace sextant::engine
