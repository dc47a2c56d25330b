// HttpClient on Boost.Beast and OpenSSL: asynchronous operations driven in short slices so that
// every wait has a deadline and streams notice a stop request. Beast stays inside this file.
#include "orchestration/http/http_client.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cctype>
#include <limits>
#include <mutex>
#include <optional>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "engine/error.hpp"

namespace sextant::orchestration {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kSlice{200};  // how often a stream looks at its stop flag
constexpr size_t kMaxPooled = 4;
constexpr uint64_t kBodyLimit = 1024ull * 1024 * 1024;
constexpr size_t kMaxErrorBody = 1024 * 1024;

struct Endpoint {
  bool tls = false;
  std::string host;
  std::string port;
  std::string base_path;  // "" or "/prefix"
  std::string origin;     // "https://host:port", for messages
};

Endpoint parse_base_url(const std::string& url) {
  Endpoint e;
  std::string rest;
  if (url.rfind("https://", 0) == 0) {
    e.tls = true;
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else {
    throw Error(ErrorCode::kInvalidArgument,
                "\"" + url + "\" is not a server URL: expected https://HOST[:PORT] or http://...");
  }
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) {
    e.base_path = rest.substr(slash);
    while (!e.base_path.empty() && e.base_path.back() == '/') e.base_path.pop_back();
  }
  e.port = e.tls ? "443" : "80";
  if (authority.starts_with('[')) {
    size_t close = authority.find(']');
    if (close == std::string::npos)
      throw Error(ErrorCode::kInvalidArgument, "\"" + url + "\": unclosed '[' in the host");
    e.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':')
      e.port = authority.substr(close + 2);
  } else {
    size_t colon = authority.rfind(':');
    e.host = authority.substr(0, colon);
    if (colon != std::string::npos) e.port = authority.substr(colon + 1);
  }
  if (e.host.empty()) throw Error(ErrorCode::kInvalidArgument, "\"" + url + "\" has no host");
  e.origin = url.substr(0, url.size() - (slash == std::string::npos ? 0 : rest.size() - slash));
  return e;
}

bool is_ip_address(const std::string& host) {
  beast::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

std::string openssl_errors() {
  std::string text;
  while (unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    if (!text.empty()) text += "; ";
    text += buffer;
  }
  return text;
}

std::string seconds_text(milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + "s";
  return std::to_string(d.count()) + "ms";
}

// One TCP or TLS connection with its own io_context (so requests on different connections run
// in parallel without sharing threads).
struct Connection {
  asio::io_context ioc{1};
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }

  // Runs the io_context until `done`; cancels the pending operation when *stop turns true
  // (returns false then) or when `deadline` passes (the tcp_stream's own expiry also applies).
  bool run(const bool& done, const std::atomic<bool>* stop) {
    ioc.restart();
    bool stopped = false;
    while (!done) {
      ioc.run_for(kSlice);
      if (!done && !stopped && stop && stop->load()) {
        stopped = true;
        lowest().cancel();
      }
      if (ioc.stopped() && !done) ioc.restart();
    }
    return !stopped;
  }

  template <class Fn>
  void with_stream(Fn&& fn) {
    if (tls)
      fn(*tls);
    else
      fn(*plain);
  }
};

}  // namespace

struct HttpClient::Impl {
  HttpClientConfig config;
  Endpoint endpoint;
  std::optional<ssl::context> tls_context;
  std::mutex mutex;
  std::vector<std::unique_ptr<Connection>> idle;

