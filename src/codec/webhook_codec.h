#pragma once
// The JSON body of a migration webhook (the bytes that are signed and sent).

#include <string>

#include "model/webhook.h"

namespace ferry::codec {

std::string EncodeWebhookPayload(const model::WebhookPayload& payload);

}  // namespace ferry::codec
