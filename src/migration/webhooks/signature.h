#pragma once
// What a delivery carries besides its body, and how a receiver verifies it:
//   Content-Type: application/json
//   X-Ferry-Event: migration.completed
//   X-Ferry-Delivery-Id: whd_…        (the same on every retry: deduplicate on it)
//   X-Ferry-Timestamp: 2026-11-29T03:46:25.123Z   (this attempt)
//   X-Ferry-Signature: sha256=<lowercase hex HMAC-SHA256 of the raw body under the
//                      organization's webhook secret>

#include <string>
#include <string_view>

#include "common/clock.h"
#include "migration/webhooks/http_poster.h"
#include "model/webhook.h"

namespace ferry::migration::webhooks {

inline constexpr char kEventHeader[] = "X-Ferry-Event";
inline constexpr char kDeliveryIdHeader[] = "X-Ferry-Delivery-Id";
inline constexpr char kTimestampHeader[] = "X-Ferry-Timestamp";
inline constexpr char kSignatureHeader[] = "X-Ferry-Signature";

// "sha256=" + hex HMAC-SHA256(secret, body).
std::string SignatureValue(std::string_view secret, std::string_view body);

// True when `value` is SignatureValue(secret, body); compares in constant time.
bool VerifySignature(std::string_view secret, std::string_view body, std::string_view value);

// The headers of one delivery attempt of `event` at `now`.
HttpHeaders DeliveryHeaders(const model::WebhookEvent& event, std::string_view secret,
                            TimestampMs now);

}  // namespace ferry::migration::webhooks
