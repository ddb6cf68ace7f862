#include "api/responses.h"

#include "codec/codecs.h"
#include "codec/json_value.h"

namespace ferry::api {

http::HttpResponse Json(int status, const boost::json::value& body) {
  http::HttpResponse r;
  r.status = status;
  r.body = codec::Serialize(body);
  return r;
}

http::HttpResponse NoContent() {
  http::HttpResponse r;
  r.status = 204;
  return r;
}

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
      return 409;
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kAborted:
    case StatusCode::kCancelled:
    case StatusCode::kLeaseLost:
    case StatusCode::kAlreadyCompleted:
    case StatusCode::kWritesPaused:
      return 409;
    case StatusCode::kResourceExhausted:
      return 507;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kDeadlineExceeded:
      return 504;
    case StatusCode::kInternal:
    case StatusCode::kDataLoss:
      return 500;
  }
  return 500;
}

namespace {
const char* ErrorTypeFor(int http_status) {
  switch (http_status) {
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 409:
      return "Conflict";
    case 413:
      return "PayloadTooLarge";
    case 503:
      return "ServiceUnavailable";
    case 504:
      return "GatewayTimeout";
    case 507:
      return "InsufficientStorage";
    default:
      return "InternalServerError";
  }
}
}  // namespace

http::HttpResponse FromStatus(const Status& status) {
  int code = HttpStatusFor(status.code());
  http::HttpResponse r = Json(code, codec::EncodeError(code, ErrorTypeFor(code), status.message()));
  if (code == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer");
  // A paused namespace (a cutover) takes writes again within a second or so.
  if (status.code() == StatusCode::kWritesPaused) r.headers.emplace_back("Retry-After", "1");
  return r;
}

http::HttpResponse Unprocessable(const model::ValidationIssues& issues) {
  return Json(422, codec::EncodeValidationIssues(issues));
}

}  // namespace ferry::api
