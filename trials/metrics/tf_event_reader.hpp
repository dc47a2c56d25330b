// Katib's TensorFlowEvent collector: scalar summaries read from TensorFlow event files
// (TFRecord framing of tensorflow.Event protocol buffers), without TensorFlow.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/ports/trial_runner.hpp"

namespace sextant::trials {

struct TfScalar {
  std::string tag;
  int64_t step = 0;
  double wall_time = 0;  // unix seconds
  std::string value;     // the scalar as Python's str() of a float32/float64 prints it
};

// Every scalar in one event file: Summary values with simple_value, and scalar tensors
// (TensorFlow 2's tf.summary.scalar) of DT_FLOAT or DT_DOUBLE, from float_val, double_val or
// tensor_content. Records whose length checksum (masked CRC-32C) is wrong, and a truncated last
// record (a file still being written), end the reading there; `problem` says why ("" when the
// file read to its end). Throws nothing for bad content: a file that is not an event file gives
// no scalars and a problem.
std::vector<TfScalar> read_tf_event_file(const std::filesystem::path& file, std::string* problem);

// Katib's rule over a directory (recursively, files whose name contains "tfevents"): for a
// metric name "dir/tag", scalars of files whose directory ends with "dir" and whose tag starts
// with "tag"; for a plain "tag", those of any file whose tag starts with it. The reports carry
// the metric name, the step, the event's wall time and the value. `notes` gets one line per
// file that did not read to its end.
std::vector<engine::MetricReport> tf_event_metrics(const std::filesystem::path& directory,
                                                   const std::vector<std::string>& metric_names,
                                                   std::vector<std::string>* notes);

}  // namespace sextant::trials
