#pragma once
// PgDb: a pool of libpqxx connections to one PostgreSQL database, and the one way the
// postgres backend runs SQL: a function of a transaction, committed when it returns ok,
// rolled back otherwise. Driver exceptions become Statuses here (PgStatus), so nothing
// above this folder sees libpqxx. Every connection's search_path is the backend's schema,
// so one database can hold several independent Ferry installations (tests use one schema
// each). Thread-safe: a transaction holds one connection for its whole life.

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/result.h"

namespace ferry::storage::postgres {

struct PgOptions {
  std::string url;               // postgresql://user@host:port/db
  std::string schema = "ferry";  // created when missing
  int pool_size = 8;             // connections opened on demand, at most this many
  // A transaction left idle this long by its client (a process frozen, swapped out or
  // stopped in a debugger mid-transaction) is ended by the server, so the row locks it
  // holds (a batch's lease row, a migration's row) do not outlive the leases they guard:
  // kept below the shortest lease (10 s) so another process can take a stalled holder's
  // batch over. 0 disables it.
  int idle_transaction_timeout_ms = 5000;
};

// Maps a libpqxx exception to a Status with `context`: unique violation → AlreadyExists,
// foreign-key violation → NotFound, serialization failure or deadlock → Aborted (the
// transaction may be retried), broken connection → Unavailable, anything else Internal.
// The message never holds the connection URL.
Status PgStatus(const std::exception& e, std::string_view context);

// `message` without `url` and without the URL's password (libpq quotes a malformed URL
// whole in its errors).
std::string ScrubConnectionMessage(std::string message, std::string_view url);

class PgDb {
 public:
  // Connects once to check the URL and creates the schema when missing.
  static Result<std::unique_ptr<PgDb>> Open(const PgOptions& options);
  ~PgDb();
  PgDb(const PgDb&) = delete;
  PgDb& operator=(const PgDb&) = delete;

  // Runs fn(pqxx::work&) in a READ COMMITTED transaction; commits when fn's Status is ok.
  // A serialization failure or deadlock reruns fn (a few times) in a new transaction, so
  // fn must have no side effects outside the transaction. fn returns Status or Result<T>.
  template <typename Fn>
  auto Run(std::string_view what, Fn&& fn) -> decltype(fn(std::declval<pqxx::work&>()));

  // Closes every idle connection; later calls fail with Unavailable. Idempotent.
  void Close();
  const std::string& schema() const { return options_.schema; }

 private:
  explicit PgDb(PgOptions options) : options_(std::move(options)) {}
  Result<std::unique_ptr<pqxx::connection>> Acquire();
  // Gives a connection back to the pool (a broken one is dropped).
  void Return(std::unique_ptr<pqxx::connection> conn);
  // Forgets a connection whose state is unknown.
  void Drop(std::unique_ptr<pqxx::connection> conn);
  // Forgets a connection the server ended, and every idle one with it: they were most
  // likely ended too (a server restart), and each would cost a rerun its attempt.
  void DropBroken(std::unique_ptr<pqxx::connection> conn);
  Result<std::unique_ptr<pqxx::connection>> Connect() const;

  PgOptions options_;
  std::mutex mu_;
  std::condition_variable idle_cv_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  int open_ = 0;  // connections in use or idle
  bool closed_ = false;
};

namespace internal {
template <typename R>
bool IsOk(const R& r) {
  if constexpr (std::is_same_v<R, Status>) {
    return r.ok();
  } else {
    return r.ok();
  }
}
template <typename R>
const Status& StatusOf(const R& r) {
  if constexpr (std::is_same_v<R, Status>) {
    return r;
  } else {
    return r.status();
  }
}
}  // namespace internal

template <typename Fn>
auto PgDb::Run(std::string_view what, Fn&& fn) -> decltype(fn(std::declval<pqxx::work&>())) {
  using R = decltype(fn(std::declval<pqxx::work&>()));
  constexpr int kAttempts = 5;
  Status last = Status::Internal(std::string(what) + ": not run");
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto conn = Acquire();
    if (!conn.ok()) return R(conn.status());
    std::unique_ptr<pqxx::connection> c = std::move(conn.value());
    std::optional<R> result;
    try {
      pqxx::work tx(*c);
      result.emplace(fn(tx));
      if (internal::IsOk(*result)) tx.commit();
    } catch (const pqxx::in_doubt_error& e) {
      Drop(std::move(c));  // the commit's outcome is unknown: never rerun
      return R(PgStatus(e, what));
    } catch (const pqxx::broken_connection& e) {
      DropBroken(std::move(c));  // nothing was committed: rerun on a new connection
      last = PgStatus(e, what);
      continue;
    } catch (const std::exception& e) {
      last = PgStatus(e, what);
      if (!c->is_open()) {
        // The server ended the session (e.g. the idle-transaction timeout): nothing was
        // committed, so the function reruns on a new connection.
        DropBroken(std::move(c));
        last = Status::Unavailable(last.message());
        continue;
      }
      Return(std::move(c));
      if (last.code() != StatusCode::kAborted) return R(last);
      continue;
    }
    Return(std::move(c));
    return std::move(*result);
  }
  return R(last);
}

}  // namespace ferry::storage::postgres
