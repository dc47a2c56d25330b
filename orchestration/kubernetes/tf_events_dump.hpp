// The TensorFlowEvent sidecar's log turned back into event files (see collector_sidecar.hpp).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace sextant::orchestration {

// Fed the sidecar's log line by line: each "<kTfEventsFileLine> <relative path>", base64 lines,
// "<kTfEventsEndLine>" block becomes the file <directory>/<relative path>. Other lines are
// ignored. A path that would leave the directory, bad base64 or an unwritable file skips that
// file and adds a line to problems().
class TfEventsDump {
 public:
  explicit TfEventsDump(std::filesystem::path directory);

  void line(std::string_view text);
  const std::filesystem::path& directory() const { return directory_; }
  const std::vector<std::string>& problems() const { return problems_; }
  size_t files() const { return files_; }

 private:
  void finish_file();

  std::filesystem::path directory_;
  std::string current_;  // the relative path of the file being read ("" = between files)
  std::string base64_;
  std::vector<std::string> problems_;
  size_t files_ = 0;
};

}  // namespace sextant::orchestration
