#include "storage/sqlite/schema_migrations.h"

#include <string>

#include "storage/records/packed_vectors.h"

namespace ferry::storage::sqlite {
namespace {

// Catalog: everything outside one namespace. Structured fields the code never queries are
// stored as EncodeValue BLOBs (see record_codec.h); enums as their API spelling.
constexpr Migration kCatalogMigrations[] = {
    {1,
     R"sql(
CREATE TABLE organizations (
  org_id     TEXT PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);
CREATE TABLE api_keys (
  key_hash   TEXT PRIMARY KEY,
  org_id     TEXT NOT NULL,
  name       TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX api_keys_by_org ON api_keys (org_id);
CREATE TABLE namespaces (
  namespace_id        TEXT PRIMARY KEY,
  org_id              TEXT NOT NULL,
  namespace_name      TEXT NOT NULL,
  namespace_type      TEXT NOT NULL,
  description         TEXT,
  feature_extractors  BLOB NOT NULL,
  payload_indexes     BLOB NOT NULL,
  auto_create_indexes INTEGER NOT NULL,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL,
  UNIQUE (org_id, namespace_name)
);
CREATE INDEX namespaces_by_created ON namespaces (org_id, created_at, namespace_id);
CREATE TABLE tasks (
  task_id         TEXT PRIMARY KEY,
  org_id          TEXT NOT NULL,
  namespace_id    TEXT NOT NULL,
  task_type       TEXT NOT NULL,
  status          TEXT NOT NULL,
  terminal        INTEGER NOT NULL,
  inputs          BLOB NOT NULL,
  outputs         BLOB NOT NULL,
  additional_data BLOB NOT NULL,
  error           TEXT,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX tasks_unfinished ON tasks (terminal, created_at, task_id);
)sql"},
    // Migrations and their batch plans. The columns are what lists filter and order by
    // (type and source namespace are copies of fields inside `config`); the nested parts
    // are migration_record_codec BLOBs, NULL for an unset optional.
    {2,
     R"sql(
CREATE TABLE migrations (
  migration_id        TEXT PRIMARY KEY,
  org_id              TEXT NOT NULL,
  status              TEXT NOT NULL,
  migration_type      TEXT NOT NULL,
  source_namespace_id TEXT NOT NULL,
  created_at          INTEGER NOT NULL,
  config              BLOB NOT NULL,
  progress            BLOB NOT NULL,
  validation_result   BLOB,
  dependency_graph    BLOB,
  task_id             TEXT,
  started_at          INTEGER,
  completed_at        INTEGER,
  error_message       TEXT,
  additional_data     BLOB NOT NULL
);
CREATE INDEX migrations_by_created ON migrations (org_id, created_at DESC, migration_id);
CREATE INDEX migrations_by_status ON migrations (status);
CREATE TABLE migration_batches (
  migration_id  TEXT NOT NULL,
  batch_no      INTEGER NOT NULL,
  resource_id   TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  tier          INTEGER NOT NULL,
  item_ids      BLOB NOT NULL,
  status        TEXT NOT NULL,
  attempts      INTEGER NOT NULL,
  items_failed  INTEGER NOT NULL,
  error         TEXT,
  PRIMARY KEY (migration_id, batch_no)
);
)sql"},
    // Webhook outbox and per-organization signing secrets. `body` is the exact payload
    // that is signed and sent. The pending index serves "lowest pending sequence per
    // migration" without a sort.
    {3,
     R"sql(
CREATE TABLE webhook_outbox (
  delivery_id     TEXT PRIMARY KEY,
  org_id          TEXT NOT NULL,
  migration_id    TEXT NOT NULL,
  sequence        INTEGER NOT NULL,
  event           TEXT NOT NULL,
  url             TEXT NOT NULL,
  body            BLOB NOT NULL,
  attempts        INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  status          TEXT NOT NULL,
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  UNIQUE (org_id, migration_id, sequence)
);
CREATE INDEX webhook_outbox_pending ON webhook_outbox (status, org_id, migration_id, sequence);
CREATE TABLE webhook_secrets (
  org_id TEXT PRIMARY KEY,
  secret TEXT NOT NULL
);
)sql"},
    // Batch leases with fencing tokens, and the items a migration failed to process.
    // `fencing_tokens` is one counter: every claim takes the next value, so tokens grow
    // across all batches and plans. Failed items stay after a successful retry, as
    // `resolved`.
    {4,
     R"sql(
ALTER TABLE migration_batches ADD COLUMN lease_owner TEXT;
ALTER TABLE migration_batches ADD COLUMN lease_expires_at INTEGER;
ALTER TABLE migration_batches ADD COLUMN fencing_token INTEGER NOT NULL DEFAULT 0;
CREATE TABLE fencing_tokens (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  last INTEGER NOT NULL
);
INSERT INTO fencing_tokens (id, last) VALUES (1, 0);
CREATE TABLE migration_failed_items (
  migration_id  TEXT NOT NULL,
  resource_id   TEXT NOT NULL,
  item_id       TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  batch_no      INTEGER NOT NULL,
  error         TEXT NOT NULL,
  attempts      INTEGER NOT NULL,
  status        TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  PRIMARY KEY (migration_id, resource_id, item_id)
) WITHOUT ROWID;
CREATE INDEX migration_failed_items_by_status
  ON migration_failed_items (migration_id, status, resource_id, item_id);
)sql"},
    // Target claims of unfinished migrations (sqlite_target_claims.cc): the id is unique
    // across organizations, the name within one. A row lives while its migration is
    // validating, pending or in_progress.
    {5,
     R"sql(
CREATE TABLE migration_target_claims (
  migration_id   TEXT PRIMARY KEY,
  org_id         TEXT NOT NULL,
  namespace_id   TEXT NOT NULL UNIQUE,
  namespace_name TEXT NOT NULL,
  UNIQUE (org_id, namespace_name)
);
)sql"},
    // Claiming the next free batch (ClaimNextMigrationBatch): the open batches of a plan
    // in (tier, batch_no) order, so a claim and the lowest open tier are index seeks that
    // do not step over completed batches; and who completed each batch.
    {6,
     R"sql(
ALTER TABLE migration_batches ADD COLUMN completed_by TEXT;
CREATE INDEX migration_batches_open ON migration_batches (migration_id, tier, batch_no)
  WHERE status != 'completed';
)sql"},
    // Webhook claims (sqlite_webhooks.cc): the dispatcher that is sending an event and
    // until when; NULL when nobody is.
    {7,
     R"sql(
ALTER TABLE webhook_outbox ADD COLUMN claim_owner TEXT;
ALTER TABLE webhook_outbox ADD COLUMN claim_expires_at INTEGER;
)sql"},
    // Run leases (MigrationRunStore): which process coordinates each running migration.
    {8,
     R"sql(
CREATE TABLE migration_runs (
  migration_id TEXT PRIMARY KEY,
  owner        TEXT,
  token        INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
);
)sql"},
    // A bulk-copied slice's checksums, recorded with its completion (a record BLOB,
    // records::EncodeBatchChecksums; NULL for other batches).
    {9,
     R"sql(
ALTER TABLE migration_batches ADD COLUMN checksums BLOB;
)sql"},
};

// Schema step 10: every document's rows of `vectors`, in position order, packed into its
// `vectors` column; then the table is dropped. One pass over the vectors' primary key.
Status PackVectorsIntoDocuments(SqliteDb& db) {
  FERRY_ASSIGN_OR_RETURN(Statement read,
                         db.Prepare("SELECT document_id, feature_uri, data FROM vectors "
                                    "ORDER BY document_id, position"));
  FERRY_ASSIGN_OR_RETURN(Statement write,
                         db.Prepare("UPDATE documents SET vectors = ?2 WHERE document_id = ?1"));
  std::string document_id;
  std::string packed;
  auto flush = [&]() -> Status {
    if (document_id.empty()) return Status::Ok();
    write.BindText(1, document_id);
    write.BindBlob(2, packed);
    Status st = write.Run();
    write.Reset();
    packed.clear();
    return st;
  };
  for (;;) {
    FERRY_ASSIGN_OR_RETURN(bool row, read.Step());
    if (!row) break;
    if (read.TextView(0) != document_id) {
      FERRY_RETURN_IF_ERROR(flush());
      document_id.assign(read.TextView(0));
    }
    records::AppendPackedVector(read.TextView(1), read.BlobView(2), &packed);
  }
  FERRY_RETURN_IF_ERROR(flush());
  return db.Exec("DROP TABLE vectors");
}

// Namespace: one namespace's resources. Children cascade from their parents.
constexpr Migration kNamespaceMigrations[] = {
    {1,
     R"sql(
CREATE TABLE buckets (
  bucket_id   TEXT PRIMARY KEY,
  bucket_name TEXT NOT NULL UNIQUE,
  description TEXT,
  schema      BLOB NOT NULL,
  unique_key  BLOB NOT NULL,
  metadata    BLOB NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX buckets_by_created ON buckets (created_at, bucket_id);
CREATE TABLE objects (
  object_id  TEXT PRIMARY KEY,
  bucket_id  TEXT NOT NULL REFERENCES buckets (bucket_id) ON DELETE CASCADE,
  key_prefix TEXT,
  blobs      BLOB NOT NULL,
  status     TEXT NOT NULL,
  error      TEXT,
  size_bytes INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX objects_by_bucket ON objects (bucket_id, created_at, object_id);
CREATE TABLE object_blob_hashes (
  object_id    TEXT NOT NULL REFERENCES objects (object_id) ON DELETE CASCADE,
  content_hash TEXT NOT NULL,
  PRIMARY KEY (object_id, content_hash)
) WITHOUT ROWID;
CREATE INDEX object_blob_hashes_by_hash ON object_blob_hashes (content_hash);
CREATE TABLE collections (
  collection_id   TEXT PRIMARY KEY,
  collection_name TEXT NOT NULL UNIQUE,
  description     TEXT,
  source          BLOB NOT NULL,
  extractor       BLOB NOT NULL,
  input_schema    BLOB NOT NULL,
  output_schema   BLOB NOT NULL,
  enabled         INTEGER NOT NULL,
  metadata        BLOB NOT NULL,
  root_bucket_ids BLOB NOT NULL,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX collections_by_created ON collections (created_at, collection_id);
CREATE TABLE documents (
  document_id          TEXT PRIMARY KEY,
  collection_id        TEXT NOT NULL REFERENCES collections (collection_id) ON DELETE CASCADE,
  fields               BLOB NOT NULL,
  source_type          TEXT NOT NULL,
  root_object_id       TEXT NOT NULL,
  root_bucket_id       TEXT NOT NULL,
  source_object_id     TEXT,
  source_document_id   TEXT,
  source_collection_id TEXT,
  lineage_path         TEXT NOT NULL,
  modality             TEXT NOT NULL,
  ingestion_status     TEXT NOT NULL,
  error                TEXT,
  batch_id             TEXT NOT NULL,
  created_at           INTEGER NOT NULL,
  updated_at           INTEGER NOT NULL
);
CREATE INDEX documents_by_root ON documents (collection_id, root_object_id);
CREATE INDEX documents_by_created ON documents (collection_id, created_at, document_id);
CREATE TABLE vectors (
  document_id TEXT NOT NULL REFERENCES documents (document_id) ON DELETE CASCADE,
  feature_uri TEXT NOT NULL,
  position    INTEGER NOT NULL,
  dims        INTEGER NOT NULL,
  data        BLOB NOT NULL,
  PRIMARY KEY (document_id, feature_uri)
) WITHOUT ROWID;
CREATE TABLE batches (
  batch_id       TEXT PRIMARY KEY,
  bucket_id      TEXT NOT NULL REFERENCES buckets (bucket_id) ON DELETE CASCADE,
  status         TEXT NOT NULL,
  object_ids     BLOB NOT NULL,
  collection_ids BLOB NOT NULL,
  dag_tiers      BLOB NOT NULL,
  current_tier   INTEGER,
  error          TEXT,
  error_summary  BLOB NOT NULL,
  task_id        TEXT,
  metadata       BLOB NOT NULL,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
CREATE INDEX batches_by_bucket ON batches (bucket_id);
)sql"},
    // Keyset paging of ids (ListObjectIds / ListDocumentIds): walks a parent's ids in order
    // and filters created_at from the index itself, without a sort or a table lookup.
    {2,
     R"sql(
CREATE INDEX objects_by_bucket_id ON objects (bucket_id, object_id, created_at);
CREATE INDEX documents_by_collection_id ON documents (collection_id, document_id, created_at);
)sql"},
    // Vectors as an ordinary rowid table: in a WITHOUT ROWID table a row larger than
    // ~1 KB (any 256-dim float32 vector) spills to an overflow page of its own, so vectors
    // took 4 KiB pages a quarter full and every write touched two pages.
    {3,
     R"sql(
CREATE TABLE vectors_v3 (
  document_id TEXT NOT NULL REFERENCES documents (document_id) ON DELETE CASCADE,
  feature_uri TEXT NOT NULL,
  position    INTEGER NOT NULL,
  dims        INTEGER NOT NULL,
  data        BLOB NOT NULL,
  PRIMARY KEY (document_id, feature_uri)
);
INSERT INTO vectors_v3 (document_id, feature_uri, position, dims, data)
  SELECT document_id, feature_uri, position, dims, data FROM vectors;
DROP TABLE vectors;
ALTER TABLE vectors_v3 RENAME TO vectors;
)sql"},
    // Retrievers, their executions and interactions. The structs are record BLOBs
    // (`body`); columns are only what lists filter and order by. `interaction_types` is
    // "|view|click|" so one type matches with LIKE. `collection_writes` counts every
    // document insert, update (every upsert, vectors included) and delete per collection,
    // maintained by triggers; vector indexes compare it to decide on a rebuild.
    {4,
     R"sql(
CREATE TABLE retrievers (
  retriever_id   TEXT PRIMARY KEY,
  retriever_name TEXT NOT NULL UNIQUE,
  body           BLOB NOT NULL,
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL
);
CREATE INDEX retrievers_by_created ON retrievers (created_at, retriever_id);
CREATE TABLE retriever_executions (
  execution_id TEXT PRIMARY KEY,
  retriever_id TEXT NOT NULL REFERENCES retrievers (retriever_id) ON DELETE CASCADE,
  status       TEXT NOT NULL,
  body         BLOB NOT NULL,
  created_at   INTEGER NOT NULL
);
CREATE INDEX retriever_executions_by_retriever
  ON retriever_executions (retriever_id, created_at DESC, execution_id);
CREATE TABLE retriever_interactions (
  interaction_id    TEXT PRIMARY KEY,
  retriever_id      TEXT,
  execution_id      TEXT,
  session_id        TEXT,
  user_id           TEXT,
  feature_id        TEXT NOT NULL,
  interaction_types TEXT NOT NULL,
  body              BLOB NOT NULL,
  created_at        INTEGER NOT NULL
);
CREATE INDEX retriever_interactions_by_created
  ON retriever_interactions (created_at DESC, interaction_id);
CREATE TABLE collection_writes (
  collection_id TEXT PRIMARY KEY,
  mark          INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER documents_count_insert AFTER INSERT ON documents BEGIN
  INSERT INTO collection_writes (collection_id, mark) VALUES (NEW.collection_id, 1)
    ON CONFLICT (collection_id) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER documents_count_update AFTER UPDATE ON documents BEGIN
  INSERT INTO collection_writes (collection_id, mark) VALUES (NEW.collection_id, 1)
    ON CONFLICT (collection_id) DO UPDATE SET mark = mark + 1;
  INSERT INTO collection_writes (collection_id, mark) VALUES (OLD.collection_id, 1)
    ON CONFLICT (collection_id) DO UPDATE SET mark = mark + 1;
END;
CREATE TRIGGER documents_count_delete AFTER DELETE ON documents BEGIN
  INSERT INTO collection_writes (collection_id, mark) VALUES (OLD.collection_id, 1)
    ON CONFLICT (collection_id) DO UPDATE SET mark = mark + 1;
END;
)sql"},
    // Write fences of migration workers: the highest fencing token that wrote under each
    // key (a batch of a migration). A write with a lower token is refused.
    {5,
     R"sql(
CREATE TABLE write_fences (
  fence_key TEXT PRIMARY KEY,
  token     INTEGER NOT NULL
) WITHOUT ROWID;
)sql"},
    // v6: clusters and their executions, stored like retrievers (whole struct in `body`).
    // Executions cascade with their cluster.
    {6,
     R"sql(
CREATE TABLE clusters (
  cluster_id   TEXT PRIMARY KEY,
  cluster_name TEXT NOT NULL UNIQUE,
  body         BLOB NOT NULL,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX clusters_by_created ON clusters (created_at, cluster_id);
CREATE TABLE cluster_executions (
  run_id     TEXT PRIMARY KEY,
  cluster_id TEXT NOT NULL REFERENCES clusters (cluster_id) ON DELETE CASCADE,
  body       BLOB NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX cluster_executions_by_cluster
  ON cluster_executions (cluster_id, created_at DESC, run_id DESC);
)sql"},
    // v7: taxonomies (record BLOB `body`, columns for lookups and order) and the
    // taxonomy_applications of collections (a record BLOB; NULL reads as none).
    {7,
     R"sql(
CREATE TABLE taxonomies (
  taxonomy_id   TEXT PRIMARY KEY,
  taxonomy_name TEXT NOT NULL UNIQUE,
  body          BLOB NOT NULL,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
CREATE INDEX taxonomies_by_created ON taxonomies (created_at, taxonomy_id);
ALTER TABLE collections ADD COLUMN taxonomy_applications BLOB;
)sql"},
    // v8: the change log of client writes (storage/change_log_store.h). AUTOINCREMENT, so a
    // sequence number is never given out twice, even after the log was trimmed.
    {8,
     R"sql(
CREATE TABLE change_log (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  item        TEXT NOT NULL CHECK (item IN ('object', 'document')),
  resource_id TEXT NOT NULL,
  item_id     TEXT NOT NULL,
  op          TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
  at          INTEGER NOT NULL
);
)sql"},
    // v9: a pause of client writes (ChangeLogStore::PauseWrites), checked by every logged
    // write in its transaction; one row, `until` in wall-clock ms (0: not paused).
    {9,
     R"sql(
CREATE TABLE write_pause (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  until INTEGER NOT NULL
);
INSERT INTO write_pause VALUES (1, 0);
)sql"},
    // v10: a document's vectors live in its own row (records/packed_vectors.h), no longer
    // one row each in `vectors`: a document is written, copied and read as one row. The
    // old rows are packed in C++ (PackVectorsIntoDocuments), then the table goes.
    {10,
     R"sql(
ALTER TABLE documents ADD COLUMN vectors BLOB NOT NULL DEFAULT x'';
)sql",
     PackVectorsIntoDocuments},
    // v11: inserts and in-place updates of documents advance their collection's write mark
    // once per statement or batch, in code (BumpCollectionWrites), no longer by a trigger
    // per row: the triggers' upserts were a third of a bulk copy's document writes
    // (bench/copy_sql_ceiling.py). Deletes (also by cascade) and moves between collections
    // keep their triggers.
    {11,
     R"sql(
DROP TRIGGER documents_count_insert;
DROP TRIGGER documents_count_update;
CREATE TRIGGER documents_count_move AFTER UPDATE OF collection_id ON documents
  WHEN OLD.collection_id IS NOT NEW.collection_id BEGIN
  INSERT INTO collection_writes (collection_id, mark) VALUES (NEW.collection_id, 1)
    ON CONFLICT (collection_id) DO UPDATE SET mark = mark + 1;
  INSERT INTO collection_writes (collection_id, mark) VALUES (OLD.collection_id, 1)
    ON CONFLICT (collection_id) DO UPDATE SET mark = mark + 1;
END;
)sql"},
};

}  // namespace

std::span<const Migration> MigrationsFor(SchemaKind kind) {
  switch (kind) {
    case SchemaKind::kCatalog:
      return kCatalogMigrations;
    case SchemaKind::kNamespace:
      return kNamespaceMigrations;
  }
  return {};
}

int LatestSchemaVersion(SchemaKind kind) {
  auto steps = MigrationsFor(kind);
  return steps.empty() ? 0 : steps.back().version;
}

Result<int> SchemaVersion(SqliteDb& db) {
  FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare("PRAGMA user_version"));
  FERRY_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Status::Internal("PRAGMA user_version returned no row");
  return static_cast<int>(stmt.Int(0));
}

Status ApplyMigrations(SqliteDb& db, std::span<const Migration> steps) {
  const int latest = steps.empty() ? 0 : steps.back().version;
  FERRY_ASSIGN_OR_RETURN(int current, SchemaVersion(db));
  if (current > latest) {
    return Status::FailedPrecondition(db.name() + " has schema version " + std::to_string(current) +
                                      ", newer than the supported " + std::to_string(latest));
  }
  if (current == latest) return Status::Ok();
  // Re-read the version under the write lock: another process may have migrated meanwhile.
  Transaction txn(&db);
  FERRY_RETURN_IF_ERROR(txn.Begin());
  FERRY_ASSIGN_OR_RETURN(current, SchemaVersion(db));
  for (const Migration& step : steps) {
    if (step.version <= current) continue;
    FERRY_RETURN_IF_ERROR(db.Exec(step.sql));
    if (step.after != nullptr) FERRY_RETURN_IF_ERROR(step.after(db));
    // user_version lives in the database header and is part of the transaction.
    FERRY_RETURN_IF_ERROR(db.Exec("PRAGMA user_version = " + std::to_string(step.version)));
  }
  return txn.Commit();
}

Status MigrateSchema(SqliteDb& db, SchemaKind kind) {
  return ApplyMigrations(db, MigrationsFor(kind));
}

}  // namespace ferry::storage::sqlite
