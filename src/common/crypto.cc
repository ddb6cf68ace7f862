#include "common/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <climits>
#include <memory>

namespace ferry {

namespace {
std::string ToHex(const unsigned char* p, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(2 * n, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[p[i] >> 4];
    out[2 * i + 1] = kHex[p[i] & 0xf];
  }
  return out;
}

int DecodeChar(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* Bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

// One AES-256-GCM pass over `in` into `out` (same length), after the key, nonce and
// associated data are set. `encrypt` selects the direction.
bool GcmPass(EVP_CIPHER_CTX* ctx, bool encrypt, std::string_view key, std::string_view nonce,
             std::string_view associated_data, std::string_view in, std::string& out) {
  if (in.size() > INT_MAX || associated_data.size() > INT_MAX) return false;
  const int enc = encrypt ? 1 : 0;
  int len = 0;
  if (EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr, enc) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()), nullptr) !=
          1 ||
      EVP_CipherInit_ex(ctx, nullptr, nullptr, Bytes(key), Bytes(nonce), enc) != 1 ||
      EVP_CipherUpdate(ctx, nullptr, &len, Bytes(associated_data),
                       static_cast<int>(associated_data.size())) != 1) {
    return false;
  }
  out.resize(in.size());
  return in.empty() ||
         EVP_CipherUpdate(ctx, Bytes(out), &len, Bytes(in), static_cast<int>(in.size())) == 1;
}

}  // namespace

Result<std::string> AeadSeal(std::string_view key, std::string_view plaintext,
                             std::string_view associated_data) {
  if (key.size() != kAeadKeyBytes) return Status::InvalidArgument("AEAD key must be 32 bytes");
  FERRY_ASSIGN_OR_RETURN(std::string nonce, RandomBytes(kAeadNonceBytes));
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  std::string ciphertext;
  std::string tag(kAeadTagBytes, '\0');
  unsigned char final_block[16];  // GCM writes nothing here
  int len = 0;
  if (ctx == nullptr ||
      !GcmPass(ctx.get(), true, key, nonce, associated_data, plaintext, ciphertext) ||
      EVP_CipherFinal_ex(ctx.get(), final_block, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kAeadTagBytes),
                          tag.data()) != 1) {
    return Status::Internal("AES-256-GCM encryption failed");
  }
  return nonce + ciphertext + tag;
}

Result<std::string> AeadOpen(std::string_view key, std::string_view sealed,
                             std::string_view associated_data) {
  if (key.size() != kAeadKeyBytes) return Status::InvalidArgument("AEAD key must be 32 bytes");
  if (sealed.size() < kAeadNonceBytes + kAeadTagBytes) {
    return Status::DataLoss("sealed data is too short");
  }
  const std::string_view nonce = sealed.substr(0, kAeadNonceBytes);
  const std::string_view ciphertext =
      sealed.substr(kAeadNonceBytes, sealed.size() - kAeadNonceBytes - kAeadTagBytes);
  std::string tag(sealed.substr(sealed.size() - kAeadTagBytes));
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  std::string plaintext;
  unsigned char final_block[16];  // GCM writes nothing here
  int len = 0;
  if (ctx == nullptr ||
      !GcmPass(ctx.get(), false, key, nonce, associated_data, ciphertext, plaintext) ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kAeadTagBytes),
                          tag.data()) != 1 ||
      EVP_CipherFinal_ex(ctx.get(), final_block, &len) != 1) {
    return Status::DataLoss("sealed data failed authentication (wrong key or altered)");
  }
  return plaintext;
}

Result<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (n > INT_MAX || (n > 0 && RAND_bytes(Bytes(out), static_cast<int>(n)) != 1)) {
    return Status::Internal("random number generator failed");
  }
  return out;
}

namespace {

// SHA-256 with the algorithm fetched once per thread and its context reused: OpenSSL 3's
// one-shot SHA256() fetches the algorithm on every call (a locked lookup), which cost
// more than hashing a 1.5 KB document (checksums hash one per item).
class Sha256Context {
 public:
  Sha256Context() : md_(EVP_MD_fetch(nullptr, "SHA256", nullptr)), ctx_(EVP_MD_CTX_new()) {}
  ~Sha256Context() {
    EVP_MD_CTX_free(ctx_);
    EVP_MD_free(md_);
  }
  Sha256Context(const Sha256Context&) = delete;
  Sha256Context& operator=(const Sha256Context&) = delete;

  // False when OpenSSL failed (no memory, no provider).
  bool Digest(std::string_view data, unsigned char* out) {
    unsigned int len = 0;
    return md_ != nullptr && ctx_ != nullptr && EVP_DigestInit_ex2(ctx_, md_, nullptr) == 1 &&
           EVP_DigestUpdate(ctx_, data.data(), data.size()) == 1 &&
           EVP_DigestFinal_ex(ctx_, out, &len) == 1;
  }

 private:
  EVP_MD* md_;
  EVP_MD_CTX* ctx_;
};

}  // namespace

void Sha256Digest(std::string_view data, unsigned char (&out)[kSha256Bytes]) {
  static_assert(kSha256Bytes == SHA256_DIGEST_LENGTH);
  thread_local Sha256Context context;
  if (!context.Digest(data, out)) {
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out);
  }
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[kSha256Bytes];
  Sha256Digest(data, digest);
  return ToHex(digest, sizeof(digest));
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &len);
  return ToHex(digest, len);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string Base64Encode(std::string_view data) {
  static constexpr char kTable[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    uint32_t v = (uint8_t(data[i]) << 16) | (uint8_t(data[i + 1]) << 8) | uint8_t(data[i + 2]);
    out += kTable[v >> 18];
    out += kTable[(v >> 12) & 63];
    out += kTable[(v >> 6) & 63];
    out += kTable[v & 63];
  }
  if (i + 1 == data.size()) {
    uint32_t v = uint8_t(data[i]) << 16;
    out += kTable[v >> 18];
    out += kTable[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == data.size()) {
    uint32_t v = (uint8_t(data[i]) << 16) | (uint8_t(data[i + 1]) << 8);
    out += kTable[v >> 18];
    out += kTable[(v >> 12) & 63];
    out += kTable[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

bool Base64Decode(std::string_view text, std::string* out) {
  out->clear();
  uint32_t acc = 0;
  int bits = 0;
  size_t symbols = 0;
  bool padding = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    if (padding) return false;  // data after padding
    int v = DecodeChar(c);
    if (v < 0) return false;
    ++symbols;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return symbols % 4 != 1;
}

}  // namespace ferry
