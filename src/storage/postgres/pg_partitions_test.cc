// The per-namespace partitions (pg_partitions.h): made and dropped with the namespace,
// their secondary indexes and foreign keys suspended by a bulk load and restored — and
// checked — at its end, and schema steps 10 and 11 moving a version-9 database's rows into
// them, vectors packed into their documents; and the row writers (pg_ns_rows.h) that fill
// them, inside a caller's transaction.

#include "storage/postgres/pg_partitions.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/conformance/storage_conformance.h"
#include "storage/postgres/pg_ns_rows.h"
#include "storage/postgres/pg_params.h"
#include "storage/postgres/pg_schema.h"
#include "storage/postgres/pg_storage_engine.h"
#include "storage/postgres/pg_test_support.h"
#include "storage/records/packed_vectors.h"

namespace ferry::storage::postgres {
namespace {

using storage::testing::SampleBucket;
using storage::testing::SampleCollection;
using storage::testing::SampleDocument;
using storage::testing::SampleObject;

class PgPartitionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.url = testing::TestClusterUrl();
    options_.schema = testing::UniqueSchema();
    options_.pool_size = 2;
  }
  void TearDown() override {
    engine_.reset();
    db_.reset();
    testing::DropSchema(options_.url, options_.schema);
  }
  void OpenEngine() {
    auto engine = PgStorageEngine::Open(options_, std::string(32, 'k'));
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(*engine);
  }
  PgDb& Db() {
    if (!db_) db_ = std::move(PgDb::Open(options_).value());
    return *db_;
  }
  template <typename T>
  T Query(const std::string& sql, const std::string& arg) {
    return Db()
        .Run("query",
             [&](pqxx::work& tx) -> Result<T> {
               return tx.exec_params(sql, arg)[0][0].template as<T>();
             })
        .value();
  }
  bool Exists(const std::string& relation) {
    return Query<bool>("SELECT to_regclass($1) IS NOT NULL", relation);
  }
  int64_t Part(const std::string& ns) {
    return Query<int64_t>("SELECT part FROM namespace_data WHERE namespace_id = $1", ns);
  }
  bool Complete(int64_t part) {
    return Db()
        .Run("complete",
             [&](pqxx::work& tx) -> Result<bool> { return SecondaryComplete(tx, part); })
        .value();
  }
  Status Exec(const std::string& sql) {
    return Db().Run("exec", [&](pqxx::work& tx) -> Status {
      tx.exec(sql);
      return Status::Ok();
    });
  }
  // A bucket with one object, a collection with one document (and its vector).
  void Fill(NamespaceStore& store) {
    ASSERT_TRUE(store.InsertBucket(SampleBucket("bkt_1", "b")).ok());
    ASSERT_TRUE(store.UpsertObjects({SampleObject("bkt_1", "obj_1")}).ok());
    ASSERT_TRUE(store.InsertCollection(SampleCollection("col_1", "c")).ok());
    ASSERT_TRUE(store.UpsertDocuments({SampleDocument("col_1", "doc_1", "obj_1")}).ok());
  }

  PgOptions options_;
  std::unique_ptr<PgStorageEngine> engine_;
  std::unique_ptr<PgDb> db_;
};

TEST_F(PgPartitionsTest, ANamespaceHasItsOwnPartitionsDroppedWithIt) {
  OpenEngine();
  ASSERT_TRUE(engine_->CreateNamespaceData("ns_a").ok());
  ASSERT_TRUE(engine_->CreateNamespaceData("ns_b").ok());
  const int64_t a = Part("ns_a"), b = Part("ns_b");
  EXPECT_NE(a, b);
  for (const char* table : {"objects_p", "documents_p"}) {
    EXPECT_TRUE(Exists(table + std::to_string(a))) << table;
  }
  EXPECT_TRUE(Complete(a));
  Fill(*engine_->OpenNamespace("ns_a").value());
  ASSERT_TRUE(engine_->DropNamespaceData("ns_a").ok());
  for (const char* table : {"objects_p", "documents_p"}) {
    EXPECT_FALSE(Exists(table + std::to_string(a))) << table;
    EXPECT_TRUE(Exists(table + std::to_string(b))) << table;
  }
  EXPECT_EQ(Query<int64_t>("SELECT COUNT(*) FROM objects WHERE namespace_id = $1", "ns_a"), 0);
}

