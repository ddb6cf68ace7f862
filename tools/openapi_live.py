"""The live-migration endpoints (Ferry extensions, issue 13 §3) for tools/gen_openapi.py:
sync (once or following), sync/stop, cutover and rollback, each answering with the
migration; its additional_data.live is described by FerryLiveMigrationState."""

_ID = {"name": "migration_id", "in": "path", "required": True,
       "schema": {"type": "string", "title": "Migration Id"}}


def _error(text):
    return {"description": text, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/ErrorResponse"}}}}


def _migration(text):
    return {"description": text, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/GetMigrationResponse"}}}}


_LIVE = (" The live state is in the migration's additional_data.live (schema "
         "FerryLiveMigrationState); the migration's status stays `completed`.")


def _nullable(schema):
    return {"anyOf": [schema, {"type": "null"}]}


_COUNTS = {"type": "object", "properties": {k: {"type": "integer", "minimum": 0} for k in (
    "items", "objects_upserted", "objects_deleted", "objects_skipped", "objects_rederived",
    "documents_upserted", "documents_deleted", "documents_skipped")}}
_TIME = {"type": "string", "format": "date-time"}

LIVE_SCHEMAS = {
    "FerrySyncMigrationRequest": {
        "type": "object", "title": "FerrySyncMigrationRequest",
        "properties": {"follow": {"type": "boolean", "default": False,
                                  "description": "Keep applying changes until cutover or "
                                                 "sync/stop"}}},
    "FerryLiveMigrationState": {
        "type": "object", "title": "FerryLiveMigrationState",
        "description": "A live migration's state, in additional_data.live (Ferry extension).",
        "properties": {
            "source_seq_at_start": {"type": "integer"},
            "applied_seq": _nullable({"type": "integer"}),
            "following": {"type": "boolean"},
            "lag": {"type": "object", "properties": {
                "sequences": {"type": "integer", "minimum": 0},
                "items": {"type": "integer", "minimum": 0}}},
            "last_synced_at": _nullable(_TIME),
            "sync_passes": {"type": "integer", "minimum": 0},
            "synced": _COUNTS,
            "last_error": _nullable({"type": "string"}),
            "operation": _nullable({"type": "string", "enum": ["cutover", "rollback"]}),
            "source_name": _nullable({"type": "string"}),
            "target_name": _nullable({"type": "string"}),
            "source_renamed_to": _nullable({"type": "string"}),
            "cutover_at": _nullable(_TIME),
            "cutover_pause_ms": {"type": "integer", "minimum": 0},
            "target_seq_at_cutover": {"type": "integer"},
            "rolled_back_at": _nullable(_TIME),
            "rollback_pause_ms": {"type": "integer", "minimum": 0},
            "rolled_back": _COUNTS}},
}

_BASE = "/v1/namespaces/migrations/{migration_id}"
LIVE_PATHS = {
    _BASE + "/sync": {"post": {
        "operationId": "ferry_sync_migration",
        "summary": "Apply to the target every source change since the last applied sequence, "
                   "in order (Ferry extension). copy: mapped upserts and deletes; re_extract "
                   "and extend: a changed object is copied and its documents in rebuilt "
                   "collections are re-derived with the target's extractors (downstream "
                   "collections included); an object whose content did not change is "
                   "skipped, never re-extracted. Idempotent; resumes after a crash. "
                   "`follow: true` keeps applying changes until cutover or sync/stop (202); "
                   "the lag is in additional_data.live.lag. Sends migration.synced." + _LIVE,
        "parameters": [_ID],
        "requestBody": {"required": False, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/FerrySyncMigrationRequest"}}}},
        "responses": {
            "200": _migration("The pass is done: the target has every change made before "
                              "the request"),
            "202": _migration("Following: passes go on in the background"),
            "401": _error("Unauthorized"), "404": _error("Not Found"),
            "409": _error("Conflict: not a completed migration, cut over or rolled back "
                          "already, another operation under way, or a namespace is gone"),
            "422": {"description": "Validation Error", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/HTTPValidationError"}}}},
            "503": _error("Service Unavailable"),
            "507": _error("Too many following syncs")}}},
    _BASE + "/sync/stop": {"post": {
        "operationId": "ferry_stop_migration_sync",
        "summary": "Stop following, after the pass under way (Ferry extension)." + _LIVE,
        "parameters": [_ID],
        "responses": {"200": _migration("Not following"), "401": _error("Unauthorized"),
                      "404": _error("Not Found"), "503": _error("Service Unavailable")}}},
    _BASE + "/cutover": {"post": {
        "operationId": "ferry_cutover_migration",
        "summary": "Switch clients to the target (Ferry extension): catch up, refuse writes "
                   "to the source for a moment (409 with Retry-After), apply the last "
                   "changes, swap the namespaces' names atomically (the target takes the "
                   "source's name; the source becomes `<name>-pre-<8 characters of the "
                   "migration id>`), resume writes. Clients that address the namespace by "
                   "name (X-Namespace) switch with no change. The pause is measured: "
                   "additional_data.live.cutover_pause_ms. Sends migration.cutover." + _LIVE,
        "parameters": [_ID],
        "responses": {
            "200": _migration("Cut over: the target holds the source's name"),
            "401": _error("Unauthorized"), "404": _error("Not Found"),
            "409": _error("Conflict: not a completed migration, cut over or rolled back "
                          "already, another operation under way, or a namespace is gone"),
            "503": _error("Service Unavailable")}}},
    _BASE + "/rollback": {"post": {
        "operationId": "ferry_rollback_migration",
        "summary": "Undo a cutover (Ferry extension): refuse writes to the target for a "
                   "moment, carry the writes made to it since the cutover back to the source "
                   "(objects copied back, their documents re-derived with the source's "
                   "extractors; copied documents copied back), swap the names back, resume "
                   "writes. Allowed while both namespaces exist. Sends "
                   "migration.rolled_back." + _LIVE,
        "parameters": [_ID],
        "responses": {
            "200": _migration("Rolled back: the source holds its name again"),
            "401": _error("Unauthorized"), "404": _error("Not Found"),
            "409": _error("Conflict: not cut over, rolled back already, another operation "
                          "under way, or a namespace is gone"),
            "503": _error("Service Unavailable")}}},
}
