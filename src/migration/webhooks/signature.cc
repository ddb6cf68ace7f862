#include "migration/webhooks/signature.h"

#include "common/crypto.h"

namespace ferry::migration::webhooks {

std::string SignatureValue(std::string_view secret, std::string_view body) {
  std::string value = "sha256=";
  return value.append(HmacSha256Hex(secret, body));
}

bool VerifySignature(std::string_view secret, std::string_view body, std::string_view value) {
  return ConstantTimeEquals(SignatureValue(secret, body), value);
}

HttpHeaders DeliveryHeaders(const model::WebhookEvent& event, std::string_view secret,
                            TimestampMs now) {
  return {
      {"Content-Type", "application/json"},
      {kEventHeader, event.event},
      {kDeliveryIdHeader, event.delivery_id},
      {kTimestampHeader, FormatIso8601(now)},
      {kSignatureHeader, SignatureValue(secret, event.body)},
  };
}

}  // namespace ferry::migration::webhooks
