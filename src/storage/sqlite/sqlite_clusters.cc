// SqliteNamespaceStore: clusters and their executions (schema v5).
//
// Each struct is stored whole as a record BLOB (`body`, model::EncodeValue format via a
// model::Value built here); the columns beside it exist only for lookups and ordering.
// Centroid vectors are float32 little-endian bytes inside the record.

#include <string>
#include <vector>

#include "storage/sqlite/record_codec.h"
#include "storage/sqlite/sqlite_namespace_store.h"

namespace ferry::storage::sqlite {
namespace {

using model::Value;
using model::ValueArray;
using model::ValueObject;

Value Strings(const std::vector<std::string>& v) {
  ValueArray out;
  for (const auto& s : v) out.emplace_back(s);
  return Value(std::move(out));
}

std::vector<std::string> ToStrings(const Value* v) {
  std::vector<std::string> out;
  if (v == nullptr || !v->is_array()) return out;
  for (const auto& e : v->as_array()) {
    if (e.is_string()) out.push_back(e.as_string());
  }
  return out;
}

Value Opt(const std::optional<std::string>& s) { return s ? Value(*s) : Value(); }
Value OptInt(const std::optional<int64_t>& n) { return n ? Value(*n) : Value(); }
Value OptNum(const std::optional<double>& n) { return n ? Value(*n) : Value(); }

std::optional<std::string> OptOf(const Value* v) {
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return v->as_string();
}

std::optional<int64_t> OptIntOf(const Value* v) {
  if (v == nullptr || !v->is_int()) return std::nullopt;
  return v->as_int();
}

std::optional<double> OptNumOf(const Value* v) {
  if (v == nullptr || !v->is_number()) return std::nullopt;
  return v->as_double();
}

const Value& Or(const Value* v) {
  static const Value kNull;
  return v != nullptr ? *v : kNull;
}

std::string Str(const Value& o, const char* key) {
  const Value* v = o.Get(key);
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

int64_t Int(const Value& o, const char* key) {
  const Value* v = o.Get(key);
  return v != nullptr && v->is_int() ? v->as_int() : 0;
}

bool Bool(const Value& o, const char* key) {
  const Value* v = o.Get(key);
  return v != nullptr && v->is_bool() && v->as_bool();
}

// ---- record encodings ----

std::string EncodeCluster(const model::Cluster& c) {
  ValueObject o;
  o.Set("cluster_id", c.cluster_id);
  o.Set("cluster_name", c.cluster_name);
  o.Set("description", Opt(c.description));
  o.Set("cluster_type", c.cluster_type);
  o.Set("collection_ids", Strings(c.collection_ids));
  o.Set("feature_uris", Strings(c.feature_uris));
  o.Set("clustering_method", c.clustering_method);
  o.Set("algorithm_params", c.algorithm_params);
  o.Set("multi_feature_strategy", c.multi_feature_strategy);
  o.Set("normalize_features", c.normalize_features);
  o.Set("effective_feature_method", c.effective_feature_method);
  o.Set("enrich_source_collection", c.enrich_source_collection);
  o.Set("source_enrichment_config", c.source_enrichment_config);
  o.Set("filters", c.filters);
  o.Set("llm_labeling", c.llm_labeling);
  o.Set("metadata", c.metadata);
  o.Set("status", model::TaskStatusName(c.status));
  o.Set("last_task_id", Opt(c.last_task_id));
  o.Set("last_run_id", Opt(c.last_run_id));
  o.Set("num_clusters", OptInt(c.num_clusters));
  o.Set("num_documents_clustered", OptInt(c.num_documents_clustered));
  o.Set("execution_time_seconds", OptNum(c.execution_time_seconds));
  o.Set("last_executed_at", OptInt(c.last_executed_at));
  o.Set("completed_at", OptInt(c.completed_at));
  o.Set("created_at", c.created_at);
  o.Set("updated_at", c.updated_at);
  return EncodeValueBlob(Value(std::move(o)));
}

bool DecodeCluster(std::string_view bytes, model::Cluster* c) {
  Value v;
  if (!DecodeValueBlob(bytes, &v) || !v.is_object()) return false;
  c->cluster_id = Str(v, "cluster_id");
  c->cluster_name = Str(v, "cluster_name");
  c->description = OptOf(v.Get("description"));
  c->cluster_type = Str(v, "cluster_type");
  c->collection_ids = ToStrings(v.Get("collection_ids"));
  c->feature_uris = ToStrings(v.Get("feature_uris"));
  c->clustering_method = Str(v, "clustering_method");
  c->algorithm_params = Or(v.Get("algorithm_params"));
  c->multi_feature_strategy = Str(v, "multi_feature_strategy");
  c->normalize_features = Bool(v, "normalize_features");
  c->effective_feature_method = Str(v, "effective_feature_method");
  c->enrich_source_collection = Bool(v, "enrich_source_collection");
  c->source_enrichment_config = Or(v.Get("source_enrichment_config"));
  c->filters = Or(v.Get("filters"));
  c->llm_labeling = Or(v.Get("llm_labeling"));
  c->metadata = Or(v.Get("metadata"));
  auto status = model::ParseTaskStatus(Str(v, "status"));
  if (!status) return false;
  c->status = *status;
  c->last_task_id = OptOf(v.Get("last_task_id"));
  c->last_run_id = OptOf(v.Get("last_run_id"));
  c->num_clusters = OptIntOf(v.Get("num_clusters"));
  c->num_documents_clustered = OptIntOf(v.Get("num_documents_clustered"));
  c->execution_time_seconds = OptNumOf(v.Get("execution_time_seconds"));
  c->last_executed_at = OptIntOf(v.Get("last_executed_at"));
  c->completed_at = OptIntOf(v.Get("completed_at"));
  c->created_at = Int(v, "created_at");
  c->updated_at = Int(v, "updated_at");
  return true;
}

Value EncodeCentroid(const model::ClusterCentroid& c) {
  ValueObject o;
  o.Set("cluster_id", c.cluster_id);
  o.Set("label", c.label);
  o.Set("num_members", c.num_members);
  o.Set("dims", static_cast<int64_t>(c.vector.size()));
  o.Set("vector", EncodeFloats(c.vector));
  return Value(std::move(o));
}

bool DecodeCentroid(const Value& v, model::ClusterCentroid* c) {
  c->cluster_id = Str(v, "cluster_id");
  c->label = Str(v, "label");
  c->num_members = Int(v, "num_members");
  return DecodeFloats(Str(v, "vector"), Int(v, "dims"), &c->vector);
}

std::string EncodeExecution(const model::ClusterExecution& e) {
  ValueArray centroids;
  for (const auto& c : e.centroids) centroids.push_back(EncodeCentroid(c));
  ValueArray artifacts;
  for (const auto& a : e.artifacts) {
    ValueObject o;
    o.Set("name", a.name);
    o.Set("blob_hash", a.blob_hash);
    o.Set("size_bytes", a.size_bytes);
    o.Set("format", a.format);
    artifacts.emplace_back(std::move(o));
  }
  ValueObject o;
  o.Set("run_id", e.run_id);
  o.Set("cluster_id", e.cluster_id);
  o.Set("status", e.status);
  o.Set("num_clusters", e.num_clusters);
  o.Set("num_points", e.num_points);
  o.Set("silhouette_score", OptNum(e.silhouette_score));
  o.Set("davies_bouldin_index", OptNum(e.davies_bouldin_index));
  o.Set("calinski_harabasz_score", OptNum(e.calinski_harabasz_score));
  o.Set("inertia", e.inertia);
  o.Set("iterations", e.iterations);
  o.Set("centroids", Value(std::move(centroids)));
  o.Set("artifacts", Value(std::move(artifacts)));
  o.Set("task_id", Opt(e.task_id));
  o.Set("error_message", Opt(e.error_message));
  o.Set("created_at", e.created_at);
  o.Set("completed_at", OptInt(e.completed_at));
  return EncodeValueBlob(Value(std::move(o)));
}

bool DecodeExecution(std::string_view bytes, model::ClusterExecution* e) {
  Value v;
  if (!DecodeValueBlob(bytes, &v) || !v.is_object()) return false;
  e->run_id = Str(v, "run_id");
  e->cluster_id = Str(v, "cluster_id");
  e->status = Str(v, "status");
  e->num_clusters = Int(v, "num_clusters");
  e->num_points = Int(v, "num_points");
  e->silhouette_score = OptNumOf(v.Get("silhouette_score"));
  e->davies_bouldin_index = OptNumOf(v.Get("davies_bouldin_index"));
  e->calinski_harabasz_score = OptNumOf(v.Get("calinski_harabasz_score"));
  e->inertia = OptNumOf(v.Get("inertia")).value_or(0.0);
  e->iterations = Int(v, "iterations");
  if (const Value* cs = v.Get("centroids"); cs != nullptr && cs->is_array()) {
    for (const auto& c : cs->as_array()) {
      model::ClusterCentroid centroid;
      if (!DecodeCentroid(c, &centroid)) return false;
      e->centroids.push_back(std::move(centroid));
    }
  }
  if (const Value* as = v.Get("artifacts"); as != nullptr && as->is_array()) {
    for (const auto& a : as->as_array()) {
      e->artifacts.push_back(
          {Str(a, "name"), Str(a, "blob_hash"), Int(a, "size_bytes"), Str(a, "format")});
    }
  }
  e->task_id = OptOf(v.Get("task_id"));
  e->error_message = OptOf(v.Get("error_message"));
  e->created_at = Int(v, "created_at");
  e->completed_at = OptIntOf(v.Get("completed_at"));
  return true;
}

Result<model::Cluster> ReadCluster(const Statement& row) {
  model::Cluster c;
  if (!DecodeCluster(row.Blob(0), &c)) return CorruptField("clusters.body");
  return c;
}

Result<model::ClusterExecution> ReadExecution(const Statement& row) {
  model::ClusterExecution e;
  if (!DecodeExecution(row.Blob(0), &e)) return CorruptField("cluster_executions.body");
  return e;
}

}  // namespace

// ---- clusters ----

Status SqliteNamespaceStore::InsertCluster(const model::Cluster& c) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("INSERT INTO clusters (cluster_id, cluster_name, body, "
                                      "created_at, updated_at) VALUES (?, ?, ?, ?, ?)"));
    stmt.BindText(1, c.cluster_id);
    stmt.BindText(2, c.cluster_name);
    stmt.BindBlob(3, EncodeCluster(c));
    stmt.BindInt(4, c.created_at);
    stmt.BindInt(5, c.updated_at);
    return stmt.Run();
  });
}

