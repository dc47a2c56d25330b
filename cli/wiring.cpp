// Construction of the built-ins.
#include "cli/wiring.hpp"

#include <unistd.h>

#include "algorithms/builtin.hpp"

namespace sextant::cli {

std::unique_ptr<Builtins> make_builtins() {
  auto builtins = std::make_unique<Builtins>();
  algorithms::register_builtin_algorithms(builtins->algorithms);
  algorithms::register_builtin_early_stopping(builtins->early_stopping);
  return builtins;
}

std::filesystem::path default_runs_dir(const std::filesystem::path& db_path) {
  auto parent = db_path.parent_path();
  return (parent.empty() ? std::filesystem::path(".") : parent) /
         (db_path.stem().string() + "-runs");
}

std::filesystem::path python_report_dir() {
  // Installed layout first (<prefix>/share/sextant/python), then the source tree this binary
  // was built from.
  char self[4096];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    self[n] = 0;
    auto installed =
        std::filesystem::path(self).parent_path().parent_path() / "share/sextant/python";
    if (std::filesystem::exists(installed / "sextant_report.py")) return installed;
  }
  return std::filesystem::path(SEXTANT_SOURCE_DIR) / "trials" / "report";
}

}  // namespace sextant::cli
