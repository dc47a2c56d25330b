// HttpConnection on Boost.Beast: connect with a deadline, then blocking reads and writes bounded
// by socket timeouts (cheaper per request than running an io_context per call).
#include "serving/http/http_client.hpp"

#include <sys/socket.h>
#include <sys/time.h>

#include <cctype>
#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "engine/error.hpp"

namespace sextant::serving {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

}  // namespace

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
  std::chrono::milliseconds timeout;
  asio::io_context ioc;
  std::optional<tcp::socket> socket;
  beast::flat_buffer buffer;

  [[noreturn]] void fail(const std::string& what, const beast::error_code& ec) {
    socket.reset();
    throw Error(ErrorCode::kUnavailable,
                "cannot reach " + url.text() + ": " + what + ": " +
                    (ec == beast::error::timeout || ec == asio::error::would_block ||
                             ec == asio::error::try_again
                         ? std::string("timed out after ") + std::to_string(timeout.count()) + " ms"
                         : ec.message()));
  }

  void connect() {
    beast::error_code ec;
    tcp::resolver resolver(ioc);
    auto addresses = resolver.resolve(url.host, std::to_string(url.port), ec);
    if (ec) fail("resolving " + url.host, ec);
    beast::tcp_stream stream(ioc);
    stream.expires_after(timeout);
    stream.async_connect(addresses, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
    ioc.restart();
    ioc.run();
    if (ec) fail("connecting", ec);
    socket.emplace(stream.release_socket());
    socket->set_option(tcp::no_delay(true), ec);
    timeval tv{static_cast<time_t>(timeout.count() / 1000),
               static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    ::setsockopt(socket->native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(socket->native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    buffer.clear();
  }

  // One exchange on the current socket; false when the server had closed it (retry once).
  bool exchange(const http::request<http::string_body>& request, HttpReply& reply, bool fresh) {
    beast::error_code ec;
    http::write(*socket, request, ec);
    if (ec) {
      if (!fresh) return false;
      fail("sending the request", ec);
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(256 * 1024 * 1024);
    http::read(*socket, buffer, parser, ec);
    if (ec) {
      if (!fresh && (ec == http::error::end_of_stream || ec == asio::error::connection_reset))
        return false;
      fail("reading the answer", ec);
    }
    auto& response = parser.get();
    reply.status = static_cast<int>(response.result_int());
    reply.body = std::move(response.body());
    if (!response.keep_alive()) socket.reset();
    return true;
  }
};

HttpConnection::HttpConnection(HttpUrl url, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  impl_->url = std::move(url);
  impl_->timeout = timeout;
}

HttpConnection::~HttpConnection() = default;

HttpReply HttpConnection::request(const std::string& method, const std::string& path,
                                  const std::string& body, const std::string& content_type) {
  http::request<http::string_body> request;
  request.method_string(method);
  request.target(impl_->url.base_path + path);
  request.version(11);
  request.set(http::field::host, impl_->url.host + ":" + std::to_string(impl_->url.port));
  request.set(http::field::user_agent, "sextant");
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    request.set(http::field::content_type, content_type);
    request.body() = body;
  }
  request.keep_alive(true);
  request.prepare_payload();
  HttpReply reply;
  bool fresh = !impl_->socket;
  if (fresh) impl_->connect();
  if (!impl_->exchange(request, reply, fresh)) {
    // The server closed the idle connection: one retry on a new one.
    impl_->connect();
    impl_->exchange(request, reply, true);
  }
  return reply;
}

HttpReply http_request(const std::string& url, const std::string& method, const std::string& path,
                       const std::string& body, std::chrono::milliseconds timeout) {
  HttpConnection connection(parse_http_url(url), timeout);
  return connection.request(method, path, body);
}

}  // namespace sextant::serving
