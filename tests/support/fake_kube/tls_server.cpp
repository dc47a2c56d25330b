// TlsServer on Boost.Beast with synchronous I/O: one thread per connection is the simplest way
// to hold long watch and log streams open in a test server.
#include "tests/support/fake_kube/tls_server.hpp"

#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <list>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace sextant::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

struct Connection {
  std::mutex mutex;  // guards fd: stop() must never shut down a number the thread has closed
  int fd = -1;
  std::thread thread;
  std::atomic<bool> done{false};
};

std::string peer_common_name(SSL* ssl) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (!cert) return "";
  char name[256] = {0};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, name, sizeof name);
  X509_free(cert);
  return name;
}

class StreamWriter : public ChunkWriter {
 public:
  StreamWriter(ssl::stream<tcp::socket>& stream, const std::atomic<bool>& running)
      : stream_(stream), running_(running) {}
  bool write(std::string_view data) override {
    if (!open()) return false;
    if (data.empty()) return true;
    asio::write(stream_, http::make_chunk(asio::const_buffer(data.data(), data.size())), ec_);
    return !ec_;
  }
  bool open() const override { return !ec_ && running_.load(); }
  void finish() {
    if (!ec_) asio::write(stream_, http::make_chunk_last(), ec_);
  }

 private:
  ssl::stream<tcp::socket>& stream_;
  const std::atomic<bool>& running_;
  beast::error_code ec_;
};

}  // namespace

struct TlsServer::Impl {
  ssl::context ctx{ssl::context::tls_server};
  asio::io_context ioc;
  FakeHttpHandler handler;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::thread accept_thread;
  std::atomic<bool> running{false};
  std::mutex mutex;
  std::list<std::shared_ptr<Connection>> connections;
  uint16_t port = 0;
  std::atomic<size_t> accepted{0};

  void accept_loop() {
    int listen_fd = acceptor->native_handle();
    while (running) {
      pollfd pfd{listen_fd, POLLIN, 0};
      if (poll(&pfd, 1, 100) <= 0) {
        reap();
        continue;
      }
      beast::error_code ec;
      tcp::socket socket(ioc);
      acceptor->accept(socket, ec);
      if (ec) continue;
      ::fcntl(socket.native_handle(), F_SETFD, FD_CLOEXEC);
      ++accepted;
      socket.non_blocking(false, ec);
      auto connection = std::make_shared<Connection>();
      connection->fd = socket.native_handle();
      std::lock_guard lock(mutex);
      connection->thread = std::thread([this, connection, s = std::move(socket)]() mutable {
        serve(std::move(s), *connection);
        connection->done = true;
      });
      connections.push_back(connection);
    }
  }

  void reap() {
    std::lock_guard lock(mutex);
    for (auto it = connections.begin(); it != connections.end();) {
      if ((*it)->done) {
        (*it)->thread.join();
        it = connections.erase(it);
      } else {
        ++it;
      }
    }
  }

  void serve(tcp::socket socket, Connection& connection) {
    ssl::stream<tcp::socket> stream(std::move(socket), ctx);
    beast::error_code ec;
    stream.handshake(ssl::stream_base::server, ec);
    if (!ec) serve_requests(stream);
    beast::error_code ignored;
    std::lock_guard lock(connection.mutex);
    connection.fd = -1;
    stream.next_layer().shutdown(tcp::socket::shutdown_both, ignored);
    stream.next_layer().close(ignored);
  }