Result<model::Cluster> SqliteNamespaceStore::GetCluster(const std::string& cluster_id) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::Cluster> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("SELECT body FROM clusters WHERE cluster_id = ?"));
    stmt.BindText(1, cluster_id);
    return FetchOne(stmt, ReadCluster, "cluster not found: " + cluster_id);
  });
}

Result<model::Cluster> SqliteNamespaceStore::GetClusterByName(const std::string& name) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::Cluster> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("SELECT body FROM clusters WHERE cluster_name = ?"));
    stmt.BindText(1, name);
    return FetchOne(stmt, ReadCluster, "cluster not found: " + name);
  });
}

Result<std::vector<model::Cluster>> SqliteNamespaceStore::ListClusters(const model::Page& page) {
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<model::Cluster>> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("SELECT body FROM clusters ORDER BY created_at, "
                                      "cluster_id LIMIT ? OFFSET ?"));
    stmt.BindInt(1, page.limit);
    stmt.BindInt(2, page.offset);
    return FetchAll(stmt, ReadCluster);
  });
}

Result<int64_t> SqliteNamespaceStore::CountClusters() {
  return db_->Locked([](SqliteDb& db) -> Result<int64_t> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare("SELECT COUNT(*) FROM clusters"));
    return FetchInt(stmt);
  });
}

