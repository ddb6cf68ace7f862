#include "api/http/server.h"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/socket_base.hpp>
#include <future>
#include <utility>

#include "api/http/server_state.h"
#include "api/http/session.h"
#include "common/thread_name.h"

namespace ferry::api::http {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// After a failed accept (typically EMFILE) wait before retrying instead of spinning.
constexpr std::chrono::milliseconds kAcceptRetryDelay{50};
constexpr std::chrono::seconds kCloseRemainingBound{1};
// Connections taken at once when the acceptor is ready (see OnAccept).
constexpr int kAcceptBurst = 256;

}  // namespace

HttpServer::HttpServer(ServerOptions options, Handler handler, const Logger& logger)
    : options_(std::move(options)),
      logger_(logger),
      state_(std::make_shared<ServerState>(options_, std::move(handler), logger)),
      io_(static_cast<int>(std::max<size_t>(options_.io_threads, 1))),
      work_(io_.get_executor()),
      acceptor_(asio::make_strand(io_)),
      accept_retry_(acceptor_.get_executor()) {}

HttpServer::~HttpServer() { Stop(); }

size_t HttpServer::open_connections() const { return state_->open_connections(); }

Status HttpServer::Start() {
  std::lock_guard lock(phase_mu_);
  if (phase_ != Phase::kNew) return Status::FailedPrecondition("HttpServer already started");
  FERRY_RETURN_IF_ERROR(Listen());
  Accept();
  for (size_t i = 0; i < std::max<size_t>(options_.io_threads, 1); ++i) {
    threads_.emplace_back([this] {
      NameCurrentThread("ferry-http");
      io_.run();
    });
  }
  phase_ = Phase::kRunning;
  logger_.Info("http server listening", {{"host", options_.host}, {"port", std::to_string(port_)}});
  return Status::Ok();
}

Status HttpServer::Listen() {
  const std::string where = options_.host + ":" + std::to_string(options_.port);
  boost::system::error_code ec;
  tcp::resolver resolver(io_);
  auto endpoints = resolver.resolve(options_.host, std::to_string(options_.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) return Status::Unavailable("resolve " + where + ": " + ec.message());
  tcp::endpoint endpoint = endpoints.begin()->endpoint();
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  // Synchronous accepts (OnAccept's burst) report would_block instead of waiting.
  if (!ec) acceptor_.non_blocking(true, ec);
  if (!ec) port_ = acceptor_.local_endpoint(ec).port();
  if (ec) {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    return Status::Unavailable("listen on " + where + ": " + ec.message());
  }
  return Status::Ok();
}

// Runs on the acceptor's strand (or, from Start, before any I/O thread exists).
void HttpServer::Accept() {
  acceptor_.async_accept(asio::make_strand(io_),
                         [this](boost::system::error_code ec, tcp::socket socket) {
                           OnAccept(ec, std::move(socket));
                         });
}

void HttpServer::OnAccept(boost::system::error_code ec, tcp::socket socket) {
  if (!acceptor_.is_open() || ec == asio::error::operation_aborted) return;
  if (ec) {
    logger_.Warn("accept failed", {{"error", ec.message()}});
    accept_retry_.expires_after(kAcceptRetryDelay);
    accept_retry_.async_wait([this](boost::system::error_code wait_ec) {
      if (!wait_ec && acceptor_.is_open()) Accept();
    });
    return;
  }
  std::make_shared<Session>(std::move(socket), state_)->Start();
  // Take the connections already waiting before queueing the next asynchronous accept:
  // one accept per pass of the I/O queue would leave a burst of new clients waiting behind
  // every ready request (at 1000 connecting clients, seconds). An error other than
  // would_block is left to the asynchronous accept, which reports and retries it.
  for (int i = 0; i < kAcceptBurst; ++i) {
    tcp::socket next(asio::make_strand(io_));
    boost::system::error_code more;
    acceptor_.accept(next, more);
    if (more) break;
    std::make_shared<Session>(std::move(next), state_)->Start();
  }
  Accept();
}

void HttpServer::CloseAcceptor() {
  std::promise<void> closed;
  asio::post(acceptor_.get_executor(), [this, &closed] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    accept_retry_.cancel();
    closed.set_value();
  });
  closed.get_future().wait();
}

void HttpServer::Stop() {
  std::lock_guard lock(phase_mu_);
  if (phase_ != Phase::kRunning) {
    phase_ = Phase::kStopped;
    return;
  }
  state_->BeginStop();
  CloseAcceptor();
  for (const auto& session : state_->LiveSessions()) session->PostCloseIfIdle();
  if (!state_->WaitDrained(options_.drain_timeout)) {
    logger_.Warn("http server stopped with requests still in flight",
                 {{"drain_timeout_s", std::to_string(options_.drain_timeout.count())}});
  }
  work_.reset();
  io_.stop();
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
  state_->Close();
  CloseRemaining();
  phase_ = Phase::kStopped;
  logger_.Info("http server stopped", {{"port", std::to_string(port_)}});
}

// Connections still lingering after their last response, or abandoned by the drain timeout,
// are closed here so that no socket outlives Stop(). Their handlers only complete aborted
// operations, so this finishes quickly; the bound guards against a misbehaving peer.
void HttpServer::CloseRemaining() {
  io_.restart();
  for (const auto& session : state_->LiveSessions()) session->PostClose();
  io_.run_for(kCloseRemainingBound);
}

}  // namespace ferry::api::http