TEST_F(PgPartitionsTest, ABulkLoadSuspendsSecondaryIndexesAndKeysAndRestoresThem) {
  OpenEngine();
  ASSERT_TRUE(engine_->CreateNamespaceData("ns_a").ok());
  auto store = engine_->OpenNamespace("ns_a").value();
  const int64_t part = Part("ns_a");
  ASSERT_TRUE(store->BeginBulkLoad().ok());
  EXPECT_FALSE(Complete(part));
  EXPECT_TRUE(Exists("objects_p" + std::to_string(part) + "_pkey"));  // the key stays
  Fill(*store);
  ASSERT_TRUE(store->EndBulkLoad().ok());
  EXPECT_TRUE(Complete(part));
  // This schema's keys only (other tests' schemas have partitions of the same numbers).
  const std::string p = std::to_string(part);
  EXPECT_EQ(Query<int64_t>("SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f' "
                           "AND convalidated AND connamespace = current_schema()::regnamespace "
                           "AND conname = ANY (string_to_array($1, ','))",
                           "objects_p" + p + "_bucket,documents_p" + p + "_collection"),
            2);
  ASSERT_TRUE(store->EndBulkLoad().ok());  // idempotent
  // The restored keys cascade again: the collection takes its document along.
  ASSERT_TRUE(store->DeleteCollection("col_1").ok());
  EXPECT_EQ(Query<int64_t>("SELECT COUNT(*) FROM documents WHERE namespace_id = $1", "ns_a"), 0);
}

TEST_F(PgPartitionsTest, TheEndOfABulkLoadRefusesRowsWithoutTheirParent) {
  OpenEngine();
  ASSERT_TRUE(engine_->CreateNamespaceData("ns_a").ok());
  auto store = engine_->OpenNamespace("ns_a").value();
  ASSERT_TRUE(store->InsertBucket(SampleBucket("bkt_1", "b")).ok());
  ASSERT_TRUE(store->BeginBulkLoad().ok());
  // Written while the keys are suspended: an object of a bucket that does not exist.
  ASSERT_TRUE(Exec("INSERT INTO objects SELECT namespace_id, 'obj_9', 'bkt_missing', key_prefix, "
                   "blobs, status, error, size_bytes, created_at, updated_at, blob_hashes "
                   "FROM objects WHERE false UNION ALL SELECT 'ns_a', 'obj_9', 'bkt_missing', "
                   "NULL, '\\x'::bytea, 'COMPLETED', NULL, 0, 1, 1, '{}'")
                  .ok());
  Status end = store->EndBulkLoad();
  EXPECT_FALSE(end.ok());
  EXPECT_EQ(end.ToString().find(options_.url), std::string::npos);
}

// The end of a load runs in two lanes (objects' key in one, documents' in the other): a
// document without its collection fails the end although the objects' lane succeeds,
// and that lane's work is kept.
TEST_F(PgPartitionsTest, TheEndOfABulkLoadReportsTheDocumentsLaneFailingAlone) {
  OpenEngine();
  ASSERT_TRUE(engine_->CreateNamespaceData("ns_a").ok());
  auto store = engine_->OpenNamespace("ns_a").value();
  const int64_t part = Part("ns_a");
  ASSERT_TRUE(store->BeginBulkLoad().ok());
  ASSERT_TRUE(Exec("INSERT INTO documents (namespace_id, document_id, collection_id, fields, "
                   "source_type, root_object_id, root_bucket_id, lineage_path, modality, "
                   "ingestion_status, batch_id, created_at, updated_at) VALUES ('ns_a', "
                   "'doc_9', 'col_missing', '\\x'::bytea, 'bucket', 'obj_1', 'bkt_1', "
                   "'obj_1', 'text', 'COMPLETED', 'b', 1, 1)")
                  .ok());
  Status end = store->EndBulkLoad();
  EXPECT_FALSE(end.ok());
  const std::string p = std::to_string(part);
  EXPECT_TRUE(Exists("objects_p" + p + "_by_bucket"));
  EXPECT_TRUE(Exists("documents_p" + p + "_by_write"));
  EXPECT_EQ(Query<int64_t>("SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f' "
                           "AND convalidated AND connamespace = current_schema()::regnamespace "
                           "AND conname = $1",
                           "objects_p" + p + "_bucket"),
            1);
}

