#include "storage/postgres/pg_db.h"

#include <algorithm>
#include <chrono>
#include <string>

namespace ferry::storage::postgres {
namespace {

// The first line of a driver message (libpq appends hints and the query on later lines).
std::string FirstLine(std::string_view s) {
  auto nl = s.find('\n');
  return std::string(nl == std::string_view::npos ? s : s.substr(0, nl));
}

void ReplaceAll(std::string* s, std::string_view what, std::string_view with) {
  if (what.empty()) return;
  for (size_t at = s->find(what); at != std::string::npos; at = s->find(what, at + with.size())) {
    s->replace(at, what.size(), with);
  }
}

// The password of a postgresql:// URL (user:password@ before the host, or a password=
// query parameter), percent-encoded as written; empty when it holds none.
std::string UrlPassword(std::string_view url) {
  std::string out;
  if (auto scheme = url.find("://"); scheme != std::string_view::npos) {
    std::string_view rest = url.substr(scheme + 3);
    std::string_view authority = rest.substr(0, rest.find_first_of("/?"));
    if (auto at = authority.rfind('@'); at != std::string_view::npos) {
      std::string_view userinfo = authority.substr(0, at);
      if (auto colon = userinfo.find(':'); colon != std::string_view::npos) {
        out = std::string(userinfo.substr(colon + 1));
      }
    }
  }
  if (auto q = url.find("password="); out.empty() && q != std::string_view::npos) {
    std::string_view value = url.substr(q + 9);
    out = std::string(value.substr(0, value.find('&')));
  }
  return out;
}

}  // namespace

std::string ScrubConnectionMessage(std::string message, std::string_view url) {
  ReplaceAll(&message, url, "<storage url>");
  ReplaceAll(&message, UrlPassword(url), "***");
  return message;
}

Status PgStatus(const std::exception& e, std::string_view context) {
  std::string msg = std::string(context) + ": " + FirstLine(e.what());
  if (dynamic_cast<const pqxx::unique_violation*>(&e) != nullptr) {
    return Status::AlreadyExists(msg);
  }
  if (dynamic_cast<const pqxx::foreign_key_violation*>(&e) != nullptr) {
    return Status::NotFound(msg);
  }
  if (dynamic_cast<const pqxx::serialization_failure*>(&e) != nullptr ||
      dynamic_cast<const pqxx::deadlock_detected*>(&e) != nullptr) {
    return Status::Aborted(msg);
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e);
      sql != nullptr && sql->sqlstate() == "FY001") {
    return Status::WritesPaused(
        "writes to this namespace are paused for a moment (a migration is cutting over); "
        "retry shortly");
  }
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    return Status::Unavailable(std::string(context) + ": connection lost during commit");
  }
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    return Status::Unavailable(msg);
  }
  return Status::Internal(msg);
}

Result<std::unique_ptr<PgDb>> PgDb::Open(const PgOptions& options) {
  if (options.pool_size < 1) return Status::InvalidArgument("pool_size must be at least 1");
  std::unique_ptr<PgDb> db(new PgDb(options));
  // The schema must exist before a connection can use it as its search_path.
  try {
    pqxx::connection c(options.url);
    pqxx::nontransaction n(c);
    n.exec("SELECT pg_advisory_lock(7466720001)");
    n.exec("CREATE SCHEMA IF NOT EXISTS " + c.quote_name(options.schema));
    n.exec("SELECT pg_advisory_unlock(7466720001)");
  } catch (const std::exception& e) {
    // Startup: the operator sees libpq's reason (host, port), never the URL's password.
    Status st = PgStatus(e, "open postgresql storage");
    return Status(st.code(), ScrubConnectionMessage(st.message(), options.url));
  }
  return db;
}

PgDb::~PgDb() { Close(); }

Result<std::unique_ptr<pqxx::connection>> PgDb::Connect() const {
  try {
    auto c = std::make_unique<pqxx::connection>(options_.url);
    pqxx::nontransaction n(*c);
    n.exec("SET search_path TO " + c->quote_name(options_.schema));
    n.exec("SET idle_in_transaction_session_timeout = " +
           std::to_string(std::max(0, options_.idle_transaction_timeout_ms)));
    return c;
  } catch (const std::exception&) {
    // This status can reach any client (a request's authentication opens connections):
    // libpq's reason names the server's host and address, so it is not passed on.
    return Status::Unavailable("postgresql storage is unreachable: cannot open a connection");
  }
}

Result<std::unique_ptr<pqxx::connection>> PgDb::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (closed_) return Status::Unavailable("postgresql storage closed");
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
    if (open_ < options_.pool_size) break;
    idle_cv_.wait(lock);
  }
  ++open_;
  lock.unlock();
  auto c = Connect();
  if (!c.ok()) {
    std::lock_guard<std::mutex> relock(mu_);
    --open_;
    idle_cv_.notify_one();
  }
  return c;
}

void PgDb::Return(std::unique_ptr<pqxx::connection> conn) {
  if (conn == nullptr || !conn->is_open()) return Drop(std::move(conn));
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) {
    --open_;
    return;  // closed with the unique_ptr
  }
  idle_.push_back(std::move(conn));
  idle_cv_.notify_one();
}

void PgDb::Drop(std::unique_ptr<pqxx::connection> conn) {
  conn.reset();
  std::lock_guard<std::mutex> lock(mu_);
  --open_;
  idle_cv_.notify_one();
}

void PgDb::DropBroken(std::unique_ptr<pqxx::connection> conn) {
  conn.reset();
  std::vector<std::unique_ptr<pqxx::connection>> idle;
  std::lock_guard<std::mutex> lock(mu_);
  open_ -= 1 + static_cast<int>(idle_.size());
  idle.swap(idle_);
  idle_cv_.notify_all();
}

void PgDb::Close() {
  std::vector<std::unique_ptr<pqxx::connection>> idle;
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    open_ -= static_cast<int>(idle_.size());
    idle.swap(idle_);
    idle_cv_.notify_all();
  }
}

}  // namespace ferry::storage::postgres
