#include "common/ids.h"

#include <random>

#include "common/crypto.h"

namespace ferry {

namespace {
std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng([] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }());
  return rng;
}
}  // namespace

std::string RandomHex(size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  auto& rng = Rng();
  for (size_t i = 0; i < n; ++i) {
    auto b = static_cast<unsigned>(rng() & 0xff);
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xf]);
  }
  return out;
}

std::string NewId(std::string_view prefix) {
  std::string id(prefix);
  id += '_';
  id += RandomHex(12);
  return id;
}

bool HasIdPrefix(std::string_view id, std::string_view prefix) {
  return id.size() > prefix.size() && id.substr(0, prefix.size()) == prefix &&
         id[prefix.size()] == '_';
}

std::string MapResourceId(std::string_view migration_id, std::string_view source_id,
                          bool preserve) {
  if (preserve) return std::string(source_id);
  size_t underscore = source_id.find('_');
  std::string out(underscore == std::string_view::npos ? "id" : source_id.substr(0, underscore));
  out += '_';
  std::string key;
  key.reserve(migration_id.size() + 1 + source_id.size());
  key.append(migration_id).append("|").append(source_id);
  out += Sha256Hex(key).substr(0, 24);
  return out;
}

std::string MapLineagePath(std::string_view migration_id, std::string_view path, bool preserve) {
  if (preserve || path.empty()) return std::string(path);
  std::string out;
  size_t start = 0;
  for (;;) {
    size_t slash = path.find('/', start);
    if (!out.empty()) out += '/';
    out += MapResourceId(
        migration_id, path.substr(start, slash == std::string_view::npos ? slash : slash - start),
        false);
    if (slash == std::string_view::npos) return out;
    start = slash + 1;
  }
}

}  // namespace ferry
