#include "common/ids.h"

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <random>

#include "common/crypto.h"

namespace ferry {

namespace {

constexpr char kHex[] = "0123456789abcdef";

std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng([] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }());
  return rng;
}

void AppendHex(uint64_t v, int digits, std::string* out) {
  for (int i = digits - 1; i >= 0; --i) out->push_back(kHex[(v >> (4 * i)) & 0xf]);
}

// A 96-bit id value: milliseconds since the epoch in the top 48 bits, 48 random bits
// below; strictly increasing per thread (a value not above the thread's last one is the
// last one plus 1), so ids made one after another are keys in order.
struct IdValue {
  uint64_t high = 0;  // the top 48 bits: the milliseconds
  uint64_t low = 0;   // the bottom 48 bits
};

IdValue NextIdValue() {
  thread_local IdValue last;
  constexpr uint64_t kMask48 = (uint64_t{1} << 48) - 1;
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  IdValue v;
  v.high =
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(now).count()) &
      kMask48;
  v.low = Rng()() & kMask48;
  if (v.high < last.high || (v.high == last.high && v.low <= last.low)) {
    v = last;
    if (++v.low > kMask48) {
      v.low = 0;
      v.high = (v.high + 1) & kMask48;
    }
  }
  last = v;
  return v;
}

}  // namespace

std::string RandomHex(size_t n) {
  // Secrets (API keys, webhook secrets) come from here: OpenSSL's CSPRNG, never the
  // Mersenne Twister behind ids, whose state the ids a tenant sees would reveal.
  Result<std::string> bytes = RandomBytes(n);
  if (!bytes.ok()) std::abort();  // no entropy: nothing safe to hand out
  std::string out;
  out.reserve(2 * n);
  for (unsigned char b : *bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xf]);
  }
  return out;
}

std::string NewId(std::string_view prefix) {
  const IdValue v = NextIdValue();
  std::string id(prefix);
  id.reserve(prefix.size() + 25);
  id += '_';
  AppendHex(v.high, 12, &id);
  AppendHex(v.low, 12, &id);
  return id;
}

bool HasIdPrefix(std::string_view id, std::string_view prefix) {
  return id.size() > prefix.size() && id.substr(0, prefix.size()) == prefix &&
         id[prefix.size()] == '_';
}

bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

namespace {

constexpr size_t kIdDigits = 24;  // NewId's hex digits: 96 bits

// The 96-bit value of 24 lowercase hex digits; false for anything else.
bool ParseId96(std::string_view hex, uint64_t* high, uint64_t* low) {
  if (hex.size() != kIdDigits) return false;
  uint64_t h = 0, l = 0;
  for (size_t i = 0; i < kIdDigits; ++i) {
    char c = hex[i];
    uint64_t d;
    if (c >= '0' && c <= '9') {
      d = static_cast<uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      d = static_cast<uint64_t>(c - 'a' + 10);
    } else {
      return false;
    }
    if (i < 8) {
      h = (h << 4) | d;  // the top 32 bits
    } else {
      l = (l << 4) | d;  // the low 64 bits
    }
  }
  *high = h;
  *low = l;
  return true;
}

std::string FormatId96(uint64_t high, uint64_t low) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(kIdDigits, '0');
  for (size_t i = 0; i < 16; ++i) out[kIdDigits - 1 - i] = kHex[(low >> (4 * i)) & 0xf];
  for (size_t i = 0; i < 8; ++i) out[7 - i] = kHex[(high >> (4 * i)) & 0xf];
  return out;
}

}  // namespace

std::optional<std::string> ShiftedId(std::string_view prefix, std::string_view source_id,
                                     std::string_view offset_key) {
  const size_t underscore = source_id.find('_');
  uint64_t src_high = 0, src_low = 0;
  if (underscore == std::string_view::npos ||
      !ParseId96(source_id.substr(underscore + 1), &src_high, &src_low)) {
    return std::nullopt;
  }
  // The offset: the first 96 bits of SHA-256(offset_key), remembered for the last key per
  // thread (a bulk statement or a rebuilt batch shifts every id with the same one).
  thread_local std::string last_key;
  thread_local bool cached = false;
  thread_local uint64_t off_high = 0, off_low = 0;
  if (!cached || last_key != offset_key) {
    ParseId96(std::string_view(Sha256Hex(offset_key)).substr(0, kIdDigits), &off_high, &off_low);
    last_key = std::string(offset_key);
    cached = true;
  }
  // Value plus offset modulo 2^96: a bijection that keeps the order of ids except at one
  // wrap-around point, so consecutive source ids become consecutive keys (flat cost per
  // item in the B-trees they are written to) and two source ids never share a result.
  const uint64_t low = src_low + off_low;
  const uint64_t high = (src_high + off_high + (low < src_low ? 1 : 0)) & 0xffffffffULL;
  std::string out(prefix);
  out += '_';
  out += FormatId96(high, low);
  return out;
}

std::string MapResourceId(std::string_view migration_id, std::string_view source_id,
                          bool preserve) {
  if (preserve) return std::string(source_id);
  const size_t underscore = source_id.find('_');
  const std::string_view prefix = underscore == std::string_view::npos
                                      ? std::string_view("id")
                                      : source_id.substr(0, underscore);
  if (auto shifted = ShiftedId(prefix, source_id, migration_id)) return std::move(*shifted);
  std::string mixed;
  mixed.reserve(migration_id.size() + 1 + source_id.size());
  mixed.append(migration_id).append("|").append(source_id);
  std::string out(prefix);
  out += '_';
  out += Sha256Hex(mixed).substr(0, kIdDigits);
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
