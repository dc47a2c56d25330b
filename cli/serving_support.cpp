// Shared helpers of the serving commands.
#include "cli/serving_support.hpp"

#include <cstdlib>

#include "engine/error.hpp"
#include "engine/spec/promotion_spec.hpp"

namespace sextant::cli {

std::filesystem::path default_models_dir(const std::filesystem::path& db_path) {
  auto parent = db_path.parent_path();
  return (parent.empty() ? std::filesystem::path(".") : parent) /
         (db_path.stem().string() + "-models");
}

std::pair<std::string, uint16_t> parse_listen(const std::string& listen, const std::string& flag) {
  auto colon = listen.rfind(':');
  int port = -1;
  if (colon != std::string::npos) {
    try {
      size_t used = 0;
      port = std::stoi(listen.substr(colon + 1), &used);
      if (used != listen.size() - colon - 1) port = -1;
    } catch (...) {
    }
  }
  if (colon == std::string::npos || port < 0 || port > 65535)
    throw Error(ErrorCode::kInvalidArgument,
                "expected HOST:PORT with a port 0..65535, found \"" + listen + "\"", flag);
  return {listen.substr(0, colon), static_cast<uint16_t>(port)};
}

void check_model_name(const std::string& name) {
  if (!engine::is_model_name(name))
    throw Error(ErrorCode::kInvalidArgument,
                "\"" + name +
                    "\" is not a model name: use lower case letters, digits and '-' "
                    "(at most 63, starting and ending with a letter or digit)",
                "--model");
}

std::string current_user() {
  const char* user = std::getenv("USER");
  return user && *user ? user : "unknown";
}

}  // namespace sextant::cli
