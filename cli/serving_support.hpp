// What the serving commands (serve, promote, rollback, models) share: paths, listen addresses.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>

namespace sextant::cli {

// The model repository defaults to "<db stem>-models" beside the database.
std::filesystem::path default_models_dir(const std::filesystem::path& db_path);

inline constexpr const char* kDefaultServeListen = "127.0.0.1:8080";

// "HOST:PORT" -> {host, port}; throws Error(kInvalidArgument) naming `flag`.
std::pair<std::string, uint16_t> parse_listen(const std::string& listen, const std::string& flag);

// Model names become URL segments, directory names and Kubernetes object names: DNS-1123
// labels (lower case letters, digits, '-', at most 63). Throws Error(kInvalidArgument).
void check_model_name(const std::string& name);

// $USER, else "unknown": who promoted a version.
std::string current_user();

}  // namespace sextant::cli
