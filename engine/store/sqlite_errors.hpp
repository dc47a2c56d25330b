// SQLiteCpp and nlohmann exceptions turned into sextant::Error, once, for every user of the store.
#pragma once

#include <exception>
#include <string>

#include "engine/error.hpp"

namespace sextant::engine {

// Busy or locked -> kUnavailable; a constraint -> kConflict; a missing table (a database older
// than the feature) -> kUnavailable saying how to upgrade; anything else -> kInternal. `what`
// says what was being done ("reading trials of exp").
[[noreturn]] void rethrow_sqlite(const std::exception& e, const std::string& what);

// Runs `fn`; sextant::Error passes through, other exceptions go through rethrow_sqlite().
template <typename Fn>
auto guarded(const std::string& what, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    rethrow_sqlite(e, what);
  }
}

}  // namespace sextant::engine
