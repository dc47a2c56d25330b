// HttpServer on Boost.Beast: accept loop, one session per connection, bounded bodies, lingering
// close after an early error answer. Beast and Asio stay inside this file.
#include "engine/api/http_server.hpp"

#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <iostream>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace sextant::engine {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr auto kIdleTimeout = std::chrono::seconds(30);  // keep-alive wait for the next request
constexpr auto kIoTimeout = std::chrono::seconds(30);    // reading a body, writing a response
// After answering early (413, 400) the client may still be sending; reading and dropping what
// it sends for a moment lets it see the answer instead of a connection reset.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr size_t kMaxLingerBytes = 64 * 1024 * 1024;
constexpr size_t kHeaderLimit = 16 * 1024;

struct ServerConfig {
  HttpHandler handler;
  size_t max_body_bytes;
  HttpErrorFormat error_format;  // unset: the engine's error_response()
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const ServerConfig& config)
      : stream_(std::move(socket)), config_(config) {}

  void start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_header(); });
  }

 private:
  void read_header() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(config_.max_body_bytes);
    stream_.expires_after(kIdleTimeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    auto length = parser_->content_length();
    if (length && *length > config_.max_body_bytes) return reject_too_large();
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      continue_.emplace(http::status::continue_, 11);
      stream_.expires_after(kIoTimeout);
      http::async_write(stream_, *continue_,
                        [self = shared_from_this()](beast::error_code ec, size_t) {
                          if (ec) return self->close();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    stream_.expires_after(kIoTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->on_read_error(ec);
                       self->dispatch_request();
                     });
  }

  void on_read_error(beast::error_code ec) {
    if (ec == http::error::body_limit) return reject_too_large();
    if (ec == http::error::header_limit) {
      return send(
          server_error(431, "invalid_argument",
                         "request headers exceed " + std::to_string(kHeaderLimit) + " bytes"),
          true, true);
    }
    // A clean close between requests, a client gone mid-request, a timeout, a socket error:
    // nobody is left to answer.
    if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
        ec.category() != http::make_error_code(http::error::bad_target).category()) {
      return close();
    }
    send(server_error(400, "invalid_argument", "malformed HTTP request: " + ec.message()), true,
         true);
  }

  // Errors the server answers itself (before or after the handler), in the caller's format.
  HttpResponse server_error(int status, std::string_view code, const std::string& message) const {
    return config_.error_format ? config_.error_format(status, code, message)
                                : error_response(status, code, message);
  }

  void reject_too_large() {
    send(server_error(413, "payload_too_large",
                        "request body exceeds the limit of " +
                            std::to_string(config_.max_body_bytes) + " bytes"),
         true, true);
  }

  void dispatch_request() {
    auto message = parser_->release();
    bool keep_alive = message.keep_alive();
    HttpRequest request;
    request.method = std::string(message.method_string());
    auto raw_target = message.target();
    std::string_view target(raw_target.data(), raw_target.size());
    size_t question = target.find('?');
    request.target = std::string(target.substr(0, question));
    if (question != std::string_view::npos)
      request.query = std::string(target.substr(question + 1));
    for (const auto& field : message) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto [it, inserted] = request.headers.emplace(name, std::string(field.value()));
      if (!inserted) it->second += ", " + std::string(field.value());
    }
    request.body = std::move(message.body());
    beast::error_code ignored;
    auto peer = stream_.socket().remote_endpoint(ignored);
    if (!ignored) request.peer_address = peer.address().to_string();

    HttpResponse response;
    try {
      response = config_.handler(request);
    } catch (...) {
      response = current_exception_response();
    }
    send(std::move(response), !keep_alive, false);
  }

  void send(HttpResponse response, bool close_after, bool linger) {
    response_.emplace();
    try {
      fill(*response_, std::move(response), close_after);
    } catch (const std::exception& error) {
      // A handler answered something HTTP cannot carry (a body on 204, a bad header).
      response_.emplace();
      fill(*response_,
           server_error(500, "internal", std::string("unsendable response: ") + error.what()),
           close_after);
    }
    stream_.expires_after(kIoTimeout);
    http::async_write(
        stream_, *response_,
        [self = shared_from_this(), close_after, linger](beast::error_code ec, size_t) {
          self->on_write(ec, close_after, linger);
        });
  }

  static void fill(http::response<http::string_body>& out, HttpResponse in, bool close_after) {
    int status = in.status >= 100 && in.status <= 599 ? in.status : 500;
    out.version(11);
    out.result(static_cast<unsigned>(status));
    out.set(http::field::server, "sextant");
    if (!in.content_type.empty()) out.set(http::field::content_type, in.content_type);
    for (const auto& [name, value] : in.headers) out.set(name, value);
    out.keep_alive(!close_after);
    out.body() = std::move(in.body);
    out.prepare_payload();
  }

  void on_write(beast::error_code ec, bool close_after, bool linger) {
    response_.reset();
    if (ec) return close();
    if (!close_after) return read_header();
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    if (!linger) return close();
    drain_buffer_.resize(16 * 1024);
    stream_.expires_after(kLingerTime);
    drain();
  }

  void drain() {
    stream_.async_read_some(asio::buffer(drain_buffer_),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > kMaxLingerBytes) return self->close();
                              self->drain();
                            });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  const ServerConfig& config_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::empty_body>> continue_;
  std::optional<http::response<http::string_body>> response_;
  std::vector<char> drain_buffer_;
  size_t drained_ = 0;
};

}  // namespace

