#pragma once
// Per-organization webhook signing secrets ("whsec_" + 64 hex digits). The secret is an
// HMAC key the receiver shares: it is stored as is, never logged, and shown to the user
// only by the call that creates it (RotateSecret's result).

#include <string>

#include "common/result.h"
#include "storage/webhook_store.h"

namespace ferry::migration::webhooks {

inline constexpr char kSecretPrefix[] = "whsec_";

// Replaces the organization's secret with a fresh random one and returns it. Deliveries
// attempted from now on are signed with it (also retries of older events).
Result<std::string> RotateSecret(storage::WebhookStore& catalog, const std::string& org_id);

// The organization's secret, created when it has none (the user learns it by rotating).
// Concurrent callers converge on the stored secret.
Result<std::string> EnsureSecret(storage::WebhookStore& catalog, const std::string& org_id);

}  // namespace ferry::migration::webhooks
