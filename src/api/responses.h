#pragma once
// Building HTTP responses: JSON bodies, the Status → HTTP mapping (the only place HTTP
// status codes meet domain errors), and 422 validation envelopes.

#include <boost/json.hpp>

#include "api/http/message.h"
#include "common/status.h"
#include "model/requests.h"

namespace ferry::api {

http::HttpResponse Json(int status, const boost::json::value& body);
// 204 with an empty body (deletes that Mixpeek answers so).
http::HttpResponse NoContent();
// Mixpeek's error envelope for a failed Status.
http::HttpResponse FromStatus(const Status& status);
// 422 {"detail": [{loc, msg, type}, …]}.
http::HttpResponse Unprocessable(const model::ValidationIssues& issues);

// HTTP status for a Status code (e.g. NotFound → 404).
int HttpStatusFor(StatusCode code);

}  // namespace ferry::api