  void build_tls_context() {
    tls_context.emplace(ssl::context::tls_client);
    auto& ctx = *tls_context;
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                    ssl::context::no_sslv3);
    beast::error_code ec;
    if (config.insecure_skip_tls_verify) {
      ctx.set_verify_mode(ssl::verify_none);
    } else {
      ctx.set_verify_mode(ssl::verify_peer);
      if (!config.ca_pem.empty()) {
        ctx.add_certificate_authority(asio::buffer(config.ca_pem), ec);
        if (ec)
          throw Error(
              ErrorCode::kInvalidArgument,
              "the CA certificate for " + endpoint.origin +
                  " (certificate-authority-data) is not a valid PEM certificate: " + ec.message());
      } else {
        ctx.set_default_verify_paths(ec);
      }
    }
    if (!config.client_certificate_pem.empty() || !config.client_key_pem.empty()) {
      ctx.use_certificate_chain(asio::buffer(config.client_certificate_pem), ec);
      if (ec)
        throw Error(ErrorCode::kInvalidArgument,
                    "the client certificate (client-certificate-data) is not a valid PEM "
                    "certificate: " +
                        ec.message());
      ctx.use_private_key(asio::buffer(config.client_key_pem), ssl::context::pem, ec);
      if (ec)
        throw Error(ErrorCode::kInvalidArgument,
                    "the client key (client-key-data) is not a valid PEM key matching the client "
                    "certificate: " +
                        ec.message());
    }
  }

  [[noreturn]] void unavailable(const std::string& what) const {
    throw Error(ErrorCode::kUnavailable, endpoint.origin + ": " + what);
  }

  std::unique_ptr<Connection> connect() {
    auto c = std::make_unique<Connection>();
    auto deadline = Clock::now() + config.connect_timeout;
    tcp::resolver resolver(c->ioc);
    bool done = false;
    beast::error_code ec;
    tcp::resolver::results_type results;
    resolver.async_resolve(endpoint.host, endpoint.port,
                           [&](beast::error_code e, tcp::resolver::results_type r) {
                             ec = e;
                             results = std::move(r);
                             done = true;
                           });
    c->ioc.restart();
    while (!done) {
      c->ioc.run_for(kSlice);
      if (!done && Clock::now() > deadline) resolver.cancel();
    }
    if (ec)
      throw Error(ErrorCode::kUnavailable, "cannot connect to " + endpoint.origin +
                                               ": cannot resolve " + endpoint.host + ": " +
                                               ec.message());

    if (endpoint.tls)
      c->tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(c->ioc, *tls_context);
    else
      c->plain = std::make_unique<beast::tcp_stream>(c->ioc);
    auto& lowest = c->lowest();
    lowest.expires_at(deadline);
    done = false;
    lowest.async_connect(results, [&](beast::error_code e, const tcp::endpoint&) {
      ec = e;
      done = true;
    });
    c->run(done, nullptr);
    if (ec) {
      if (ec == beast::error::timeout)
        throw Error(ErrorCode::kUnavailable, "cannot connect to " + endpoint.origin +
                                                 ": no answer within " +
                                                 seconds_text(config.connect_timeout));
      throw Error(ErrorCode::kUnavailable,
                  "cannot connect to " + endpoint.origin + ": " + ec.message());
    }
    beast::error_code ignored;
    lowest.socket().set_option(tcp::no_delay(true), ignored);
    if (c->tls) handshake(*c, deadline);
    lowest.expires_never();
    return c;
  }

  void handshake(Connection& c, Clock::time_point deadline) {
    SSL* native = c.tls->native_handle();
    std::string name = config.tls_server_name.empty() ? endpoint.host : config.tls_server_name;
    if (!is_ip_address(name)) SSL_set_tlsext_host_name(native, name.c_str());
    if (!config.insecure_skip_tls_verify) {
      // OpenSSL's own host check, so a mismatch is reported as such by the verify result.
      X509_VERIFY_PARAM* param = SSL_get0_param(native);
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      if (is_ip_address(name))
        X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str());
      else
        X509_VERIFY_PARAM_set1_host(param, name.c_str(), 0);
    }
    c.lowest().expires_at(deadline);
    bool done = false;
    beast::error_code ec;
    c.tls->async_handshake(ssl::stream_base::client, [&](beast::error_code e) {
      ec = e;
      done = true;
    });
    c.run(done, nullptr);
    if (!ec) return;
    long verify = SSL_get_verify_result(native);
    if (verify != X509_V_OK) {
      // A configuration problem, not an outage: retrying would not help.
      throw Error(ErrorCode::kInvalidArgument,
                  "TLS: cannot verify the server certificate of " + endpoint.origin + ": " +
                      X509_verify_cert_error_string(verify) +
                      " (check the cluster's certificate-authority-data and tls-server-name, or "
                      "set insecure-skip-tls-verify)");
    }
    if (ec == beast::error::timeout)
      throw Error(ErrorCode::kUnavailable, "TLS handshake with " + endpoint.origin +
                                               ": no answer within " +
                                               seconds_text(config.connect_timeout));
    std::string detail = openssl_errors();
    throw Error(ErrorCode::kUnavailable, "TLS handshake with " + endpoint.origin +
                                             " failed: " + ec.message() +
                                             (detail.empty() ? "" : " (" + detail + ")"));
  }

  std::unique_ptr<Connection> take_idle() {
    std::lock_guard lock(mutex);
    if (idle.empty()) return nullptr;
    auto c = std::move(idle.back());
    idle.pop_back();
    return c;
  }

  void give_back(std::unique_ptr<Connection> c) {
    std::lock_guard lock(mutex);
    if (idle.size() < kMaxPooled) idle.push_back(std::move(c));
  }

  http::request<http::string_body> make_request(const std::string& method,
                                                const std::string& path_and_query,
                                                const std::string& body,
                                                const std::string& content_type) {
    std::string target = endpoint.base_path + path_and_query;
    if (target.empty() || target[0] != '/') target = "/" + target;
    http::request<http::string_body> req;
    req.method_string(method);
    req.target(target);
    req.version(11);
    bool default_port = endpoint.port == (endpoint.tls ? "443" : "80");
    std::string host =
        endpoint.host.find(':') != std::string::npos ? "[" + endpoint.host + "]" : endpoint.host;
    req.set(http::field::host, default_port ? host : host + ":" + endpoint.port);
    req.set(http::field::user_agent, "sextant");
    req.set(http::field::accept, "application/json, */*");
    if (config.bearer_token) {
      std::string token = config.bearer_token();
      if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
    }
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
      req.set(http::field::content_type, content_type);
      req.body() = body;
    }
    req.keep_alive(true);
    req.prepare_payload();
    return req;
  }

  // Writes the request; false when the connection turned out to be closed (a stale pooled one).
  beast::error_code write(Connection& c, http::request<http::string_body>& req,
                          Clock::time_point deadline) {
    c.lowest().expires_at(deadline);
    bool done = false;
    beast::error_code ec;
    c.with_stream([&](auto& s) {
      http::async_write(s, req, [&](beast::error_code e, size_t) {
        ec = e;
        done = true;
      });
    });
    c.run(done, nullptr);
    return ec;
  }

  static bool is_stale(const beast::error_code& ec) {
    return ec == http::error::end_of_stream || ec == asio::error::connection_reset ||
           ec == asio::error::broken_pipe || ec == asio::error::eof ||
           ec == ssl::error::stream_truncated;
  }

  std::string describe(const std::string& method, const std::string& target,
                       const beast::error_code& ec, milliseconds timeout) const {
    if (ec == beast::error::timeout)
      return "no answer to " + method + " " + target + " within " + seconds_text(timeout);
    return method + " " + target + ": " + ec.message();
  }

  HttpResult request(const std::string& method, const std::string& path_and_query,
                     const std::string& body, const std::string& content_type) {
    auto req = make_request(method, path_and_query, body, content_type);
    for (int attempt = 0;; ++attempt) {
      auto c = attempt == 0 ? take_idle() : nullptr;
      bool reused = c != nullptr;
      if (!c) c = connect();
      auto deadline = Clock::now() + config.request_timeout;
      beast::error_code ec = write(*c, req, deadline);
      if (ec && reused && is_stale(ec)) continue;
      if (ec) unavailable(describe(method, path_and_query, ec, config.request_timeout));

      http::response_parser<http::string_body> parser;
      parser.body_limit(kBodyLimit);
      bool done = false;
      c->with_stream([&](auto& s) {
        http::async_read(s, c->buffer, parser, [&](beast::error_code e, size_t) {
          ec = e;
          done = true;
        });
      });
      c->run(done, nullptr);
      if (ec && reused && is_stale(ec) && !parser.got_some()) continue;
      if (ec) unavailable(describe(method, path_and_query, ec, config.request_timeout));

      auto message = parser.release();
      HttpResult result;
      result.status = static_cast<int>(message.result_int());
      for (const auto& field : message) {
        std::string name(field.name_string());
        for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        result.headers[name] = std::string(field.value());
      }
      result.body = std::move(message.body());
      if (message.keep_alive()) {
        c->lowest().expires_never();
        give_back(std::move(c));
      }
      return result;
    }
  }

  HttpResult stream(const std::string& method, const std::string& path_and_query,
                    const std::function<bool(std::string_view)>& on_chunk,
                    const std::atomic<bool>* stop, milliseconds idle_timeout) {
    auto req = make_request(method, path_and_query, "", "application/json");
    req.keep_alive(false);
    auto c = connect();
    auto deadline = Clock::now() + config.request_timeout;
    beast::error_code ec = write(*c, req, deadline);
    if (ec) unavailable(describe(method, path_and_query, ec, config.request_timeout));

    http::response_parser<http::buffer_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());  // none breaks Beast 1.74
    bool done = false;
    c->lowest().expires_at(deadline);
    c->with_stream([&](auto& s) {
      http::async_read_header(s, c->buffer, parser, [&](beast::error_code e, size_t) {
        ec = e;
        done = true;
      });
    });
    HttpResult result;
    if (!c->run(done, stop)) return result;
    if (ec) unavailable(describe(method, path_and_query, ec, config.request_timeout));
    result.status = static_cast<int>(parser.get().result_int());
    for (const auto& field : parser.get()) {
      std::string name(field.name_string());
      for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      result.headers[name] = std::string(field.value());
    }
    bool success = result.status >= 200 && result.status < 300;

    char chunk[16 * 1024];
    while (!parser.is_done()) {
      parser.get().body().data = chunk;
      parser.get().body().size = sizeof chunk;
      if (idle_timeout.count() > 0)
        c->lowest().expires_after(idle_timeout);
      else if (success)
        c->lowest().expires_never();
      else
        c->lowest().expires_at(Clock::now() + config.request_timeout);
      done = false;
      c->with_stream([&](auto& s) {
        http::async_read_some(s, c->buffer, parser, [&](beast::error_code e, size_t) {
          ec = e;
          done = true;
        });
      });
      if (!c->run(done, stop)) return result;
      if (ec == http::error::need_buffer) ec = {};
      size_t got = sizeof chunk - parser.get().body().size;
      if (got > 0) {
        if (success) {
          if (!on_chunk(std::string_view(chunk, got))) return result;
        } else if (result.body.size() < kMaxErrorBody) {
          result.body.append(chunk, got);
        }
      }
      if (ec == http::error::end_of_stream || ec == ssl::error::stream_truncated) break;
      if (ec == beast::error::timeout && idle_timeout.count() > 0)
        unavailable(method + " " + path_and_query + ": nothing received for " +
                    seconds_text(idle_timeout));
      if (ec) unavailable(describe(method, path_and_query, ec, config.request_timeout));
    }
    return result;
  }
};

HttpClient::HttpClient(HttpClientConfig config) : impl_(std::make_unique<Impl>()) {
  impl_->config = std::move(config);
  impl_->endpoint = parse_base_url(impl_->config.base_url);
  if (impl_->endpoint.tls) impl_->build_tls_context();
}

HttpClient::~HttpClient() = default;

const HttpClientConfig& HttpClient::config() const {
  return impl_->config;
}

HttpResult HttpClient::request(const std::string& method, const std::string& path_and_query,
                               const std::string& body, const std::string& content_type) {
  return impl_->request(method, path_and_query, body, content_type);
}

HttpResult HttpClient::stream_response(const std::string& method, const std::string& path_and_query,
                                       const std::function<bool(std::string_view)>& on_chunk,
                                       const std::atomic<bool>* stop,
                                       std::chrono::milliseconds idle_timeout) {
  return impl_->stream(method, path_and_query, on_chunk, stop, idle_timeout);
}

int HttpClient::stream(const std::string& method, const std::string& path_and_query,
                       const std::function<bool(std::string_view)>& on_chunk,
                       const std::atomic<bool>* stop) {
  return stream_response(method, path_and_query, on_chunk, stop).status;
}

}  // namespace sextant::orchestration
