// Reading and checking spec.metricsCollectorSpec.
#include "engine/spec/metrics_collector.hpp"

#include "engine/error.hpp"
#include "engine/spec/field_path.hpp"
#include "engine/spec/field_reader.hpp"
#include "engine/spec/metrics_regex.hpp"
#include "engine/spec/number_text.hpp"

namespace sextant::engine {

namespace {

using nlohmann::json;

bool parse_kind(const std::string& text, CollectorKind& out) {
  for (auto k : {CollectorKind::kStdOut, CollectorKind::kFile, CollectorKind::kTensorFlowEvent,
                 CollectorKind::kPrometheusMetric, CollectorKind::kCustom, CollectorKind::kPush})
    if (text == to_string(k)) {
      out = k;
      return true;
    }
  return false;
}

void check_filters(const FieldReader& source, MetricsCollectorSpec& out) {
  FieldReader filter(source.get("filter"), source.field("filter"), source.problems(),
                     Need::kOptional);
  filter.reject_unknown({"metricsFormat"});
  const json* formats = filter.list("metricsFormat");
  if (formats == nullptr) return;
  for (size_t i = 0; i < formats->size(); ++i) {
    auto item_path = path_index(filter.field("metricsFormat"), i);
    auto pattern = read_string((*formats)[i], item_path, source.problems());
    if (!pattern) continue;
    try {
      auto re = compile_metrics_filter(*pattern);
      if (re.mark_count() < 2) {
        source.problems().add(item_path,
                              "needs two capture groups, (metric name) then (value); found " +
                                  std::to_string(re.mark_count()));
        continue;
      }
    } catch (const Error& e) {
      source.problems().add(item_path, e.message());
      continue;
    }
    out.filters.push_back(*pattern);
  }
}

void check_file_path(const FieldReader& fs, CollectorKind kind, MetricsCollectorSpec& out) {
  ProblemList& problems = fs.problems();
  if (auto path = fs.string("path", Need::kRequired)) {
    if (path->empty() || path->front() != '/')
      problems.add(fs.field("path"), "must be an absolute path, found " + quote(*path));
    out.file_path = *path;
  }
  auto path_kind = fs.string("kind", Need::kRequired);
  if (path_kind) out.file_path_kind = *path_kind;
  auto format = fs.string("format");
  if (kind == CollectorKind::kFile) {
    if (path_kind && *path_kind != "File")
      problems.add(fs.field("kind"),
                   "must be File for a File collector, found " + quote(*path_kind));
    if (format && *format == "JSON")
      out.format = FileFormat::kJson;
    else if (format && !format->empty() && *format != "TEXT")
      problems.add(fs.field("format"),
                   "unknown format " + quote(*format) + "; expected TEXT or JSON");
  } else if (kind == CollectorKind::kTensorFlowEvent) {
    if (path_kind && *path_kind != "Directory")
      problems.add(fs.field("kind"),
                   "must be Directory for a TensorFlowEvent collector, found " + quote(*path_kind));
    if (format && !format->empty())
      problems.add(fs.field("format"), "must not be set for a TensorFlowEvent collector");
  } else {  // Custom
    if (path_kind && *path_kind != "File" && *path_kind != "Directory")
      problems.add(fs.field("kind"), "expected File or Directory, found " + quote(*path_kind));
    if (format && !format->empty() && *format != "TEXT" && *format != "JSON")
      problems.add(fs.field("format"),
                   "unknown format " + quote(*format) + "; expected TEXT or JSON");
    if (format && *format == "JSON") out.format = FileFormat::kJson;
  }
}

void check_http_get(const FieldReader& source) {
  ProblemList& problems = source.problems();
  FieldReader http(source.get("httpGet"), source.field("httpGet"), problems);
  if (!http.ok()) return;
  if (const json* port = http.get("port")) {
    long long n = 0;
    bool ok = (port->is_number_integer() && (n = port->get<long long>()) > 0) ||
              (port->is_string() && parse_integer(port->get<std::string>(), n) && n > 0);
    if (!ok || n > 65535)
      problems.add(http.field("port"),
                   "expected a port number (1-65535), found " + describe_value(*port));
  } else {
    problems.add(http.field("port"), "is required");
  }
  if (auto path = http.string("path", Need::kRequired);
      path && (path->empty() || path->front() != '/'))
    problems.add(http.field("path"), "must start with \"/\", found " + quote(*path));
}

}  // namespace

MetricsCollectorSpec read_metrics_collector(const json* value, const std::string& path,
                                            ProblemList& problems) {
  MetricsCollectorSpec out;
  FieldReader spec(value, path, problems, Need::kOptional);
  if (!spec.ok()) return out;
  spec.reject_unknown({"source", "collector"});
  FieldReader collector(spec.get("collector"), spec.field("collector"), problems, Need::kOptional);
  collector.reject_unknown({"kind", "customCollector"});
  bool kind_known = true;
  if (collector.ok()) {
    if (auto kind = collector.string("kind", Need::kRequired)) {
      kind_known = parse_kind(*kind, out.kind);
      if (!kind_known)
        problems.add(collector.field("kind"),
                     "unknown collector kind " + quote(*kind) +
                         "; expected StdOut, File, TensorFlowEvent, PrometheusMetric, Custom or "
                         "Push" +
                         (*kind == "None" ? " (Katib's former None is now Push)" : ""));
    } else {
      kind_known = false;
    }
  }
  FieldReader source(spec.get("source"), spec.field("source"), problems, Need::kOptional);
  source.reject_unknown({"httpGet", "fileSystemPath", "filter"});
  check_filters(source, out);
  if (!kind_known) return out;

  const std::string kind_name = to_string(out.kind);
  switch (out.kind) {
    case CollectorKind::kFile:
    case CollectorKind::kTensorFlowEvent: {
      if (!source.has("fileSystemPath")) {
        problems.add(source.ok() ? source.field("fileSystemPath") : spec.field("source"),
                     "source.fileSystemPath is required for a " + kind_name + " collector");
        break;
      }
      FieldReader fs(source.get("fileSystemPath"), source.field("fileSystemPath"), problems);
      if (fs.ok()) check_file_path(fs, out.kind, out);
      if (out.format == FileFormat::kJson && source.has("filter"))
        problems.add(source.field("filter"),
                     "must not be set with format JSON (JSON metrics are read by key)");
      break;
    }
    case CollectorKind::kPrometheusMetric:
      if (!source.has("httpGet"))
        problems.add(source.ok() ? source.field("httpGet") : spec.field("source"),
                     "source.httpGet is required for a PrometheusMetric collector");
      else
        check_http_get(source);
      break;
    case CollectorKind::kCustom: {
      collector.map("customCollector", Need::kRequired);
      if (source.has("fileSystemPath")) {
        FieldReader fs(source.get("fileSystemPath"), source.field("fileSystemPath"), problems);
        if (fs.ok()) check_file_path(fs, out.kind, out);
      }
      break;
    }
    case CollectorKind::kStdOut:
    case CollectorKind::kPush:
      break;
  }
  return out;
}

}  // namespace sextant::engine