// A bulk copy on PostgreSQL checksums the slice in the statements that write it: the
// source rows against the rows the insert returns. A write that does not store what it
// read (here a trigger that alters every object, and every document's vectors, written to
// the target) shows.
TEST_F(PgPartitionsTest, ACopysChecksumsComeFromTheWriteAndSeeAnAlteredRow) {
  OpenEngine();
  ASSERT_TRUE(engine_->CreateNamespaceData("ns_src").ok());
  ASSERT_TRUE(engine_->CreateNamespaceData("ns_dst").ok());
  auto source = engine_->OpenNamespace("ns_src").value();
  auto target = engine_->OpenNamespace("ns_dst").value();
  Fill(*source);
  ASSERT_TRUE(target->InsertBucket(SampleBucket("bkt_1", "b")).ok());
  ASSERT_TRUE(target->InsertCollection(SampleCollection("col_1", "c")).ok());
  auto copy = [&](model::ResourceType type, const std::string& resource, const std::string& id) {
    BulkCopyRequest r;
    r.resource_type = type;
    r.source_resource_id = resource;
    r.item_ids = {id};
    r.mapping = {"mig_1", true};
    r.checksum = true;
    return engine_->CopyItems("ns_src", "ns_dst", r).value();
  };
  auto agree = [](const BulkCopyResult& c) {
    EXPECT_TRUE(c.checksums.has_value());
    return c.checksums && c.checksums->first.checksum == c.checksums->second.checksum;
  };
  EXPECT_TRUE(agree(copy(model::ResourceType::kBucket, "bkt_1", "obj_1")));
  EXPECT_TRUE(agree(copy(model::ResourceType::kCollection, "col_1", "doc_1")));
  const std::string p = std::to_string(Part("ns_dst"));
  ASSERT_TRUE(Exec("CREATE FUNCTION alter_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                   "IF TG_TABLE_NAME LIKE 'objects%' THEN NEW.error := 'altered'; "
                   "ELSE NEW.vectors := NEW.vectors || '\\x00'::bytea; END IF; RETURN NEW; END $$;"
                   "CREATE TRIGGER alter_row BEFORE INSERT OR UPDATE ON objects_p" +
                   p +
                   " FOR EACH ROW EXECUTE FUNCTION alter_row();"
                   "CREATE TRIGGER alter_row BEFORE INSERT ON documents_p" +
                   p + " FOR EACH ROW EXECUTE FUNCTION alter_row();")
                  .ok());
  EXPECT_FALSE(agree(copy(model::ResourceType::kBucket, "bkt_1", "obj_1")));
  EXPECT_FALSE(agree(copy(model::ResourceType::kCollection, "col_1", "doc_1")));
}

TEST_F(PgPartitionsTest, StepsTenAndElevenMoveAVersionNineDatabaseIntoPartitions) {
  {
    auto db = PgDb::Open(options_);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(MigrateSchemaTo(**db, 9).ok());
  }
  ASSERT_TRUE(Exec("INSERT INTO namespace_data VALUES ('ns_a', 1), ('ns_b', 2);"
                   "INSERT INTO buckets VALUES ('ns_a', 'bkt_1', 'b', NULL, '', '', '', 1, 1);"
                   "INSERT INTO objects VALUES ('ns_a', 'obj_1', 'bkt_1', NULL, '\\x00ff', "
                   "'COMPLETED', NULL, 2, 1, 1, '{}');"
                   "INSERT INTO collections (namespace_id, collection_id, collection_name, "
                   "source, extractor, input_schema, output_schema, enabled, metadata, "
                   "root_bucket_ids, created_at, updated_at) VALUES ('ns_b', 'col_1', 'c', '', "
                   "'', '', '', true, '', '', 1, 1);"
                   "INSERT INTO documents (namespace_id, document_id, collection_id, fields, "
                   "source_type, root_object_id, root_bucket_id, lineage_path, modality, "
                   "ingestion_status, batch_id, created_at, updated_at) VALUES ('ns_b', "
                   "'doc_1', 'col_1', '\\x01', 'bucket', 'obj_1', 'bkt_1', 'obj_1', 'text', "
                   "'COMPLETED', 'btch_1', 1, 1);"
                   // Out of position order, and one with a two-byte dimension count.
                   "INSERT INTO vectors VALUES ('ns_b', 'doc_1', 'f://long', 1, 200, "
                   "decode(repeat('0000803f', 200), 'hex'));"
                   "INSERT INTO vectors VALUES ('ns_b', 'doc_1', 'f://x', 0, 1, '\\x0000803f')")
                  .ok());
  OpenEngine();  // applies steps 10 and 11
  const int64_t a = Part("ns_a"), b = Part("ns_b");
  EXPECT_TRUE(Complete(a));
  EXPECT_TRUE(Complete(b));
  EXPECT_EQ(
      Query<int64_t>("SELECT COUNT(*) FROM objects_p" + std::to_string(a) + " WHERE object_id = $1",
                     "obj_1"),
      1);
  // Step 11: the vectors packed into their document's row, in position order.
  const std::vector<model::FeatureVector> vectors = {{"f://x", {1.0f}},
                                                     {"f://long", std::vector<float>(200, 1.0f)}};
  EXPECT_EQ("\\x" + Query<std::string>("SELECT encode(vectors, 'hex') FROM documents_p" +
                                           std::to_string(b) + " WHERE document_id = $1",
                                       "doc_1"),
            HexBytes(records::EncodePackedVectors(vectors)));
  EXPECT_FALSE(Exists("vectors"));
  EXPECT_FALSE(Exists("objects_v9"));
  // New namespaces get the next partition number.
  ASSERT_TRUE(engine_->CreateNamespaceData("ns_c").ok());
  EXPECT_GT(Part("ns_c"), b);
}

