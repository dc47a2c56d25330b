// Locating ../shared (Katib conformance files); tests that need it skip visibly without it.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <catch2/catch.hpp>

namespace sextant::testing {

inline std::filesystem::path conformance_dir() {
  return std::filesystem::path(SEXTANT_SHARED_DIR) / "conformance" / "katib";
}

// Exits the test process with 77 (CTest: "Skipped") when the conformance folder is absent.
inline std::filesystem::path require_conformance_dir() {
  auto dir = conformance_dir();
  if (!std::filesystem::is_directory(dir)) {
    std::cerr << "SKIPPED: " << dir << " is absent (../shared not checked out)\n";
    std::exit(77);
  }
  return dir;
}

}  // namespace sextant::testing
