#include "host/api/api_server.hpp"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <thrift/TOutput.h>
#include <thrift/server/TThreadedServer.h>
#include <thrift/transport/TServerSocket.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include "host/api/api_transport.hpp"
#include "host/api/error_reply_processor.hpp"
#include "host/api/guarded_tls_server_socket.hpp"
#include "host/api/management_handler.hpp"
#include "host/api/tls_factory.hpp"
#include "host/api/unix_socket_access.hpp"

namespace vxsn {

using apache::thrift::server::TThreadedServer;
using apache::thrift::transport::TServerSocket;
using apache::thrift::transport::TServerTransport;

namespace {

// listen() may be called early, so start() can report bind errors, and again by the server
// loop, where it is then a no-op.
template <class Base>
class ListenOnce : public Base {
 public:
  using Base::Base;
  void listen() override {
    if (listening_) return;
    Base::listen();
    listening_ = true;
  }
  void close() override {
    Base::close();
    listening_ = false;
  }

 private:
  bool listening_ = false;
};

// Thrift reports per-connection failures (a refused handshake, a bad frame) on stderr by
// default; they belong in the daemon's log, and at debug level: a stranger knocking is not
// the operator's problem until it is frequent.
void thrift_output_to_log(const char* message) {
  spdlog::debug("api: {}", message);
}

struct Listener {
  std::string name;
  std::shared_ptr<TServerTransport> transport;
  std::shared_ptr<TThreadedServer> server;
  std::thread thread;
};

}  // namespace

struct ApiServer::Impl {
  ApiSettings settings;
  ManagementBackend& backend;
  std::string software_version;
  std::shared_ptr<ManagementHandler> handler;
  std::vector<Listener> listeners;
  bool unix_socket_created = false;
  uint16_t tcp_port = 0;
  // Set in start() before any listener thread runs, never reset: its counters outlive stop().
  std::shared_ptr<GuardedTlsServerSocket> tls_socket;

  Impl(ApiSettings s, ManagementBackend& b, std::string v)
      : settings(std::move(s)), backend(b), software_version(std::move(v)) {}

  std::shared_ptr<TThreadedServer> make_server(std::shared_ptr<TServerTransport> transport) {
    auto processor =
        std::make_shared<ErrorReplyProcessor>(std::make_shared<api::ManagementProcessor>(handler));
    auto server = std::make_shared<TThreadedServer>(
        processor, std::move(transport),
        std::make_shared<BoundedFramedTransportFactory>(settings.max_request_bytes),
        api_protocol_factory(settings.max_request_bytes));
    server->setConcurrentClientLimit(settings.max_connections);
    return server;
  }

  void add_unix_listener() {
    prepare_socket_path(settings.socket_path);
    auto socket = std::make_shared<ListenOnce<TServerSocket>>(settings.socket_path);
    // Runs after bind() and before listen(): no one can connect before the mode is set.
    std::string path = settings.socket_path, group = settings.socket_group;
    socket->setListenCallback([path, group](THRIFT_SOCKET) { restrict_socket(path, group); });
    socket->setRecvTimeout(static_cast<int>(settings.idle_timeout_ms));
    socket->setSendTimeout(static_cast<int>(settings.idle_timeout_ms));
    try {
      socket->listen();
    } catch (const apache::thrift::TException& e) {
      throw ApiServerError("api.socket: cannot listen on " + path + ": " + e.what());
    }
    unix_socket_created = true;
    listeners.push_back({"unix:" + path, socket, make_server(socket), {}});
  }

  void add_tls_listener() {
    std::shared_ptr<ApiTlsFactory> tls;
    try {
      tls = make_tls_factory({settings.tls_cert, settings.tls_key, settings.tls_ca}, true);
    } catch (const apache::thrift::TException& e) {
      throw ApiServerError("api.tls_*: " + std::string(e.what()));
    }
    auto socket = std::make_shared<ListenOnce<GuardedTlsServerSocket>>(
        settings.tcp_address, settings.tcp_port, tls,
        TlsGuardSettings{settings.max_connections_per_source, settings.idle_timeout_ms,
                         settings.idle_timeout_ms});
    try {
      socket->listen();
    } catch (const apache::thrift::TException& e) {
      throw ApiServerError("api.tcp_port: cannot listen on [" + settings.tcp_address +
                           "]:" + std::to_string(settings.tcp_port) + ": " + e.what());
    }
    tcp_port = static_cast<uint16_t>(socket->getPort());
    tls_socket = socket;
    listeners.push_back({"tls:[" + settings.tcp_address + "]:" + std::to_string(tcp_port),
                         socket,
                         make_server(socket),
                         {}});
  }

  ApiConnectionCounters connection_counters() const {
    ApiConnectionCounters c;
    if (tls_socket) {
      c.connections_refused = tls_socket->connections_refused();
      c.handshake_timeouts = tls_socket->handshake_timeouts();
    }
    return c;
  }

  void start() {
    apache::thrift::GlobalOutput.setOutputFunction(thrift_output_to_log);
    handler = std::make_shared<ManagementHandler>(backend, software_version,
                                                  [this] { return connection_counters(); });
    try {
      if (!settings.socket_path.empty()) add_unix_listener();
      if (settings.tcp_port != 0) add_tls_listener();
    } catch (...) {
      stop();
      throw;
    }
    for (Listener& l : listeners) {
      l.thread = std::thread([&l] {
        // OpenSSL writes with write(), not send(MSG_NOSIGNAL): a client that hangs up during
        // the TLS shutdown would raise SIGPIPE and kill the daemon. Blocked here, the
        // connection threads Thrift starts from this one inherit the mask and see EPIPE.
        sigset_t pipe;
        sigemptyset(&pipe);
        sigaddset(&pipe, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
        try {
          l.server->serve();
        } catch (const std::exception& e) {
          spdlog::error("api {}: server stopped: {}", l.name, e.what());
        }
      });
      spdlog::info("api: listening on {} (at most {} clients, requests up to {} bytes)", l.name,
                   settings.max_connections, settings.max_request_bytes);
    }
  }

  void stop() {
    for (Listener& l : listeners) {
      if (l.thread.joinable()) {
        l.server->stop();
        l.thread.join();
      } else {
        l.transport->close();
      }
    }
    listeners.clear();
    if (unix_socket_created) ::unlink(settings.socket_path.c_str());
    unix_socket_created = false;
  }
};

ApiServer::ApiServer(ApiSettings settings, ManagementBackend& backend, std::string software_version)
    : impl_(std::make_unique<Impl>(std::move(settings), backend, std::move(software_version))) {}

ApiServer::~ApiServer() {
  stop();
}

void ApiServer::start() {
  impl_->start();
}

void ApiServer::stop() {
  impl_->stop();
}

uint16_t ApiServer::tcp_port() const {
  return impl_->tcp_port;
}

ApiConnectionCounters ApiServer::connection_counters() const {
  return impl_->connection_counters();
}

}  // namespace vxsn