Status SqliteNamespaceStore::UpdateCluster(const model::Cluster& c) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("UPDATE clusters SET cluster_name = ?, body = ?, "
                                      "updated_at = ? WHERE cluster_id = ?"));
    stmt.BindText(1, c.cluster_name);
    stmt.BindBlob(2, EncodeCluster(c));
    stmt.BindInt(3, c.updated_at);
    stmt.BindText(4, c.cluster_id);
    FERRY_RETURN_IF_ERROR(stmt.Run());
    if (db.Changes() == 0) return Status::NotFound("cluster not found: " + c.cluster_id);
    return Status::Ok();
  });
}

Status SqliteNamespaceStore::DeleteCluster(const std::string& cluster_id) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    // Executions go by cascade, in the same statement.
    FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare("DELETE FROM clusters WHERE cluster_id = ?"));
    stmt.BindText(1, cluster_id);
    FERRY_RETURN_IF_ERROR(stmt.Run());
    if (db.Changes() == 0) return Status::NotFound("cluster not found: " + cluster_id);
    return Status::Ok();
  });
}

// ---- executions ----

Status SqliteNamespaceStore::UpsertClusterExecution(const model::ClusterExecution& e) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    FERRY_ASSIGN_OR_RETURN(bool exists, RowExists(db, "clusters", "cluster_id", e.cluster_id));
    if (!exists) return Status::NotFound("cluster not found: " + e.cluster_id);
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("INSERT INTO cluster_executions (run_id, cluster_id, body, created_at) "
                   "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (run_id) DO UPDATE SET "
                   "cluster_id = ?2, body = ?3, created_at = ?4"));
    stmt.BindText(1, e.run_id);
    stmt.BindText(2, e.cluster_id);
    stmt.BindBlob(3, EncodeExecution(e));
    stmt.BindInt(4, e.created_at);
    return stmt.Run();
  });
}

Result<model::ClusterExecution> SqliteNamespaceStore::GetClusterExecution(
    const std::string& cluster_id, const std::string& run_id) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::ClusterExecution> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare("SELECT body FROM cluster_executions "
                                                      "WHERE run_id = ? AND cluster_id = ?"));
    stmt.BindText(1, run_id);
    stmt.BindText(2, cluster_id);
    return FetchOne(stmt, ReadExecution, "cluster execution not found: " + run_id);
  });
}

Result<std::vector<model::ClusterExecution>> SqliteNamespaceStore::ListClusterExecutions(
    const std::string& cluster_id, const model::Page& page) {
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<model::ClusterExecution>> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("SELECT body FROM cluster_executions WHERE cluster_id = ? "
                                      "ORDER BY created_at DESC, run_id DESC LIMIT ? OFFSET ?"));
    stmt.BindText(1, cluster_id);
    stmt.BindInt(2, page.limit);
    stmt.BindInt(3, page.offset);
    return FetchAll(stmt, ReadExecution);
  });
}

Result<int64_t> SqliteNamespaceStore::CountClusterExecutions(const std::string& cluster_id) {
  return db_->Locked([&](SqliteDb& db) -> Result<int64_t> {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt, db.Prepare("SELECT COUNT(*) FROM cluster_executions WHERE cluster_id = ?"));
    stmt.BindText(1, cluster_id);
    return FetchInt(stmt);
  });
}

}  // namespace ferry::storage::sqlite
