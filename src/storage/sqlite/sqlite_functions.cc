#include "storage/sqlite/sqlite_functions.h"

#include <sqlite3.h>

#include <string>
#include <string_view>

#include "common/ids.h"

namespace ferry::storage::sqlite {
namespace {

std::string_view TextOf(sqlite3_value* v) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(v));
  return text == nullptr ? std::string_view()
                         : std::string_view(text, static_cast<size_t>(sqlite3_value_bytes(v)));
}

template <std::string (*Map)(std::string_view, std::string_view, bool)>
void MapFunction(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[1]) == SQLITE_NULL) {
    sqlite3_result_null(ctx);
    return;
  }
  std::string out = Map(TextOf(argv[0]), TextOf(argv[1]), sqlite3_value_int(argv[2]) != 0);
  sqlite3_result_text(ctx, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

}  // namespace

Status RegisterIdMapping(SqliteDb& db) {
  constexpr int kFlags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
  int rc = sqlite3_create_function_v2(db.handle(), "ferry_map_id", 3, kFlags, nullptr,
                                      &MapFunction<&MapResourceId>, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteStatus(rc, "register ferry_map_id");
  rc = sqlite3_create_function_v2(db.handle(), "ferry_map_path", 3, kFlags, nullptr,
                                  &MapFunction<&MapLineagePath>, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteStatus(rc, "register ferry_map_path");
  return Status::Ok();
}

}  // namespace ferry::storage::sqlite