  void serve_requests(ssl::stream<tcp::socket>& stream) {
    beast::error_code ec;
    std::string client_cn = peer_common_name(stream.native_handle());
    beast::flat_buffer buffer;
    while (running) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(64 * 1024 * 1024);
      http::read(stream, buffer, parser, ec);
      if (ec) break;
      auto& message = parser.get();
      FakeHttpRequest request;
      request.method = std::string(message.method_string());
      request.target = std::string(message.target());
      for (const auto& field : message) {
        std::string name(field.name_string());
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        request.headers[name] = std::string(field.value());
      }
      request.body = message.body();
      request.client_certificate_cn = client_cn;
      bool keep_alive = message.keep_alive();
      FakeHttpResponse response;
      try {
        response = handler(request);
      } catch (const std::exception& error) {
        response.status = 500;
        response.body = std::string(
                            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
                            "\"status\":\"Failure\",\"reason\":\"InternalError\","
                            "\"code\":500,\"message\":\"fake: ") +
                        error.what() + "\"}";
      }
      if (response.streamer) {
        http::response<http::empty_body> head{static_cast<http::status>(response.status), 11};
        head.set(http::field::content_type, response.content_type);
        for (const auto& [name, value] : response.headers) head.set(name, value);
        head.chunked(true);
        head.keep_alive(false);
        http::response_serializer<http::empty_body> serializer{head};
        http::write_header(stream, serializer, ec);
        if (ec) break;
        StreamWriter writer(stream, running);
        response.streamer(writer);
        writer.finish();
        break;
      }
      http::response<http::string_body> out{static_cast<http::status>(response.status), 11};
      if (!response.content_type.empty()) out.set(http::field::content_type, response.content_type);
      for (const auto& [name, value] : response.headers) out.set(name, value);
      out.body() = std::move(response.body);
      out.keep_alive(keep_alive);
      out.prepare_payload();
      http::write(stream, out, ec);
      if (ec || !keep_alive) break;
    }
  }
};

TlsServer::TlsServer(const TlsMaterial& material, FakeHttpHandler handler)
    : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
  auto& ctx = impl_->ctx;
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                  ssl::context::no_sslv3);
  ctx.use_certificate_chain(asio::buffer(material.server_cert_pem));
  ctx.use_private_key(asio::buffer(material.server_key_pem), ssl::context::pem);
  // Client certificates are optional, but one that is presented must come from our CA.
  ctx.add_certificate_authority(asio::buffer(material.ca_cert_pem));
  ctx.set_verify_mode(ssl::verify_peer);
  // Advertise the CA as acceptable, so that clients choose to send their certificate.
  BIO* bio =
      BIO_new_mem_buf(material.ca_cert_pem.data(), static_cast<int>(material.ca_cert_pem.size()));
  X509* ca = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (ca) {
    SSL_CTX_add_client_CA(ctx.native_handle(), ca);
    X509_free(ca);
  }
}

TlsServer::~TlsServer() {
  stop();
}

void TlsServer::start(uint16_t port) {
  if (impl_->running) return;
  if (impl_->port != 0) port = impl_->port;
  auto acceptor = std::make_unique<tcp::acceptor>(impl_->ioc);
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
  beast::error_code ec;
  acceptor->open(endpoint.protocol(), ec);
  // Kubelet processes are forked from this process: without close-on-exec they would inherit
  // the listener and keep the port busy after stop() (the API server could not come back).
  if (!ec) ::fcntl(acceptor->native_handle(), F_SETFD, FD_CLOEXEC);
  if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) acceptor->non_blocking(true, ec);
  if (ec)
    throw std::runtime_error("fake kube: cannot listen on 127.0.0.1:" + std::to_string(port) +
                             ": " + ec.message());
  impl_->port = acceptor->local_endpoint().port();
  impl_->acceptor = std::move(acceptor);
  impl_->running = true;
  impl_->accept_thread = std::thread([impl = impl_.get()] { impl->accept_loop(); });
}

void TlsServer::stop() {
  if (!impl_->running.exchange(false)) return;
  impl_->accept_thread.join();
  beast::error_code ignored;
  impl_->acceptor->close(ignored);
  impl_->acceptor.reset();
  std::list<std::shared_ptr<Connection>> connections;
  {
    std::lock_guard lock(impl_->mutex);
    connections.swap(impl_->connections);
  }
  for (auto& c : connections) {
    std::lock_guard lock(c->mutex);
    if (c->fd >= 0) ::shutdown(c->fd, SHUT_RDWR);
  }
  for (auto& c : connections) c->thread.join();
}

size_t TlsServer::accepted() const {
  return impl_->accepted;
}

uint16_t TlsServer::port() const {
  return impl_->port;
}

}  // namespace sextant::testing