struct HttpServer::Impl {
  ServerConfig config;
  // One io_context per thread, each run by its thread alone: a connection lives on one of them
  // (round robin), so reading, the handler and writing happen on the thread that saw the socket
  // ready, with no hand-off between threads. A shared io_context costs two cross-thread wake-ups
  // per request (about 30 us on a small VM, more than the rest of a request).
  // Pointers so that stop() can destroy them in order: an io_context's destruction drops the
  // sessions still waiting on it, which closes their sockets.
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
  size_t next_context = 0;  // touched by the accept handler only (context 0's thread)
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<asio::steady_timer> retry_timer;
  std::vector<std::thread> threads;
  std::atomic<bool> stopped{false};
  uint16_t port = 0;

  void accept() {
    auto& context = *contexts[next_context++ % contexts.size()];
    acceptor->async_accept(context, [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (ec) {
        // Out of file descriptors and similar: back off instead of spinning on the error.
        retry_timer->expires_after(std::chrono::milliseconds(50));
        retry_timer->async_wait([this](beast::error_code wait_ec) {
          if (!wait_ec) accept();
        });
        return;
      }
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      std::make_shared<Session>(std::move(socket), config)->start();
      accept();
    });
  }

  static void run_thread(asio::io_context& context) {
    for (;;) {
      try {
        context.run();
        return;
      } catch (const std::exception& error) {
        std::cerr << "sextant: HTTP server thread: " << error.what() << '\n';
      }
    }
  }
};

HttpServer::HttpServer(std::string bind_address, uint16_t port, HttpHandler handler,
                       size_t max_body_bytes, size_t threads, HttpErrorFormat error_format)
    : impl_(std::make_unique<Impl>()) {
  if (!handler) throw Error(ErrorCode::kInternal, "HttpServer needs a handler");
  impl_->config = ServerConfig{std::move(handler), max_body_bytes, std::move(error_format)};
  if (threads == 0) threads = 1;
  for (size_t i = 0; i < threads; ++i) {
    impl_->contexts.push_back(std::make_unique<asio::io_context>(1));
    impl_->keep_running.push_back(asio::make_work_guard(*impl_->contexts.back()));
  }
  impl_->acceptor = std::make_unique<tcp::acceptor>(*impl_->contexts[0]);
  impl_->retry_timer = std::make_unique<asio::steady_timer>(*impl_->contexts[0]);

  beast::error_code ec;
  auto address = asio::ip::make_address(bind_address, ec);
  if (ec) {
    throw Error(ErrorCode::kInvalidArgument,
                "\"" + bind_address + "\" is not an IP address to listen on (e.g. 127.0.0.1)");
  }
  tcp::endpoint endpoint(address, port);
  std::string where = bind_address + ":" + std::to_string(port);
  auto& acceptor = *impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw Error(ErrorCode::kUnavailable, "cannot listen on " + where + ": " + ec.message());
  impl_->port = acceptor.local_endpoint().port();

  impl_->accept();
  for (auto& context : impl_->contexts) {
    impl_->threads.emplace_back([&context = *context] { Impl::run_thread(context); });
  }
}

HttpServer::~HttpServer() {
  stop();
}

uint16_t HttpServer::port() const {
  return impl_->port;
}

void HttpServer::stop() {
  for (const auto& thread : impl_->threads) {
    if (thread.get_id() == std::this_thread::get_id()) {
      // Joining our own thread would deadlock.
      throw Error(ErrorCode::kInternal, "HttpServer::stop() called from its own handler");
    }
  }
  if (impl_->stopped.exchange(true)) return;
  for (auto& context : impl_->contexts) context->stop();
  for (auto& thread : impl_->threads) thread.join();
  impl_->threads.clear();
  impl_->keep_running.clear();
  impl_->retry_timer.reset();
  impl_->acceptor.reset();
  impl_->contexts.clear();
}

}  // namespace sextant::engine
