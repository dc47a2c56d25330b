// A small synchronous HTTP/1.1 client over TCP or TLS, for the Kubernetes and Kubeflow Pipelines
// REST APIs. Beast and OpenSSL stay inside http_client.cpp.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace sextant::orchestration {

struct HttpClientConfig {
  std::string base_url;  // "https://127.0.0.1:6443" or "http://host:port[/prefix]"
  std::string ca_pem;    // trust only these CA certificates when set, else the system roots
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;  // the name the certificate must carry; default the URL's host
  std::string client_certificate_pem;
  std::string client_key_pem;
  // Called before each request (exec plugins refresh); unset or "" = no Authorization header.
  std::function<std::string()> bearer_token;
  std::chrono::milliseconds connect_timeout{5000};   // TCP connect + TLS handshake
  std::chrono::milliseconds request_timeout{30000};  // a whole request() exchange
};

struct HttpResult {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names in lower case
};

// Contract:
// - request() sends one request and returns any HTTP status (non-2xx is not an error here).
//   Connections are kept alive and reused (a small pool; thread-safe). A reused connection the
//   server had closed is replaced transparently.
// - Throws sextant::Error(kUnavailable) naming the server when it cannot connect, the TLS
//   handshake fails, or no answer comes within the timeout; Error(kInvalidArgument) for an
//   unusable URL or PEM text, and for a server certificate that fails verification (untrusted
//   CA, wrong host name: the message says so and how to fix it; retrying would not help).
// - Sends "Accept: application/json, */*" and "User-Agent: sextant".
class HttpClient {
 public:
  explicit HttpClient(HttpClientConfig config);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  const HttpClientConfig& config() const;

  HttpResult request(const std::string& method, const std::string& path_and_query,
                     const std::string& body = "",
                     const std::string& content_type = "application/json");

  // Streams a response body (watch, follow logs) chunk by chunk until on_chunk returns false, the
  // server ends it, or *stop becomes true (checked at least every 200 ms). For a 2xx answer the
  // body goes to on_chunk and result.body stays empty; otherwise the body is collected into
  // result.body (the error object) and on_chunk is not called. idle_timeout > 0 ends the stream
  // with Error(kUnavailable) when nothing arrives for that long (a server gone silently); 0 waits
  // as long as the stream lasts. Connecting and the response header obey the config's timeouts.
  HttpResult stream_response(const std::string& method, const std::string& path_and_query,
                             const std::function<bool(std::string_view chunk)>& on_chunk,
                             const std::atomic<bool>* stop = nullptr,
                             std::chrono::milliseconds idle_timeout = {});

  // stream_response() returning only the status.
  int stream(const std::string& method, const std::string& path_and_query,
             const std::function<bool(std::string_view chunk)>& on_chunk,
             const std::atomic<bool>* stop = nullptr);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sextant::orchestration
