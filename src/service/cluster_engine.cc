#include "service/cluster_engine.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

#include "index/kmeans.h"
#include "index/vector_math.h"

namespace ferry::service {
namespace {

using model::Value;
using model::ValueArray;

constexpr int64_t kIdPage = 512;
constexpr size_t kEnrichBatch = 256;
constexpr char kTsv[] = "text/tab-separated-values";

std::span<const float> Row(const ClusterPoints& p, size_t i) {
  return {p.values.data() + i * p.dimension, p.dimension};
}

// Reads an integer member in [min, max]; an issue at loc+key otherwise.
void ReadInt(const Value& params, const char* key, int64_t min, int64_t max, const ValueArray& loc,
             model::ValidationIssues* issues, int64_t* out) {
  const Value* v = params.Get(key);
  if (v == nullptr || v->is_null()) return;
  ValueArray at = loc;
  at.emplace_back(key);
  if (!v->is_int()) {
    issues->push_back({at, "Input should be a valid integer", "int_type"});
    return;
  }
  if (v->as_int() < min) {
    issues->push_back({at, "Input should be greater than or equal to " + std::to_string(min),
                       "greater_than_equal"});
  } else if (v->as_int() > max) {
    issues->push_back(
        {at, "Input should be less than or equal to " + std::to_string(max), "less_than_equal"});
  } else {
    *out = v->as_int();
  }
}

}  // namespace

KMeansConfig ParseKMeansParams(const Value& params, const ValueArray& loc,
                               model::ValidationIssues* issues) {
  KMeansConfig c;
  if (params.is_null()) return c;
  if (!params.is_object()) {
    issues->push_back({loc, "Input should be a valid dictionary", "dict_type"});
    return c;
  }
  ReadInt(params, "n_clusters", 2, 1000, loc, issues, &c.n_clusters);
  ReadInt(params, "max_iter", 1, 10000, loc, issues, &c.max_iter);
  ReadInt(params, "n_init", 1, 100, loc, issues, &c.n_init);
  int64_t seed = static_cast<int64_t>(c.random_state);
  ReadInt(params, "random_state", 0, std::numeric_limits<int64_t>::max(), loc, issues, &seed);
  c.random_state = static_cast<uint64_t>(seed);
  if (const Value* tol = params.Get("tol"); tol != nullptr && !tol->is_null()) {
    ValueArray at = loc;
    at.emplace_back("tol");
    if (!tol->is_number()) {
      issues->push_back({at, "Input should be a valid number", "float_type"});
    } else if (!(tol->as_double() > 0.0)) {
      issues->push_back({at, "Input should be greater than 0", "greater_than"});
    } else {
      c.tol = tol->as_double();
    }
  }
  return c;
}

Result<ClusterPoints> GatherClusterPoints(storage::NamespaceStore& store,
                                          const model::Cluster& cluster) {
  ClusterPoints out;
  std::vector<size_t> dims(cluster.feature_uris.size(), 0);
  std::vector<int64_t> found(cluster.feature_uris.size(), 0);
  std::vector<float> row;
  for (const auto& collection_id : cluster.collection_ids) {
    auto collection = store.GetCollection(collection_id);
    if (!collection.ok()) {
      if (collection.status().code() != StatusCode::kNotFound) return collection.status();
      return Status::FailedPrecondition("collection " + collection_id + " does not exist");
    }
    storage::IdQuery q;
    q.limit = kIdPage;
    while (true) {
      FERRY_ASSIGN_OR_RETURN(auto ids, store.ListDocumentIds(collection_id, q));
      if (ids.empty()) break;
      q.after_id = ids.back();
      FERRY_ASSIGN_OR_RETURN(auto docs, store.GetDocuments(collection_id, ids));
      for (auto& doc : docs) {
        row.clear();
        bool complete = true;
        for (size_t f = 0; f < cluster.feature_uris.size(); ++f) {
          auto it = std::find_if(doc.vectors.begin(), doc.vectors.end(), [&](const auto& v) {
            return v.feature_uri == cluster.feature_uris[f];
          });
          if (it == doc.vectors.end() || it->values.empty()) {
            complete = false;
            continue;
          }
          ++found[f];
          if (dims[f] == 0) dims[f] = it->values.size();
          if (it->values.size() != dims[f]) {
            return Status::InvalidArgument("document " + doc.document_id + " has " +
                                           std::to_string(it->values.size()) + " dimensions for " +
                                           cluster.feature_uris[f] + ", others have " +
                                           std::to_string(dims[f]));
          }
          size_t start = row.size();
          row.insert(row.end(), it->values.begin(), it->values.end());
          if (cluster.normalize_features) {
            index::Normalize(std::span<float>(row.data() + start, it->values.size()));
          }
        }
        if (!complete) continue;
        out.dimension = row.size();
        out.values.insert(out.values.end(), row.begin(), row.end());
        out.members.push_back({doc.document_id, collection_id, 0, 0.0});
      }
      if (static_cast<int64_t>(ids.size()) < q.limit) break;
    }
  }
  for (size_t f = 0; f < cluster.feature_uris.size(); ++f) {
    if (found[f] == 0) {
      return Status::FailedPrecondition("feature " + cluster.feature_uris[f] +
                                        " has no vectors in the cluster's collections");
    }
  }
  if (out.members.empty()) {
    return Status::FailedPrecondition("no document has vectors for every feature of the cluster");
  }
  return out;
}

Result<ClusteringOutcome> ComputeClusters(ClusterPoints points, const KMeansConfig& config) {
  const size_t n = points.members.size();
  const auto k = static_cast<size_t>(config.n_clusters);
  if (k > n) {
    return Status::InvalidArgument("n_clusters (" + std::to_string(k) +
                                   ") is greater than the number of vectors (" + std::to_string(n) +
                                   ")");
  }
  index::KMeansOptions opts;
  opts.k = k;
  opts.max_iterations = static_cast<size_t>(config.max_iter);
  opts.tolerance = config.tol;
  std::optional<index::KMeansResult> best;
  for (int64_t run = 0; run < config.n_init; ++run) {
    opts.seed = config.random_state + static_cast<uint64_t>(run);
    FERRY_ASSIGN_OR_RETURN(auto r, index::KMeans(points.values, n, points.dimension, opts));
    if (!best || r.inertia < best->inertia) best = std::move(r);
  }
  // Number clusters by their first member, so ids are stable whatever the seeding order.
  std::vector<uint32_t> order(k, UINT32_MAX);
  uint32_t next = 0;
  for (size_t i = 0; i < n && next < k; ++i) {
    if (order[best->assignments[i]] == UINT32_MAX) order[best->assignments[i]] = next++;
  }
  for (auto& o : order) {
    if (o == UINT32_MAX) o = next++;  // empty cluster (fewer distinct points than k)
  }
  ClusteringOutcome out;
  auto& e = out.execution;
  e.centroids.resize(k);
  for (size_t c = 0; c < k; ++c) {
    auto& centroid = e.centroids[order[c]];
    centroid.cluster_id = "cl_" + std::to_string(order[c]);
    centroid.label = "Cluster " + std::to_string(order[c]);
    const float* row = best->centroids.data() + c * points.dimension;
    centroid.vector.assign(row, row + points.dimension);
  }
  out.members = std::move(points.members);
  for (size_t i = 0; i < n; ++i) {
    out.members[i].centroid = order[best->assignments[i]];
    out.members[i].distance = best->distances[i];
    ++e.centroids[out.members[i].centroid].num_members;
  }
  e.num_clusters = static_cast<int64_t>(k);
  e.num_points = static_cast<int64_t>(n);
  e.inertia = best->inertia;
  e.iterations = static_cast<int64_t>(best->iterations);
  ComputeClusterMetrics(points, out.members, e.centroids, &e);
  return out;
}

void ComputeClusterMetrics(const ClusterPoints& points, const std::vector<ClusterMember>& members,
                           const std::vector<model::ClusterCentroid>& centroids,
                           model::ClusterExecution* execution, size_t sample) {
  const size_t n = members.size();
  const size_t k = centroids.size();
  if (k < 2 || n <= k) return;
  auto dist = [](std::span<const float> a, std::span<const float> b) {
    return std::sqrt(static_cast<double>(index::SquaredL2(a, b)));
  };
  // Calinski-Harabasz: between-cluster over within-cluster dispersion.
  std::vector<double> mean(points.dimension, 0.0);
  for (size_t i = 0; i < n; ++i) {
    auto r = Row(points, i);
    for (size_t d = 0; d < points.dimension; ++d) mean[d] += r[d] / static_cast<double>(n);
  }
  double between = 0.0, within = 0.0;
  std::vector<double> spread(k, 0.0);
  for (size_t c = 0; c < k; ++c) {
    double sq = 0.0;
    for (size_t d = 0; d < points.dimension; ++d) {
      double diff = centroids[c].vector[d] - mean[d];
      sq += diff * diff;
    }
    between += static_cast<double>(centroids[c].num_members) * sq;
  }
  for (const auto& m : members) {
    within += m.distance * m.distance;
    spread[m.centroid] += m.distance;
  }
  if (within > 0.0) {
    execution->calinski_harabasz_score =
        (between / static_cast<double>(k - 1)) / (within / static_cast<double>(n - k));
  }
  // Davies-Bouldin: mean over clusters of the worst (s_i + s_j) / d(c_i, c_j).
  double db = 0.0;
  for (size_t i = 0; i < k; ++i) {
    spread[i] /= std::max<int64_t>(1, centroids[i].num_members);
  }
  for (size_t i = 0; i < k; ++i) {
    double worst = 0.0;
    for (size_t j = 0; j < k; ++j) {
      if (i == j) continue;
      double d = dist(centroids[i].vector, centroids[j].vector);
      if (d > 0.0) worst = std::max(worst, (spread[i] + spread[j]) / d);
    }
    db += worst;
  }
  execution->davies_bouldin_index = db / static_cast<double>(k);
  // Silhouette over an evenly spaced sample.
  const size_t step = std::max<size_t>(1, n / sample);
  double total = 0.0;
  size_t counted = 0;
  for (size_t i = 0; i < n; i += step) {
    std::vector<double> sum(k, 0.0);
    std::vector<int64_t> count(k, 0);
    for (size_t j = 0; j < n; j += step) {
      if (j == i) continue;
      sum[members[j].centroid] += dist(Row(points, i), Row(points, j));
      ++count[members[j].centroid];
    }
    const uint32_t own = members[i].centroid;
    if (count[own] == 0) continue;  // a singleton's silhouette is 0 by convention
    double a = sum[own] / static_cast<double>(count[own]);
    double b = std::numeric_limits<double>::infinity();
    for (size_t c = 0; c < k; ++c) {
      if (c != own && count[c] > 0) b = std::min(b, sum[c] / static_cast<double>(count[c]));
    }
    if (std::isinf(b)) continue;
    double denom = std::max(a, b);
    total += denom > 0.0 ? (b - a) / denom : 0.0;
    ++counted;
  }
  if (counted > 0) execution->silhouette_score = total / static_cast<double>(counted);
}

Status WriteClusterArtifacts(storage::BlobStore& blobs, ClusteringOutcome* outcome) {
  auto& e = outcome->execution;
  char num[64];
  std::string members =
      "document_id\tcollection_id\tcluster_id\tcluster_label\tdistance_to_centroid\n";
  for (const auto& m : outcome->members) {
    const auto& c = e.centroids[m.centroid];
    std::snprintf(num, sizeof(num), "%.9g", m.distance);
    members += m.document_id + "\t" + m.collection_id + "\t" + c.cluster_id + "\t" + c.label +
               "\t" + num + "\n";
  }
  std::string centroids = "cluster_id\tcluster_label\tnum_members\tvector\n";
  for (const auto& c : e.centroids) {
    centroids += c.cluster_id + "\t" + c.label + "\t" + std::to_string(c.num_members) + "\t";
    for (size_t d = 0; d < c.vector.size(); ++d) {
      std::snprintf(num, sizeof(num), d == 0 ? "%.9g" : ",%.9g", c.vector[d]);
      centroids += num;
    }
    centroids += "\n";
  }
  FERRY_ASSIGN_OR_RETURN(std::string members_hash, blobs.Put(members));
  FERRY_ASSIGN_OR_RETURN(std::string centroids_hash, blobs.Put(centroids));
  e.artifacts.push_back({"members", members_hash, static_cast<int64_t>(members.size()), kTsv});
  e.artifacts.push_back(
      {"centroids", centroids_hash, static_cast<int64_t>(centroids.size()), kTsv});
  return Status::Ok();
}

namespace {

// (source_field, target_field) pairs of the enrichment; the spec's three by default.
std::vector<std::pair<std::string, std::string>> FieldMappings(const model::Cluster& cluster) {
  std::vector<std::pair<std::string, std::string>> out;
  if (const Value* list = cluster.source_enrichment_config.Get("field_mappings");
      list != nullptr && list->is_array()) {
    for (const auto& m : list->as_array()) {
      const Value* src = m.Get("source_field");
      const Value* dst = m.Get("target_field");
      if (src != nullptr && dst != nullptr && src->is_string() && dst->is_string()) {
        out.emplace_back(src->as_string(), dst->as_string());
      }
    }
  }
  if (out.empty()) {
    for (const char* f :
         {model::kClusterIdField, model::kClusterLabelField, model::kClusterDistanceField}) {
      out.emplace_back(f, f);
    }
  }
  return out;
}

Value FieldValue(const std::string& source, const ClusterMember& m,
                 const model::ClusterCentroid& c) {
  if (source == model::kClusterIdField) return Value(c.cluster_id);
  if (source == model::kClusterLabelField) return Value(c.label);
  if (source == model::kClusterDistanceField) return Value(m.distance);
  if (source == "member_count") return Value(c.num_members);
  return Value();
}

}  // namespace

Status EnrichClusterMembers(storage::DocumentStore& store, const model::Cluster& cluster,
                            const ClusteringOutcome& outcome, TimestampMs now) {
  const auto mappings = FieldMappings(cluster);
  // Members grouped by collection, in gathering order.
  std::map<std::string, std::vector<const ClusterMember*>> by_collection;
  for (const auto& m : outcome.members) by_collection[m.collection_id].push_back(&m);
  for (const auto& [collection_id, members] : by_collection) {
    for (size_t start = 0; start < members.size(); start += kEnrichBatch) {
      const size_t end = std::min(members.size(), start + kEnrichBatch);
      std::vector<std::string> ids;
      std::map<std::string, const ClusterMember*> member_of;
      for (size_t i = start; i < end; ++i) {
        ids.push_back(members[i]->document_id);
        member_of[members[i]->document_id] = members[i];
      }
      FERRY_ASSIGN_OR_RETURN(auto docs, store.GetDocuments(collection_id, ids));
      for (auto& doc : docs) {
        const ClusterMember& m = *member_of[doc.document_id];
        const auto& centroid = outcome.execution.centroids[m.centroid];
        if (!doc.fields.is_object()) doc.fields = Value(model::ValueObject{});
        for (const auto& [source, target] : mappings) {
          Value v = FieldValue(source, m, centroid);
          if (!v.is_null()) doc.fields.mutable_object().Set(target, std::move(v));
        }
        doc.updated_at = now;
      }
      FERRY_RETURN_IF_ERROR(store.UpsertDocuments(docs));
    }
  }
  return Status::Ok();
}

std::vector<std::string> ClusterFieldNames(const model::Cluster& cluster) {
  std::vector<std::string> out;
  for (const auto& [source, target] : FieldMappings(cluster)) out.push_back(target);
  return out;
}

Status ClearClusterAssignments(storage::DocumentStore& store, const model::Cluster& cluster,
                               TimestampMs now, int64_t* cleared) {
  const auto fields = ClusterFieldNames(cluster);
  *cleared = 0;
  for (const auto& collection_id : cluster.collection_ids) {
    storage::IdQuery q;
    q.limit = kIdPage;
    while (true) {
      auto ids = store.ListDocumentIds(collection_id, q);
      if (!ids.ok() && ids.status().code() == StatusCode::kNotFound) break;
      FERRY_RETURN_IF_ERROR(ids.status());
      if (ids->empty()) break;
      q.after_id = ids->back();
      FERRY_ASSIGN_OR_RETURN(auto docs, store.GetDocuments(collection_id, *ids));
      std::vector<model::Document> changed;
      for (auto& doc : docs) {
        if (!doc.fields.is_object()) continue;
        bool any = false;
        for (const auto& f : fields) any |= doc.fields.mutable_object().Erase(f);
        if (!any) continue;
        doc.updated_at = now;
        changed.push_back(std::move(doc));
      }
      if (!changed.empty()) FERRY_RETURN_IF_ERROR(store.UpsertDocuments(changed));
      *cleared += static_cast<int64_t>(changed.size());
      if (static_cast<int64_t>(ids->size()) < q.limit) break;
    }
  }
  return Status::Ok();
}

Result<ClusteringOutcome> RunClustering(storage::NamespaceStore& store, storage::BlobStore& blobs,
                                        const model::Cluster& cluster, TimestampMs now) {
  model::ValidationIssues issues;
  KMeansConfig config = ParseKMeansParams(cluster.algorithm_params, {}, &issues);
  if (!issues.empty()) return Status::InvalidArgument("algorithm_params: " + issues[0].msg);
  FERRY_ASSIGN_OR_RETURN(ClusterPoints points, GatherClusterPoints(store, cluster));
  FERRY_ASSIGN_OR_RETURN(ClusteringOutcome outcome, ComputeClusters(std::move(points), config));
  FERRY_RETURN_IF_ERROR(WriteClusterArtifacts(blobs, &outcome));
  if (cluster.enrich_source_collection) {
    FERRY_RETURN_IF_ERROR(EnrichClusterMembers(store, cluster, outcome, now));
  }
  return outcome;
}

}  // namespace ferry::service