// A partition just loaded has its row count (the bulk load's index builds set it) but no
// column statistics until it is analyzed. Probing such a partition by id must still use
// the primary key: a parent condition beside the key let the planner pick the smallest
// secondary index whose first columns it matched and filter the whole collection per id.
TEST_F(PgPartitionsTest, IdProbesUseThePrimaryKeyOfAPartitionWithoutStatistics) {
  OpenEngine();
  ASSERT_TRUE(engine_->CreateNamespaceData("ns_a").ok());
  auto store = engine_->OpenNamespace("ns_a").value();
  const std::string p = std::to_string(Part("ns_a"));
  for (const char* table : {"objects_p", "documents_p"}) {
    ASSERT_TRUE(Exec("ALTER TABLE " + (table + p) + " SET (autovacuum_enabled = false)").ok());
  }
  ASSERT_TRUE(store->InsertBucket(SampleBucket("bkt_1", "b")).ok());
  ASSERT_TRUE(store->InsertCollection(SampleCollection("col_1", "c")).ok());
  ASSERT_TRUE(store->BeginBulkLoad().ok());
  std::vector<std::string> object_ids, document_ids;
  for (int chunk = 0; chunk < 4; ++chunk) {
    std::vector<model::Object> objects;
    std::vector<model::Document> docs;
    for (int i = 0; i < 500; ++i) {
      const std::string n = std::to_string(chunk * 500 + i);
      objects.push_back(SampleObject("bkt_1", "obj_" + n));
      docs.push_back(SampleDocument("col_1", "doc_" + n, "obj_" + n));
      object_ids.push_back("obj_" + n);
      document_ids.push_back("doc_" + n);
    }
    ASSERT_TRUE(store->UpsertObjects(objects).ok());
    ASSERT_TRUE(store->UpsertDocuments(docs).ok());
  }
  ASSERT_TRUE(store->EndBulkLoad().ok());
  ASSERT_EQ(Query<int64_t>("SELECT COUNT(*) FROM pg_stats WHERE tablename = $1 "
                           "AND schemaname = current_schema()",
                           "documents_p" + p),
            0);
  auto plan = [&](const std::string& table, const std::string& key, const std::string& parent,
                  const std::string& parent_id, const std::vector<std::string>& ids) {
    const std::string sql =
        "EXPLAIN SELECT x." + key + " FROM unnest(string_to_array($1, chr(31))) AS u(src) " +
        ProbeEach(table, "x", "'ns_a'", key, "u.src") + " WHERE x." + parent + " = $2";
    return Db()
        .Run("explain",
             [&](pqxx::work& tx) -> Result<std::string> {
               std::string out;
               for (const auto& row : tx.exec_params(sql, JoinUnitSeparated(ids), parent_id)) {
                 out += row[0].c_str();
                 out += "\n";
               }
               return out;
             })
        .value();
  };
  const std::string documents =
      plan("documents", "document_id", "collection_id", "col_1", document_ids);
  EXPECT_NE(documents.find("Index Scan using documents_p" + p + "_pkey"), std::string::npos)
      << documents;
  const std::string objects = plan("objects", "object_id", "bucket_id", "bkt_1", object_ids);
  EXPECT_NE(objects.find("Index Scan using objects_p" + p + "_pkey"), std::string::npos) << objects;
}

// The writers plan their statements generically (their column arrays are not folded into
// the plan) and give the transaction back its own setting for what it runs next.
TEST_F(PgPartitionsTest, ARowWriteGivesTheTransactionBackItsPlanCacheMode) {
  OpenEngine();
  ASSERT_TRUE(engine_->CreateNamespaceData("ns_a").ok());
  auto store = engine_->OpenNamespace("ns_a").value();
  ASSERT_TRUE(store->InsertBucket(SampleBucket("bkt_1", "b")).ok());
  ASSERT_TRUE(store->InsertCollection(SampleCollection("col_1", "c")).ok());
  Result<std::string> after = Db().Run("write", [&](pqxx::work& tx) -> Result<std::string> {
    tx.exec("SET LOCAL plan_cache_mode = force_custom_plan");
    FERRY_RETURN_IF_ERROR(UpsertObjectRows(tx, "ns_a", {SampleObject("bkt_1", "obj_1")}));
    FERRY_RETURN_IF_ERROR(
        UpsertDocumentRows(tx, "ns_a", {SampleDocument("col_1", "doc_1", "obj_1")}));
    return ReadText(tx.exec("SHOW plan_cache_mode")[0][0]);
  });
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(*after, "force_custom_plan");
  EXPECT_EQ(store->CountDocuments("col_1").value(), 1);
  EXPECT_EQ(store->CountObjects("bkt_1").value(), 1);
}

}  // namespace
}  // namespace ferry::storage::postgres
