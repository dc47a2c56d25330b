// LocalPromoter: the model repository on disk and the load request to `sextant serve`.
#include "serving/promote/local_promoter.hpp"

#include <nlohmann/json.hpp>

#include "engine/error.hpp"
#include "serving/http/http_client.hpp"
#include "serving/model/model_loader.hpp"

namespace sextant::serving {
namespace {

namespace fs = std::filesystem;

fs::path version_dir(const engine::PromoterSettings& s, const engine::PromotionRequest& r) {
  return s.models_dir / r.model / std::to_string(r.version);
}

std::string server_message(const HttpReply& reply) {
  try {
    auto body = nlohmann::json::parse(reply.body);
    if (body.contains("error")) {
      const auto& e = body["error"];
      return e.is_string() ? e.get<std::string>() : e.value("message", e.dump());
    }
  } catch (...) {
  }
  return reply.body;
}

}  // namespace

std::string local_artifact_path(const std::string& artifact) {
  if (artifact.rfind("file://", 0) == 0) return artifact.substr(7);
  if (artifact.find("://") != std::string::npos) return "";
  return artifact;
}

std::vector<std::string> LocalPromoter::plan(const engine::PromotionRequest& r) const {
  return {
      "copy " + r.artifact + " to " + version_dir(settings_, r).string(),
      "load it here and run a smoke inference (" + r.format + ")",
      "POST " + settings_.server_url + "/v2/repository/models/" + r.model +
          "/load {\"parameters\": {\"version\": \"" + std::to_string(r.version) +
          "\"}}: the server loads, verifies and swaps version " + std::to_string(r.version) + " in",
      "check GET " + settings_.server_url + "/v2/models/" + r.model + "/versions/" +
          std::to_string(r.version) + "/ready",
  };
}

fs::path LocalPromoter::install(const engine::PromotionRequest& r, bool& created) const {
  created = false;
  auto target = version_dir(settings_, r);
  if (fs::is_directory(target)) {
    load_model(target);  // still loadable? (a rollback to a version deleted by hand fails here)
    return target;
  }
  auto source = local_artifact_path(r.artifact);
  if (source.empty())
    throw Error(ErrorCode::kInvalidArgument, "the local target needs the model on this machine; " +
                                                 r.artifact + " is remote (use --target kserve)");
  if (!fs::is_directory(source))
    throw Error(ErrorCode::kNotFound, "the artifact directory " + source + " does not exist");
  auto incoming = target.parent_path() / ("." + target.filename().string() + ".incoming");
  std::error_code ec;
  fs::remove_all(incoming, ec);
  fs::create_directories(incoming.parent_path(), ec);
  fs::copy(source, incoming, fs::copy_options::recursive, ec);
  if (ec)
    throw Error(ErrorCode::kUnavailable,
                "cannot copy " + source + " to " + incoming.string() + ": " + ec.message());
  try {
    load_model(incoming);
  } catch (const Error& e) {
    fs::remove_all(incoming, ec);
    throw Error(ErrorCode::kInvalidArgument,
                "refused version " + std::to_string(r.version) + " of " + r.model + ": " +
                    e.message().substr(e.message().find(": ") + 2) + " (artifact " + source + ")");
  }
  fs::rename(incoming, target, ec);
  if (ec)
    throw Error(ErrorCode::kUnavailable,
                "cannot rename " + incoming.string() + ": " + ec.message());
  created = true;
  return target;
}

bool LocalPromoter::notify_server(const engine::PromotionRequest& r,
                                  engine::PromotionOutcome& outcome) const {
  auto url = parse_http_url(settings_.server_url);
  auto timeout = std::min(settings_.timeout, std::chrono::milliseconds(30'000));
  HttpConnection connection(url, timeout);
  HttpReply reply;
  std::string body =
      nlohmann::json{{"parameters", {{"version", std::to_string(r.version)}}}}.dump();
  try {
    reply = connection.request("POST", "/v2/repository/models/" + r.model + "/load", body);
  } catch (const Error& e) {
    if (settings_.server_required) throw;
    outcome.notes.push_back("no sextant serve answers at " + url.text() +
                            "; it serves this version when it starts (" + e.message() + ")");
    return false;
  }
  if (reply.status != 200)
    throw Error(reply.status == 404   ? ErrorCode::kNotFound
                : reply.status == 400 ? ErrorCode::kInvalidArgument
                                      : ErrorCode::kUnavailable,
                "the server at " + url.text() + " refused version " + std::to_string(r.version) +
                    " of " + r.model + " (HTTP " + std::to_string(reply.status) +
                    "): " + server_message(reply) + "; it keeps serving the previous version");
  reply = connection.request(
      "GET", "/v2/models/" + r.model + "/versions/" + std::to_string(r.version) + "/ready");
  if (reply.status != 200)
    throw Error(ErrorCode::kUnavailable,
                "the server at " + url.text() + " loaded version " + std::to_string(r.version) +
                    " of " + r.model + " but does not report it ready: " + server_message(reply));
  outcome.notes.push_back("the server at " + url.text() + " serves version " +
                          std::to_string(r.version) + " of " + r.model);
  return true;
}

engine::PromotionOutcome LocalPromoter::promote(const engine::PromotionRequest& r) {
  if (r.canary_percent > 0)
    throw Error(ErrorCode::kInvalidArgument,
                "--canary needs --target kserve: the local server swaps whole versions atomically",
                "--canary");
  engine::PromotionOutcome outcome;
  if (settings_.server_required) {
    // Fail before touching the repository when the server is not there.
    HttpConnection probe(parse_http_url(settings_.server_url), std::chrono::milliseconds(5000));
    probe.request("GET", "/v2/health/live");
  }
  bool created = false;
  auto directory = install(r, created);
  outcome.location = directory.string();
  outcome.notes.push_back((created ? "copied and verified " : "found verified ") +
                          directory.string());
  try {
    notify_server(r, outcome);
  } catch (...) {
    std::error_code ec;
    if (created) fs::remove_all(directory, ec);
    throw;
  }
  return outcome;
}

engine::PromotionOutcome LocalPromoter::rollback(const engine::PromotionRequest& r) {
  engine::PromotionRequest request = r;
  request.canary_percent = 0;
  return promote(request);
}

}  // namespace sextant::serving
