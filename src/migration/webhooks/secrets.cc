#include "migration/webhooks/secrets.h"

#include "common/ids.h"

namespace ferry::migration::webhooks {

Result<std::string> RotateSecret(storage::WebhookStore& catalog, const std::string& org_id) {
  std::string secret = kSecretPrefix;
  secret.append(RandomHex(32));
  FERRY_RETURN_IF_ERROR(catalog.SetWebhookSecret(org_id, secret));
  return secret;
}

Result<std::string> EnsureSecret(storage::WebhookStore& catalog, const std::string& org_id) {
  Result<std::string> existing = catalog.GetWebhookSecret(org_id);
  if (existing.ok() || existing.status().code() != StatusCode::kNotFound) return existing;
  FERRY_RETURN_IF_ERROR(RotateSecret(catalog, org_id).status());
  // Read back: when two callers raced, both now use whichever secret was stored last.
  return catalog.GetWebhookSecret(org_id);
}

}  // namespace ferry::migration::webhooks
