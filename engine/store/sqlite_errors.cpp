// The mapping of database exceptions to sextant::Error (see sqlite_errors.hpp).
#include "engine/store/sqlite_errors.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

namespace sextant::engine {

void rethrow_sqlite(const std::exception& e, const std::string& what) {
  if (auto* sq = dynamic_cast<const SQLite::Exception*>(&e)) {
    int code = sq->getErrorCode();
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
      throw Error(ErrorCode::kUnavailable, what + ": database is busy: " + sq->what());
    if (code == SQLITE_CONSTRAINT) throw Error(ErrorCode::kConflict, what + ": " + sq->what());
    if (std::string(sq->what()).find("no such table") != std::string::npos)
      throw Error(ErrorCode::kUnavailable,
                  what + ": the database predates this version of sextant; open it once with a "
                         "read-write command (sextant run, sextant promote) to upgrade it");
  }
  throw Error(ErrorCode::kInternal, what + ": " + e.what());
}

}  // namespace sextant::engine
