// OIP v2 handlers: metadata, health, inference with validation, and the repository extension.
#include "serving/server/oip_service.hpp"

#include "engine/error.hpp"
#include "serving/model/model_loader.hpp"

namespace sextant::serving {
namespace {

using engine::HttpRequest;
using engine::HttpResponse;
using engine::RouteParams;
using nlohmann::json;

HttpResponse json_response(const json& body, int status = 200) {
  HttpResponse response;
  response.status = status;
  response.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return response;
}

// Every handler answers errors in the protocol's shape, whatever it throws.
engine::RouteHandler guarded(engine::RouteHandler handler) {
  return [handler = std::move(handler)](const HttpRequest& request, const RouteParams& params) {
    try {
      return handler(request, params);
    } catch (const Error& e) {
      return oip_error(engine::http_status_for(e.code()), e.what());
    } catch (const std::exception& e) {
      return oip_error(500, std::string("internal error: ") + e.what());
    }
  };
}

json parse_body(const HttpRequest& request) {
  if (request.body.empty()) return json::object();
  try {
    return json::parse(request.body);
  } catch (const json::parse_error& e) {
    throw Error(ErrorCode::kInvalidArgument, std::string("the body is not JSON: ") + e.what());
  }
}

int64_t parse_version(const std::string& text) {
  size_t used = 0;
  int64_t version = -1;
  try {
    version = std::stoll(text, &used);
  } catch (...) {
  }
  if (used != text.size() || version < 1)
    throw Error(ErrorCode::kNotFound,
                "version \"" + text + "\" is not a version number (1, 2, ...)");
  return version;
}

json model_metadata(const LoadedModel& m) {
  const auto& sig = m.model->signature();
  json outputs = json::array();
  for (const auto& o : sig.outputs) outputs.push_back(o.to_json());
  return {{"name", m.name},
          {"versions", {std::to_string(m.version)}},
          {"platform", sig.platform},
          {"inputs", {sig.input.to_json()}},
          {"outputs", outputs}};
}

}  // namespace

HttpResponse oip_error(int status, const std::string& message) {
  return json_response({{"error", message}}, status);
}

OipService::OipService(ModelTable& table, OipOptions options)
    : table_(table), options_(std::move(options)) {
  router_.add("GET", "/v2", guarded([](const HttpRequest&, const RouteParams&) {
                return json_response({{"name", kServerName},
                                      {"version", kServerVersion},
                                      {"extensions", {"model_repository"}}});
              }));
  router_.add("GET", "/v2/health/live", guarded([](const HttpRequest&, const RouteParams&) {
                return json_response({{"live", true}});
              }));
  // Ready once constructed: `sextant serve` builds this after loading its production models.
  router_.add("GET", "/v2/health/ready", guarded([](const HttpRequest&, const RouteParams&) {
                return json_response({{"ready", true}});
              }));
  auto metadata = guarded([this](const HttpRequest&, const RouteParams& params) {
    return json_response(model_metadata(*find(params)));
  });
  auto ready = guarded([this](const HttpRequest&, const RouteParams& params) {
    auto m = find(params);
    return json_response({{"name", m->name}, {"ready", true}});
  });
  auto infer = guarded([this](const HttpRequest& request, const RouteParams& params) {
    auto m = find(params);  // held until the answer is built: a swap cannot free it
    return this->infer(request, *m);
  });
  for (const std::string prefix : {"/v2/models/{model}", "/v2/models/{model}/versions/{version}"}) {
    router_.add("GET", prefix, metadata);
    router_.add("GET", prefix + "/ready", ready);
    router_.add("POST", prefix + "/infer", infer);
  }
  router_.add(
      "POST", "/v2/repository/index", guarded([this](const HttpRequest&, const RouteParams&) {
        json out = json::array();
        for (const auto& m : table_.all())
          out.push_back(
              {{"name", m->name}, {"version", std::to_string(m->version)}, {"state", "READY"}});
        return json_response(out);
      }));
  router_.add("POST", "/v2/repository/models/{model}/load",
              guarded([this](const HttpRequest& request, const RouteParams& params) {
                const auto& name = params.at("model");
                auto body = parse_body(request);
                std::optional<int64_t> version;
                if (body.contains("parameters") && body["parameters"].contains("version")) {
                  const auto& v = body["parameters"]["version"];
                  version = parse_version(v.is_string() ? v.get<std::string>() : v.dump());
                } else if (options_.default_version) {
                  version = options_.default_version(name);
                }
                if (!version)
                  throw Error(ErrorCode::kNotFound,
                              "model \"" + name +
                                  "\" has no production version to load; pass "
                                  "{\"parameters\": {\"version\": \"N\"}}");
                auto loaded = load(name, *version);
                return json_response(model_metadata(*loaded));
              }));
  router_.add("POST", "/v2/repository/models/{model}/unload",
              guarded([this](const HttpRequest&, const RouteParams& params) {
                if (!table_.remove(params.at("model")))
                  throw Error(ErrorCode::kNotFound,
                              "model \"" + params.at("model") + "\" is not loaded");
                return json_response({{"name", params.at("model")}, {"state", "UNAVAILABLE"}});
              }));
}

std::shared_ptr<const LoadedModel> OipService::load(const std::string& name, int64_t version) {
  auto directory = options_.models_dir / name / std::to_string(version);
  if (!std::filesystem::is_directory(directory))
    throw Error(ErrorCode::kNotFound, "version " + std::to_string(version) + " of model \"" + name +
                                          "\" is not in the model repository (" +
                                          directory.string() + ")");
  std::lock_guard lock(load_mutex_);
  // Load and verify first, outside the table: requests keep using the current version meanwhile.
  auto model = std::make_shared<LoadedModel>(LoadedModel{name, version, load_model(directory)});
  table_.put(model);
  return model;
}

std::shared_ptr<const LoadedModel> OipService::find(const RouteParams& params) const {
  const auto& name = params.at("model");
  auto model = table_.find(name);
  if (!model) throw Error(ErrorCode::kNotFound, "model \"" + name + "\" is not served here");
  if (auto v = params.find("version"); v != params.end()) {
    int64_t version = parse_version(v->second);
    if (version != model->version)
      throw Error(ErrorCode::kNotFound, "model \"" + name + "\" has no version " + v->second +
                                            " here (serving version " +
                                            std::to_string(model->version) + ")");
  }
  return model;
}

HttpResponse OipService::infer(const HttpRequest& request, const LoadedModel& m) const {
  const auto& sig = m.model->signature();
  auto body = parse_body(request);
  if (!body.is_object())
    throw Error(ErrorCode::kInvalidArgument, "the request must be a JSON object");
  if (body.contains("parameters") && !body["parameters"].is_object())
    throw Error(ErrorCode::kInvalidArgument, "\"parameters\" must be an object");
  auto inputs = body.find("inputs");
  if (inputs == body.end() || !inputs->is_array() || inputs->size() != 1)
    throw Error(ErrorCode::kInvalidArgument,
                "model \"" + m.name + "\" takes exactly one input: \"" + sig.input.name + "\" " +
                    to_string(sig.input.datatype) + " " + shape_text(sig.input.shape));
  auto tensor = tensor_from_json((*inputs)[0]);
  if (!is_numeric(tensor.datatype))
    throw Error(ErrorCode::kInvalidArgument,
                "input \"" + tensor.name + "\": datatype " + to_string(tensor.datatype) +
                    " is not accepted; the model expects " + to_string(sig.input.datatype) + " " +
                    shape_text(sig.input.shape));
  check_shape(tensor, sig.input);

  // The requested outputs, in the request's order; all of them when the request names none.
  std::vector<size_t> wanted;
  if (auto outputs = body.find("outputs"); outputs != body.end()) {
    if (!outputs->is_array())
      throw Error(ErrorCode::kInvalidArgument, "\"outputs\" must be an array of {\"name\": ...}");
    for (const auto& o : *outputs) {
      std::string name = o.is_object() ? o.value("name", "") : "";
      size_t i = 0;
      while (i < sig.outputs.size() && sig.outputs[i].name != name) ++i;
      if (i == sig.outputs.size()) {
        std::string known;
        for (const auto& s : sig.outputs) known += (known.empty() ? "\"" : ", \"") + s.name + "\"";
        throw Error(ErrorCode::kInvalidArgument,
                    "unknown output \"" + name + "\"; model \"" + m.name + "\" has " + known);
      }
      wanted.push_back(i);
    }
  } else {
    for (size_t i = 0; i < sig.outputs.size(); ++i) wanted.push_back(i);
  }

  auto results = m.model->predict(tensor);
  json response = {{"model_name", m.name}, {"model_version", std::to_string(m.version)}};
  if (auto id = body.find("id"); id != body.end() && id->is_string()) response["id"] = *id;
  json outputs = json::array();
  for (size_t i : wanted) outputs.push_back(tensor_to_json(results[i]));
  response["outputs"] = std::move(outputs);
  return json_response(response);
}

}  // namespace sextant::serving
