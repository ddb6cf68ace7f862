// GET /v1/namespaces/migrations/{migration_id}/events (Ferry extension): the migration's
// live event stream (Server-Sent Events), served by the MigrationEventHub. The request is
// authenticated and the migration read on the handler pool, like GET; the stream's first
// event is that state.

#include "api/handler_support.h"
#include "api/migration_event_hub.h"
#include "api/routes.h"

namespace ferry::api {
namespace {

// A Last-Event-ID is an event id this server made; anything longer is not one.
constexpr size_t kMaxLastEventId = 64;

http::HttpResponse Events(ApiContext& ctx, const Request& req) {
  if (!ctx.events.HasRoom()) {
    return http::ErrorEnvelope(503, "ServiceUnavailable", "too many open event streams");
  }
  API_ASSIGN_OR_RESPOND(auto view, ctx.migrations.GetStatus(req.caller, req.Param("migration_id")));
  http::HttpResponse response;
  response.content_type = "text/event-stream";
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("X-Accel-Buffering", "no");  // proxies: do not buffer
  std::string last = req.http.Header("last-event-id");
  if (last.size() > kMaxLastEventId) last.clear();
  response.on_stream = [&hub = ctx.events, caller = req.caller, id = view.migration->migration_id,
                        first = MigrationEvent::Of(*view.migration),
                        last = std::move(last)](std::shared_ptr<http::BodyStream> stream) mutable {
    hub.Add(std::move(caller), std::move(id), std::move(first), last, std::move(stream));
  };
  return response;
}

}  // namespace

void RegisterMigrationEventRoutes(http::Router& router, ApiContext& ctx) {
  router.Add("GET", "/v1/namespaces/migrations/{migration_id}/events", Authenticated(ctx, Events));
}

}  // namespace ferry::api
