// HttpConnection over the orchestration library's HttpClient (keep-alive, deadlines), with the
// server's URL in every error.
#include "serving/http/http_client.hpp"

#include <algorithm>
#include <cctype>

#include "engine/error.hpp"
#include "orchestration/http/http_client.hpp"

namespace sextant::serving {

std::string HttpUrl::text() const {
  return "http://" + host + ":" + std::to_string(port) + base_path;
}

HttpUrl parse_http_url(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0)
    throw Error(ErrorCode::kInvalidArgument,
                "\"" + url + "\" is not a server URL: expected http://HOST:PORT");
  std::string rest = url.substr(kScheme.size());
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  HttpUrl out;
  if (slash != std::string::npos) {
    out.base_path = rest.substr(slash);
    while (!out.base_path.empty() && out.base_path.back() == '/') out.base_path.pop_back();
  }
  size_t colon = authority.rfind(':');
  out.host = authority.substr(0, colon);
  if (colon != std::string::npos) {
    std::string port = authority.substr(colon + 1);
    bool digits = !port.empty() && port.size() <= 5;
    for (char c : port) digits = digits && std::isdigit(static_cast<unsigned char>(c));
    if (!digits || std::stoi(port) == 0 || std::stoi(port) > 65535)
      throw Error(ErrorCode::kInvalidArgument, "\"" + url + "\": \"" + port + "\" is not a port");
    out.port = static_cast<uint16_t>(std::stoi(port));
  }
  if (out.host.empty()) throw Error(ErrorCode::kInvalidArgument, "\"" + url + "\" has no host");
  return out;
}

struct HttpConnection::Impl {
  HttpUrl url;
  std::unique_ptr<orchestration::HttpClient> client;
};

HttpConnection::HttpConnection(HttpUrl url, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  orchestration::HttpClientConfig config;
  config.base_url = url.text();
  config.connect_timeout = std::min(timeout, config.connect_timeout);
  config.request_timeout = timeout;
  impl_->url = std::move(url);
  impl_->client = std::make_unique<orchestration::HttpClient>(std::move(config));
}

HttpConnection::~HttpConnection() = default;

HttpReply HttpConnection::request(const std::string& method, const std::string& path,
                                  const std::string& body, const std::string& content_type) {
  try {
    auto result = impl_->client->request(method, path, body, content_type);
    return {result.status, std::move(result.body)};
  } catch (const Error& e) {
    throw Error(e.code(), "cannot reach " + impl_->url.text() + ": " + e.message());
  }
}

HttpReply http_request(const std::string& url, const std::string& method, const std::string& path,
                       const std::string& body, std::chrono::milliseconds timeout) {
  HttpConnection connection(parse_http_url(url), timeout);
  return connection.request(method, path, body);
}

}  // namespace sextant::serving
