#pragma once
// HttpServer: an asynchronous HTTP/1.1 server on Boost.Beast. One io_context is run by
// `io_threads` threads; each connection is a Session on its own strand (no thread per
// connection). Requests are read in full (header first, so an oversized Content-Length is
// refused before its body is read), turned into an HttpRequest and handed to the Handler;
// the Responder writes the reply back on the connection's strand. Keep-alive is supported;
// pipelined requests are read one at a time.
//
// Transport errors are answered by the server itself in Mixpeek's error envelope and the
// connection is closed: 400 BadRequest (malformed HTTP or percent-encoding, or framing that
// could let a request be smuggled: see framing.h), 413 PayloadTooLarge (body over
// max_body_bytes), 431 RequestHeaderFieldsTooLarge, 501 NotImplemented (a transfer coding
// other than chunked), 503 ServiceUnavailable (a connection over max_connections, answered
// as soon as it is accepted).
//
// Every response carries Content-Type, Server: ferryd and X-Request-Id. One log line per
// request (request_id, method, path, status, duration_ms); headers, query strings and
// bodies are never logged because they may carry API keys.

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/http/message.h"
#include "common/logging.h"
#include "common/status.h"

namespace ferry::api::http {

class ServerState;

struct ServerOptions {
  std::string host = "127.0.0.1";      // address or host name to listen on
  uint16_t port = 8080;                // 0 = an ephemeral port; see HttpServer::port()
  size_t io_threads = 2;               // threads running the io_context; 0 is treated as 1
  size_t max_body_bytes = 16 << 20;    // larger bodies get 413
  size_t max_header_bytes = 64 << 10;  // larger request headers get 431
  // Connections served at once; one accepted beyond it gets 503 and is closed. 0 = no cap.
  size_t max_connections = 1024;
  // How long a keep-alive connection may wait for (the header of) its next request.
  std::chrono::seconds idle_timeout{60};
  // Deadline for reading a request body, and separately for writing a response (so a client
  // that reads a large response too slowly is cut off).
  std::chrono::seconds request_timeout{30};
  // How long Stop() waits for in-flight requests to be answered before giving up on them.
  std::chrono::seconds drain_timeout{10};
};

class HttpServer {
 public:
  // `logger` must outlive the server.
  HttpServer(ServerOptions options, Handler handler, const Logger& logger);
  // Calls Stop().
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the I/O threads. Fails with Unavailable if the address cannot
  // be resolved or bound, FailedPrecondition if called twice or after Stop().
  Status Start();

  // The bound port (useful with port 0). REQUIRES: Start() succeeded.
  uint16_t port() const { return port_; }

  // The connections being served (not counting those refused over max_connections).
  // Thread-safe.
  size_t open_connections() const;

  // Graceful shutdown; idempotent and thread-safe (a concurrent call waits for the first).
  // In order: the listening socket is closed (new connections are refused from here on);
  // connections without a request in flight are closed, and a request that finishes
  // arriving now gets 503; requests in flight get their response written (with
  // Connection: close), waiting at most drain_timeout; then the I/O threads are joined and
  // every remaining connection is closed. Responders called after that are ignored.
  // REQUIRES: not called from a Handler or any other code on an I/O thread (it joins them).
  void Stop();

 private:
  enum class Phase { kNew, kRunning, kStopped };

  Status Listen();
  void Accept();
  void OnAccept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);
  void CloseAcceptor();
  void CloseRemaining();

  const ServerOptions options_;
  const Logger& logger_;
  // Shared with sessions and responders, which may outlive this server.
  std::shared_ptr<ServerState> state_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::ip::tcp::acceptor acceptor_;  // on its own strand
  boost::asio::steady_timer accept_retry_;   // backs off after accept errors (e.g. EMFILE)
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;

  std::mutex phase_mu_;  // serialises Start and Stop
  Phase phase_ = Phase::kNew;
};

}  // namespace ferry::api::http
