#include "storage/postgres/pg_schema.h"

#include <string>

#include "storage/postgres/pg_partitions.h"

namespace ferry::storage::postgres {
namespace {

struct Step {
  int version;
  const char* sql;
  // Runs after sql, in the same transaction (null: none).
  void (*then)(pqxx::work& tx) = nullptr;
};

// Step 10: each namespace's partitions, filled from the tables step 10 renamed, which are
// dropped afterwards (rows of namespaces without a data row cannot exist: they are
// deleted with it).
void PartitionNamespaces(pqxx::work& tx) {
  // Vectors have no per-namespace partitions since step 11, which packs them into their
  // documents and drops the table: until then they wait in one default partition.
  tx.exec("CREATE TABLE vectors_v10 PARTITION OF vectors DEFAULT");
  for (const auto& row : tx.exec("SELECT namespace_id, part FROM namespace_data ORDER BY part")) {
    const std::string ns = row[0].c_str();
    const int64_t part = row[1].as<int64_t>();
    CreatePartitions(tx, ns, part);
    for (const char* table : {"objects", "documents", "vectors"}) {
      tx.exec_params(std::string("INSERT INTO ") + table + " SELECT * FROM " + table +
                         "_v9 WHERE namespace_id = $1",
                     ns);
    }
    ValidateForeignKeys(tx, part);
  }
  tx.exec("DROP TABLE vectors_v9, documents_v9, objects_v9");
}

// Text columns sort bytewise (COLLATE "C"), as SQLite compares ids, whatever the
// database's locale: keyset pages and id orders are the same on both backends.
// Timestamps are milliseconds since the epoch (BIGINT); structured fields the code never
// queries are record_codec bytes (BYTEA), as on SQLite. Catalog tables first.
constexpr Step kSteps[] = {
    {1,
     R"sql(
CREATE TABLE organizations (
  org_id     TEXT COLLATE "C" PRIMARY KEY,
  name       TEXT COLLATE "C" NOT NULL UNIQUE,
  created_at BIGINT NOT NULL
);
CREATE TABLE api_keys (
  key_hash   TEXT COLLATE "C" PRIMARY KEY,
  org_id     TEXT COLLATE "C" NOT NULL,
  name       TEXT COLLATE "C" NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX api_keys_by_org ON api_keys (org_id);
CREATE TABLE namespaces (
  namespace_id        TEXT COLLATE "C" PRIMARY KEY,
  org_id              TEXT COLLATE "C" NOT NULL,
  namespace_name      TEXT COLLATE "C" NOT NULL,
  namespace_type      TEXT COLLATE "C" NOT NULL,
  description         TEXT COLLATE "C",
  feature_extractors  BYTEA NOT NULL,
  payload_indexes     BYTEA NOT NULL,
  auto_create_indexes BOOLEAN NOT NULL,
  created_at          BIGINT NOT NULL,
  updated_at          BIGINT NOT NULL,
  UNIQUE (org_id, namespace_name)
);
CREATE INDEX namespaces_by_created ON namespaces (org_id, created_at, namespace_id);
CREATE TABLE tasks (
  task_id         TEXT COLLATE "C" PRIMARY KEY,
  org_id          TEXT COLLATE "C" NOT NULL,
  namespace_id    TEXT COLLATE "C" NOT NULL,
  task_type       TEXT COLLATE "C" NOT NULL,
  status          TEXT COLLATE "C" NOT NULL,
  terminal        BOOLEAN NOT NULL,
  inputs          BYTEA NOT NULL,
  outputs         BYTEA NOT NULL,
  additional_data BYTEA NOT NULL,
  error           TEXT COLLATE "C",
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL
);
CREATE INDEX tasks_unfinished ON tasks (terminal, created_at, task_id);
CREATE TABLE migrations (
  migration_id        TEXT COLLATE "C" PRIMARY KEY,
  org_id              TEXT COLLATE "C" NOT NULL,
  status              TEXT COLLATE "C" NOT NULL,
  migration_type      TEXT COLLATE "C" NOT NULL,
  source_namespace_id TEXT COLLATE "C" NOT NULL,
  created_at          BIGINT NOT NULL,
  config              BYTEA NOT NULL,
  progress            BYTEA NOT NULL,
  validation_result   BYTEA,
  dependency_graph    BYTEA,
  task_id             TEXT COLLATE "C",
  started_at          BIGINT,
  completed_at        BIGINT,
  error_message       TEXT COLLATE "C",
  additional_data     BYTEA NOT NULL
);
CREATE INDEX migrations_by_created ON migrations (org_id, created_at DESC, migration_id);
CREATE INDEX migrations_by_status ON migrations (status);
CREATE TABLE migration_batches (
  migration_id     TEXT COLLATE "C" NOT NULL,
  batch_no         BIGINT NOT NULL,
  resource_id      TEXT COLLATE "C" NOT NULL,
  resource_type    TEXT COLLATE "C" NOT NULL,
  tier             BIGINT NOT NULL,
  item_ids         BYTEA NOT NULL,
  status           TEXT COLLATE "C" NOT NULL,
  attempts         BIGINT NOT NULL,
  items_failed     BIGINT NOT NULL,
  error            TEXT COLLATE "C",
  lease_owner      TEXT COLLATE "C",
  lease_expires_at BIGINT,
  fencing_token    BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (migration_id, batch_no)
);
-- One counter for every claim of every batch: tokens only grow.
CREATE SEQUENCE fencing_tokens;
CREATE TABLE migration_failed_items (
  migration_id  TEXT COLLATE "C" NOT NULL,
  resource_id   TEXT COLLATE "C" NOT NULL,
  item_id       TEXT COLLATE "C" NOT NULL,
  resource_type TEXT COLLATE "C" NOT NULL,
  batch_no      BIGINT NOT NULL,
  error         TEXT COLLATE "C" NOT NULL,
  attempts      BIGINT NOT NULL,
  status        TEXT COLLATE "C" NOT NULL,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL,
  PRIMARY KEY (migration_id, resource_id, item_id)
);
CREATE INDEX migration_failed_items_by_status
  ON migration_failed_items (migration_id, status, resource_id, item_id);
CREATE TABLE migration_target_claims (
  migration_id   TEXT COLLATE "C" PRIMARY KEY,
  org_id         TEXT COLLATE "C" NOT NULL,
  namespace_id   TEXT COLLATE "C" NOT NULL UNIQUE,
  namespace_name TEXT COLLATE "C" NOT NULL,
  UNIQUE (org_id, namespace_name)
);
CREATE TABLE webhook_outbox (
  delivery_id     TEXT COLLATE "C" PRIMARY KEY,
  org_id          TEXT COLLATE "C" NOT NULL,
  migration_id    TEXT COLLATE "C" NOT NULL,
  sequence        BIGINT NOT NULL,
  event           TEXT COLLATE "C" NOT NULL,
  url             TEXT COLLATE "C" NOT NULL,
  body            BYTEA NOT NULL,
  attempts        BIGINT NOT NULL,
  next_attempt_at BIGINT NOT NULL,
  status          TEXT COLLATE "C" NOT NULL,
  last_error      TEXT COLLATE "C",
  created_at      BIGINT NOT NULL,
  UNIQUE (org_id, migration_id, sequence)
);
CREATE INDEX webhook_outbox_pending ON webhook_outbox (status, org_id, migration_id, sequence);
CREATE TABLE webhook_secrets (
  org_id TEXT COLLATE "C" PRIMARY KEY,
  secret BYTEA NOT NULL
);
-- Content-addressed blobs: a cluster needs nothing but PostgreSQL.
CREATE TABLE blobs (
  content_hash TEXT COLLATE "C" PRIMARY KEY,
  bytes        BYTEA NOT NULL,
  created_at   BIGINT NOT NULL
);
)sql"},
    // Retrievers (their executions and interactions), clusters (their executions) and
    // taxonomies of every namespace: shared tables, namespace_id first in every key, names
    // unique per namespace. Each struct is a record (`body`); the columns beside it exist
    // only for lookups and ordering, as on SQLite. `interaction_types` is "|view|click|".
    // No foreign keys: pg_retrievers/pg_clusters delete children explicitly.
    {2,
     R"sql(
CREATE TABLE retrievers (
  namespace_id   TEXT COLLATE "C" NOT NULL,
  retriever_id   TEXT COLLATE "C" NOT NULL,
  retriever_name TEXT COLLATE "C" NOT NULL,
  body           BYTEA NOT NULL,
  created_at     BIGINT NOT NULL,
  updated_at     BIGINT NOT NULL,
  PRIMARY KEY (namespace_id, retriever_id),
  UNIQUE (namespace_id, retriever_name)
);
CREATE INDEX retrievers_by_created ON retrievers (namespace_id, created_at, retriever_id);
CREATE TABLE retriever_executions (
  namespace_id TEXT COLLATE "C" NOT NULL,
  execution_id TEXT COLLATE "C" NOT NULL,
  retriever_id TEXT COLLATE "C" NOT NULL,
  status       TEXT COLLATE "C" NOT NULL,
  body         BYTEA NOT NULL,
  created_at   BIGINT NOT NULL,
  PRIMARY KEY (namespace_id, execution_id)
);
CREATE INDEX retriever_executions_by_retriever
  ON retriever_executions (namespace_id, retriever_id, created_at DESC, execution_id);
CREATE TABLE retriever_interactions (
  namespace_id      TEXT COLLATE "C" NOT NULL,
  interaction_id    TEXT COLLATE "C" NOT NULL,
  retriever_id      TEXT COLLATE "C",
  execution_id      TEXT COLLATE "C",
  session_id        TEXT COLLATE "C",
  user_id           TEXT COLLATE "C",
  feature_id        TEXT COLLATE "C" NOT NULL,
  interaction_types TEXT COLLATE "C" NOT NULL,
  body              BYTEA NOT NULL,
  created_at        BIGINT NOT NULL,
  PRIMARY KEY (namespace_id, interaction_id)
);
CREATE INDEX retriever_interactions_by_created
  ON retriever_interactions (namespace_id, created_at DESC, interaction_id);
CREATE TABLE clusters (
  namespace_id TEXT COLLATE "C" NOT NULL,
  cluster_id   TEXT COLLATE "C" NOT NULL,
  cluster_name TEXT COLLATE "C" NOT NULL,
  body         BYTEA NOT NULL,
  created_at   BIGINT NOT NULL,
  updated_at   BIGINT NOT NULL,
  PRIMARY KEY (namespace_id, cluster_id),
  UNIQUE (namespace_id, cluster_name)
);
CREATE INDEX clusters_by_created ON clusters (namespace_id, created_at, cluster_id);
CREATE TABLE cluster_executions (
  namespace_id TEXT COLLATE "C" NOT NULL,
  run_id       TEXT COLLATE "C" NOT NULL,
  cluster_id   TEXT COLLATE "C" NOT NULL,
  body         BYTEA NOT NULL,
  created_at   BIGINT NOT NULL,
  PRIMARY KEY (namespace_id, run_id)
);
CREATE INDEX cluster_executions_by_cluster
  ON cluster_executions (namespace_id, cluster_id, created_at DESC, run_id DESC);
CREATE TABLE taxonomies (
  namespace_id  TEXT COLLATE "C" NOT NULL,
  taxonomy_id   TEXT COLLATE "C" NOT NULL,
  taxonomy_name TEXT COLLATE "C" NOT NULL,
  body          BYTEA NOT NULL,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL,
  PRIMARY KEY (namespace_id, taxonomy_id),
  UNIQUE (namespace_id, taxonomy_name)
);
CREATE INDEX taxonomies_by_created ON taxonomies (namespace_id, created_at, taxonomy_id);
)sql"},
    // Namespace data: shared tables, namespace_id first in every key (DESIGN.md, "PostgreSQL
    // layout"). Children cascade from their parents by foreign keys. `write_seq` takes the
    // next value of `document_writes` on every document insert or update; a delete bumps
    // its collection's `deleted_mark` from the same sequence (statement trigger), so the
    // greater of the two is a collection's write mark (GetCollectionVersion).
    {3,
     R"sql(
CREATE TABLE namespace_data (
  namespace_id TEXT COLLATE "C" PRIMARY KEY,
  created_at   BIGINT NOT NULL
);
CREATE TABLE buckets (
  namespace_id TEXT COLLATE "C" NOT NULL,
  bucket_id    TEXT COLLATE "C" NOT NULL,
  bucket_name  TEXT COLLATE "C" NOT NULL,
  description  TEXT COLLATE "C",
  schema       BYTEA NOT NULL,
  unique_key   BYTEA NOT NULL,
  metadata     BYTEA NOT NULL,
  created_at   BIGINT NOT NULL,
  updated_at   BIGINT NOT NULL,
  PRIMARY KEY (namespace_id, bucket_id),
  UNIQUE (namespace_id, bucket_name)
);
CREATE INDEX buckets_by_created ON buckets (namespace_id, created_at, bucket_id);
CREATE TABLE objects (
  namespace_id TEXT COLLATE "C" NOT NULL,
  object_id    TEXT COLLATE "C" NOT NULL,
  bucket_id    TEXT COLLATE "C" NOT NULL,
  key_prefix   TEXT COLLATE "C",
  blobs        BYTEA NOT NULL,
  status       TEXT COLLATE "C" NOT NULL,
  error        TEXT COLLATE "C",
  size_bytes   BIGINT NOT NULL,
  created_at   BIGINT NOT NULL,
  updated_at   BIGINT NOT NULL,
  blob_hashes  TEXT[] NOT NULL,
  PRIMARY KEY (namespace_id, object_id),
  FOREIGN KEY (namespace_id, bucket_id) REFERENCES buckets ON DELETE CASCADE
);
CREATE INDEX objects_by_bucket ON objects (namespace_id, bucket_id, created_at, object_id);
CREATE INDEX objects_by_bucket_id ON objects (namespace_id, bucket_id, object_id, created_at);
CREATE TABLE collections (
  namespace_id          TEXT COLLATE "C" NOT NULL,
  collection_id         TEXT COLLATE "C" NOT NULL,
  collection_name       TEXT COLLATE "C" NOT NULL,
  description           TEXT COLLATE "C",
  source                BYTEA NOT NULL,
  extractor             BYTEA NOT NULL,
  input_schema          BYTEA NOT NULL,
  output_schema         BYTEA NOT NULL,
  enabled               BOOLEAN NOT NULL,
  metadata              BYTEA NOT NULL,
  root_bucket_ids       BYTEA NOT NULL,
  created_at            BIGINT NOT NULL,
  updated_at            BIGINT NOT NULL,
  taxonomy_applications BYTEA,
  deleted_mark          BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (namespace_id, collection_id),
  UNIQUE (namespace_id, collection_name)
);
CREATE INDEX collections_by_created ON collections (namespace_id, created_at, collection_id);
CREATE SEQUENCE document_writes;
CREATE TABLE documents (
  namespace_id         TEXT COLLATE "C" NOT NULL,
  document_id          TEXT COLLATE "C" NOT NULL,
  collection_id        TEXT COLLATE "C" NOT NULL,
  fields               BYTEA NOT NULL,
  source_type          TEXT COLLATE "C" NOT NULL,
  root_object_id       TEXT COLLATE "C" NOT NULL,
  root_bucket_id       TEXT COLLATE "C" NOT NULL,
  source_object_id     TEXT COLLATE "C",
  source_document_id   TEXT COLLATE "C",
  source_collection_id TEXT COLLATE "C",
  lineage_path         TEXT COLLATE "C" NOT NULL,
  modality             TEXT COLLATE "C" NOT NULL,
  ingestion_status     TEXT COLLATE "C" NOT NULL,
  error                TEXT COLLATE "C",
  batch_id             TEXT COLLATE "C" NOT NULL,
  created_at           BIGINT NOT NULL,
  updated_at           BIGINT NOT NULL,
  write_seq            BIGINT NOT NULL DEFAULT nextval('document_writes'),
  PRIMARY KEY (namespace_id, document_id),
  FOREIGN KEY (namespace_id, collection_id) REFERENCES collections ON DELETE CASCADE
);
CREATE INDEX documents_by_root ON documents (namespace_id, collection_id, root_object_id);
CREATE INDEX documents_by_created ON documents (namespace_id, collection_id, created_at, document_id);
CREATE INDEX documents_by_collection_id
  ON documents (namespace_id, collection_id, document_id, created_at);
CREATE INDEX documents_by_write ON documents (namespace_id, collection_id, write_seq);
CREATE TABLE vectors (
  namespace_id TEXT COLLATE "C" NOT NULL,
  document_id  TEXT COLLATE "C" NOT NULL,
  feature_uri  TEXT COLLATE "C" NOT NULL,
  position     INTEGER NOT NULL,
  dims         INTEGER NOT NULL,
  data         BYTEA NOT NULL,
  PRIMARY KEY (namespace_id, document_id, feature_uri),
  FOREIGN KEY (namespace_id, document_id) REFERENCES documents ON DELETE CASCADE
);
CREATE FUNCTION documents_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE collections c SET deleted_mark = nextval('document_writes')
    FROM (SELECT DISTINCT namespace_id, collection_id FROM old_rows) d
    WHERE c.namespace_id = d.namespace_id AND c.collection_id = d.collection_id;
  RETURN NULL;
END $$;
CREATE TRIGGER documents_deleted AFTER DELETE ON documents
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION documents_deleted();
CREATE TABLE batches (
  namespace_id   TEXT COLLATE "C" NOT NULL,
  batch_id       TEXT COLLATE "C" NOT NULL,
  bucket_id      TEXT COLLATE "C" NOT NULL,
  status         TEXT COLLATE "C" NOT NULL,
  object_ids     BYTEA NOT NULL,
  collection_ids BYTEA NOT NULL,
  dag_tiers      BYTEA NOT NULL,
  current_tier   BIGINT,
  error          TEXT COLLATE "C",
  error_summary  BYTEA NOT NULL,
  task_id        TEXT COLLATE "C",
  metadata       BYTEA NOT NULL,
  created_at     BIGINT NOT NULL,
  updated_at     BIGINT NOT NULL,
  PRIMARY KEY (namespace_id, batch_id),
  FOREIGN KEY (namespace_id, bucket_id) REFERENCES buckets ON DELETE CASCADE
);
CREATE TABLE write_fences (
  namespace_id TEXT COLLATE "C" NOT NULL,
  fence_key    TEXT COLLATE "C" NOT NULL,
  token        BIGINT NOT NULL,
  PRIMARY KEY (namespace_id, fence_key)
);
-- The id rule of a migration (common/ids.cc MapResourceId), for bulk copies inside the
-- server: a canonical id (prefix + 24 hex digits) plus the first 96 bits of
-- SHA-256(migration) modulo 2^96; any other id hashed with the migration. Dropped by
-- step 9: the copy maps ids in C++.
CREATE FUNCTION ferry_hex96(h text) RETURNS numeric LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ((('x' || substr(h, 1, 6))::bit(24)::int::numeric * 16777216
         + ('x' || substr(h, 7, 6))::bit(24)::int) * 16777216
         + ('x' || substr(h, 13, 6))::bit(24)::int) * 16777216
         + ('x' || substr(h, 19, 6))::bit(24)::int
$$;
CREATE FUNCTION ferry_map_id(m text, id text, preserve boolean) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  u int;
  prefix text;
  rest text;
  v numeric;
  out text := '';
  i int;
BEGIN
  IF id IS NULL OR preserve THEN RETURN id; END IF;
  u := strpos(id, '_');
  IF u = 0 THEN
    RETURN 'id_' || substr(encode(sha256(convert_to(m || '|' || id, 'UTF8')), 'hex'), 1, 24);
  END IF;
  prefix := substr(id, 1, u - 1);
  rest := substr(id, u + 1);
  IF rest !~ '^[0-9a-f]{24}$' THEN
    RETURN prefix || '_' ||
           substr(encode(sha256(convert_to(m || '|' || id, 'UTF8')), 'hex'), 1, 24);
  END IF;
  v := mod(ferry_hex96(rest) +
           ferry_hex96(substr(encode(sha256(convert_to(m, 'UTF8')), 'hex'), 1, 24)),
           79228162514264337593543950336);
  FOR i IN 1..4 LOOP
    out := lpad(to_hex(mod(v, 16777216)::int), 6, '0') || out;
    v := div(v, 16777216);
  END LOOP;
  RETURN prefix || '_' || out;
END $$;
CREATE FUNCTION ferry_map_path(m text, path text, preserve boolean) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN preserve OR path IS NULL OR path = '' THEN path
         ELSE (SELECT string_agg(ferry_map_id(m, p, false), '/' ORDER BY n)
               FROM unnest(string_to_array(path, '/')) WITH ORDINALITY AS t(p, n)) END
$$;
)sql"},
    // Claiming the next free batch (SELECT … FOR UPDATE SKIP LOCKED on the open batches of
    // a tier, in batch_no order) and who completed each batch, as SQLite's catalog step 6.
    {4,
     R"sql(
ALTER TABLE migration_batches ADD COLUMN completed_by TEXT;
CREATE INDEX migration_batches_open ON migration_batches (migration_id, tier, batch_no)
  WHERE status <> 'completed';
)sql"},
    // Webhook claims (pg_webhooks.cc): the dispatcher that is sending an event and until
    // when; NULL when nobody is.
    {5,
     R"sql(
ALTER TABLE webhook_outbox ADD COLUMN claim_owner TEXT COLLATE "C",
                           ADD COLUMN claim_expires_at BIGINT;
)sql"},
    // Run leases (MigrationRunStore): which process coordinates each running migration.
    {6,
     R"sql(
CREATE TABLE migration_runs (
  migration_id TEXT COLLATE "C" PRIMARY KEY,
  owner        TEXT COLLATE "C",
  token        BIGINT NOT NULL,
  expires_at   BIGINT NOT NULL
);
)sql"},
    // The change log of client writes (storage/change_log_store.h): entries by namespace
    // and sequence; change_seqs holds each namespace's last sequence given out. A write
    // takes its sequence numbers by updating that row, whose lock it holds until it
    // commits, so a namespace's sequence numbers commit in order.
    {7,
     R"sql(
CREATE TABLE change_seqs (
  namespace_id TEXT COLLATE "C" PRIMARY KEY,
  seq          BIGINT NOT NULL
);
CREATE TABLE change_log (
  namespace_id TEXT COLLATE "C" NOT NULL,
  seq          BIGINT NOT NULL,
  item         TEXT COLLATE "C" NOT NULL CHECK (item IN ('object', 'document')),
  resource_id  TEXT COLLATE "C" NOT NULL,
  item_id      TEXT COLLATE "C" NOT NULL,
  op           TEXT COLLATE "C" NOT NULL CHECK (op IN ('upsert', 'delete')),
  at           BIGINT NOT NULL,
  PRIMARY KEY (namespace_id, seq)
);
)sql"},
    // A pause of client writes (ChangeLogStore::PauseWrites): a write advances its
    // namespace's change_seqs row, and while paused_until is ahead that update raises
    // SQLSTATE FY001 (PgStatus: WritesPaused). The pause itself is an update of the same
    // row, so it waits for the writes in flight.
    {8,
     R"sql(
ALTER TABLE change_seqs ADD COLUMN paused_until BIGINT NOT NULL DEFAULT 0;
CREATE FUNCTION ferry_writes_paused() RETURNS BIGINT LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'writes to this namespace are paused' USING ERRCODE = 'FY001';
END
$$;
)sql"},
    // Bulk copies map ids in C++ (pg_ns_copy.cc): the SQL id mapping of step 3 is unused.
    // And the checksums of bulk-copied slices (verification adds them up).
    {9,
     R"sql(
DROP FUNCTION ferry_map_path(text, text, boolean);
DROP FUNCTION ferry_map_id(text, text, boolean);
DROP FUNCTION ferry_hex96(text);
-- A bulk-copied slice's checksums, recorded with its completion (a record,
-- records::EncodeBatchChecksums; NULL for other batches).
ALTER TABLE migration_batches ADD COLUMN checksums BYTEA;
)sql"},
    // Objects, documents and vectors partitioned by namespace (pg_partitions.h): a bulk
    // copy loads a target's partitions with their secondary indexes and foreign keys
    // suspended, and dropping a namespace drops its partitions. The primary keys stay on
    // the partitioned tables; the columns are unchanged.
    {10,
     R"sql(
ALTER TABLE vectors RENAME TO vectors_v9;
ALTER TABLE documents RENAME TO documents_v9;
ALTER TABLE objects RENAME TO objects_v9;
ALTER INDEX vectors_pkey RENAME TO vectors_v9_pkey;
ALTER INDEX documents_pkey RENAME TO documents_v9_pkey;
ALTER INDEX objects_pkey RENAME TO objects_v9_pkey;
DROP TRIGGER documents_deleted ON documents_v9;
CREATE SEQUENCE namespace_parts;
ALTER TABLE namespace_data ADD COLUMN part BIGINT NOT NULL UNIQUE DEFAULT nextval('namespace_parts');
CREATE TABLE objects (
  namespace_id TEXT COLLATE "C" NOT NULL,
  object_id    TEXT COLLATE "C" NOT NULL,
  bucket_id    TEXT COLLATE "C" NOT NULL,
  key_prefix   TEXT COLLATE "C",
  blobs        BYTEA NOT NULL,
  status       TEXT COLLATE "C" NOT NULL,
  error        TEXT COLLATE "C",
  size_bytes   BIGINT NOT NULL,
  created_at   BIGINT NOT NULL,
  updated_at   BIGINT NOT NULL,
  blob_hashes  TEXT[] NOT NULL,
  PRIMARY KEY (namespace_id, object_id)
) PARTITION BY LIST (namespace_id);
CREATE TABLE documents (
  namespace_id         TEXT COLLATE "C" NOT NULL,
  document_id          TEXT COLLATE "C" NOT NULL,
  collection_id        TEXT COLLATE "C" NOT NULL,
  fields               BYTEA NOT NULL,
  source_type          TEXT COLLATE "C" NOT NULL,
  root_object_id       TEXT COLLATE "C" NOT NULL,
  root_bucket_id       TEXT COLLATE "C" NOT NULL,
  source_object_id     TEXT COLLATE "C",
  source_document_id   TEXT COLLATE "C",
  source_collection_id TEXT COLLATE "C",
  lineage_path         TEXT COLLATE "C" NOT NULL,
  modality             TEXT COLLATE "C" NOT NULL,
  ingestion_status     TEXT COLLATE "C" NOT NULL,
  error                TEXT COLLATE "C",
  batch_id             TEXT COLLATE "C" NOT NULL,
  created_at           BIGINT NOT NULL,
  updated_at           BIGINT NOT NULL,
  write_seq            BIGINT NOT NULL DEFAULT nextval('document_writes'),
  PRIMARY KEY (namespace_id, document_id)
) PARTITION BY LIST (namespace_id);
CREATE TABLE vectors (
  namespace_id TEXT COLLATE "C" NOT NULL,
  document_id  TEXT COLLATE "C" NOT NULL,
  feature_uri  TEXT COLLATE "C" NOT NULL,
  position     INTEGER NOT NULL,
  dims         INTEGER NOT NULL,
  data         BYTEA NOT NULL,
  PRIMARY KEY (namespace_id, document_id, feature_uri)
) PARTITION BY LIST (namespace_id);
-- One value in a bulk-copied slice's digest (pg_ns_copy.cc): its length, then its bytes;
-- NULL as length -1.
CREATE FUNCTION ferry_cell(b bytea) RETURNS bytea LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN b IS NULL THEN '\xffffffff'::bytea ELSE int4send(length(b)) || b END
$$;
-- Deletes through the partitioned table (a cascade from a deleted collection names the
-- partition, and then the collection is gone).
CREATE TRIGGER documents_deleted AFTER DELETE ON documents
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION documents_deleted();
)sql",
     PartitionNamespaces},
    // A document's vectors in its own row (records/packed_vectors.h, as on SQLite): a
    // copied or rewritten document is one row, and the vectors table with its key and
    // foreign key goes. The packing is built in SQL from the old rows, in position order.
    {11,
     R"sql(
ALTER TABLE documents ADD COLUMN vectors BYTEA NOT NULL DEFAULT ''::bytea;
-- Floats do not compress: large packings go out of line without a try.
ALTER TABLE documents ALTER COLUMN vectors SET STORAGE EXTERNAL;
CREATE FUNCTION ferry_leb128(n bigint) RETURNS bytea LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  out bytea := ''::bytea;
BEGIN
  WHILE n >= 128 LOOP
    out := out || set_byte('\x00'::bytea, 0, ((n & 127) | 128)::int);
    n := n >> 7;
  END LOOP;
  RETURN out || set_byte('\x00'::bytea, 0, n::int);
END $$;
UPDATE documents d SET vectors = p.packed
  FROM (SELECT namespace_id, document_id,
               string_agg(ferry_leb128(length(uri)) || uri || ferry_leb128(dims) || data,
                          ''::bytea ORDER BY position) AS packed
          FROM (SELECT namespace_id, document_id, position, dims, data,
                       convert_to(feature_uri, 'UTF8') AS uri FROM vectors) v
          GROUP BY namespace_id, document_id) p
  WHERE d.namespace_id = p.namespace_id AND d.document_id = p.document_id;
DROP FUNCTION ferry_leb128(bigint);
DROP TABLE vectors;
-- Copied slices digest row hashes now (pg_ns_copy.cc), not length-prefixed values.
DROP FUNCTION ferry_cell(bytea);
)sql"},
};

// Any constant: the key of the advisory lock that serializes schema upgrades.
constexpr int64_t kSchemaLock = 7466720002;

}  // namespace

int LatestSchemaVersion() { return kSteps[std::size(kSteps) - 1].version; }

Status MigrateSchema(PgDb& db) { return MigrateSchemaTo(db, LatestSchemaVersion()); }

Status MigrateSchemaTo(PgDb& db, int version) {
  return db.Run("upgrade schema", [version](pqxx::work& tx) -> Status {
    tx.exec_params("SELECT pg_advisory_xact_lock($1)", kSchemaLock);
    tx.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
    auto r = tx.exec("SELECT COALESCE(MAX(version), 0) FROM schema_version");
    const int current = r[0][0].as<int>();
    if (current > LatestSchemaVersion()) {
      return Status::FailedPrecondition(
          "the database was written by a newer Ferry (schema version " + std::to_string(current) +
          "; this build knows " + std::to_string(LatestSchemaVersion()) + ")");
    }
    for (const Step& step : kSteps) {
      if (step.version <= current || step.version > version) continue;
      tx.exec(step.sql);
      if (step.then != nullptr) step.then(tx);
      tx.exec_params("INSERT INTO schema_version (version) VALUES ($1)", step.version);
    }
    return Status::Ok();
  });
}

}  // namespace ferry::storage::postgres
