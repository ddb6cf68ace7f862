#include "service/auth_service.h"

#include "common/crypto.h"
#include "common/ids.h"

namespace ferry::service {

namespace {
bool LooksLikeKey(std::string_view s) {
  if (s.size() < 16 || s.size() > 200 || s.substr(0, 3) != "sk_") return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// The credentials after an auth-scheme of "Bearer" in any letter case (RFC 9110 §11.1)
// and one or more spaces; empty when the header has another scheme or no credentials.
std::string_view BearerCredentials(std::string_view header) {
  constexpr std::string_view kScheme = "bearer";
  if (header.size() <= kScheme.size() || header[kScheme.size()] != ' ') return {};
  for (size_t i = 0; i < kScheme.size(); ++i) {
    char c = header[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kScheme[i]) return {};
  }
  size_t start = header.find_first_not_of(' ', kScheme.size());
  return start == std::string_view::npos ? std::string_view() : header.substr(start);
}
}  // namespace

Result<Caller> AuthService::Authenticate(std::string_view header) const {
  std::string_view secret = BearerCredentials(header);
  if (secret.empty()) {
    return Status::Unauthenticated(
        "missing or malformed Authorization header; expected "
        "'Bearer sk_…'");
  }
  if (!LooksLikeKey(secret)) return Status::Unauthenticated("invalid API key");
  std::string hash = Sha256Hex(secret);
  auto key = deps_.storage.catalog().GetApiKeyByHash(hash);
  if (!key.ok()) {
    if (key.status().code() == StatusCode::kNotFound) {
      return Status::Unauthenticated("invalid API key");
    }
    return key.status();
  }
  // The lookup is by hash; comparing again in constant time keeps the check itself from
  // leaking through timing whatever the index does.
  if (!ConstantTimeEquals(key->key_hash, hash)) return Status::Unauthenticated("invalid API key");
  return Caller{key->org_id};
}

Result<std::string> AuthService::CreateKey(const std::string& org_name,
                                           std::optional<std::string> secret) const {
  if (org_name.empty()) return Status::InvalidArgument("organization name is empty");
  if (secret && !LooksLikeKey(*secret)) {
    return Status::InvalidArgument(
        "API key must start with 'sk_' and be 16-200 characters of [A-Za-z0-9_-]");
  }
  auto& catalog = deps_.storage.catalog();
  auto org = catalog.GetOrganizationByName(org_name);
  if (!org.ok()) {
    if (org.status().code() != StatusCode::kNotFound) return org.status();
    model::Organization fresh{NewId("org"), org_name, deps_.clock.NowMs()};
    FERRY_RETURN_IF_ERROR(catalog.InsertOrganization(fresh));
    org = fresh;
  }
  std::string key = secret ? *secret : "sk_" + RandomHex(24);
  model::ApiKey record{Sha256Hex(key), org->org_id, "default", deps_.clock.NowMs()};
  Status st = catalog.InsertApiKey(record);
  // Re-registering the same fixed key (FERRY_API_KEY on every start) is not an error.
  if (!st.ok() && !(secret && st.code() == StatusCode::kAlreadyExists)) return st;
  return key;
}

Result<bool> AuthService::IsEmpty() const {
  FERRY_ASSIGN_OR_RETURN(int64_t n, deps_.storage.catalog().CountOrganizations());
  return n == 0;
}

}  // namespace ferry::service
