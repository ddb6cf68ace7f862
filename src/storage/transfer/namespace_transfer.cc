#include "storage/transfer/namespace_transfer.h"

#include <optional>
#include <string>
#include <vector>

#include "storage/transfer/paging.h"

namespace ferry::storage::transfer {
namespace {

// Copies one blob unless the target has it already.
Status CopyBlob(const std::string& hash, BlobStores blobs, TransferCounts* counts) {
  if (blobs.to.Contains(hash)) return Status::Ok();
  FERRY_ASSIGN_OR_RETURN(std::string bytes, blobs.from.Get(hash));
  FERRY_ASSIGN_OR_RETURN(std::string stored, blobs.to.Put(bytes));
  if (stored != hash) return Status::DataLoss("blob " + hash + " was stored as " + stored);
  ++counts->blobs;
  return Status::Ok();
}

Status CopyBuckets(NamespaceStore& from, NamespaceStore& to, TransferCounts* counts) {
  return ForEachPage([&](const model::Page& p) { return from.ListBuckets(p); },
                     [&](const std::vector<model::Bucket>& buckets) -> Status {
                       for (const auto& bucket : buckets) {
                         FERRY_RETURN_IF_ERROR(to.InsertBucket(bucket));
                         ++counts->buckets;
                         const std::string& id = bucket.bucket_id;
                         FERRY_RETURN_IF_ERROR(ForEachPage(
                             [&](const model::Page& p) { return from.ListObjects(id, p); },
                             [&](const std::vector<model::Object>& objects) {
                               counts->objects += static_cast<int64_t>(objects.size());
                               return to.UpsertObjects(objects);
                             }));
                         FERRY_RETURN_IF_ERROR(ForEachPage(
                             [&](const model::Page& p) { return from.ListBatches(id, p); },
                             [&](const std::vector<model::Batch>& batches) -> Status {
                               for (const auto& b : batches) {
                                 FERRY_RETURN_IF_ERROR(to.UpsertBatch(b));
                                 ++counts->batches;
                               }
                               return Status::Ok();
                             }));
                       }
                       return Status::Ok();
                     });
}

Status CopyCollections(NamespaceStore& from, NamespaceStore& to, TransferCounts* counts) {
  return ForEachPage([&](const model::Page& p) { return from.ListCollections(p); },
                     [&](const std::vector<model::Collection>& collections) -> Status {
                       for (const auto& collection : collections) {
                         FERRY_RETURN_IF_ERROR(to.InsertCollection(collection));
                         ++counts->collections;
                         const std::string& id = collection.collection_id;
                         FERRY_RETURN_IF_ERROR(ForEachPage(
                             [&](const model::Page& p) {
                               return from.ListDocuments(id, p, /*with_vectors=*/true);
                             },
                             [&](const std::vector<model::Document>& docs) {
                               counts->documents += static_cast<int64_t>(docs.size());
                               return to.UpsertDocuments(docs);
                             }));
                       }
                       return Status::Ok();
                     });
}

Status CopyTaxonomies(NamespaceStore& from, NamespaceStore& to, TransferCounts* counts) {
  return ForEachPage([&](const model::Page& p) { return from.ListTaxonomies(p); },
                     [&](const std::vector<model::Taxonomy>& taxonomies) -> Status {
                       for (const auto& t : taxonomies) {
                         FERRY_RETURN_IF_ERROR(to.InsertTaxonomy(t));
                         ++counts->taxonomies;
                       }
                       return Status::Ok();
                     });
}

// A cluster's runs, with the blobs of their artifacts.
Status CopyClusterRuns(NamespaceStore& from, NamespaceStore& to, const std::string& cluster_id,
                       BlobStores blobs, TransferCounts* counts) {
  return ForEachPage(
      [&](const model::Page& p) { return from.ListClusterExecutions(cluster_id, p); },
      [&](const std::vector<model::ClusterExecution>& runs) -> Status {
        for (const auto& run : runs) {
          for (const auto& artifact : run.artifacts) {
            FERRY_RETURN_IF_ERROR(CopyBlob(artifact.blob_hash, blobs, counts));
          }
          FERRY_RETURN_IF_ERROR(to.UpsertClusterExecution(run));
          ++counts->cluster_executions;
        }
        return Status::Ok();
      });
}

Status CopyClusters(NamespaceStore& from, NamespaceStore& to, BlobStores blobs,
                    TransferCounts* counts) {
  return ForEachPage(
      [&](const model::Page& p) { return from.ListClusters(p); },
      [&](const std::vector<model::Cluster>& clusters) -> Status {
        for (const auto& cluster : clusters) {
          FERRY_RETURN_IF_ERROR(to.InsertCluster(cluster));
          ++counts->clusters;
          FERRY_RETURN_IF_ERROR(CopyClusterRuns(from, to, cluster.cluster_id, blobs, counts));
        }
        return Status::Ok();
      });
}

Status CopyRetrievers(NamespaceStore& from, NamespaceStore& to, TransferCounts* counts) {
  FERRY_RETURN_IF_ERROR(ForEachPage(
      [&](const model::Page& p) { return from.ListRetrievers(p); },
      [&](const std::vector<model::Retriever>& retrievers) -> Status {
        for (const auto& retriever : retrievers) {
          FERRY_RETURN_IF_ERROR(to.InsertRetriever(retriever));
          ++counts->retrievers;
          const std::string& id = retriever.retriever_id;
          FERRY_RETURN_IF_ERROR(ForEachPage(
              [&](const model::Page& p) { return from.ListExecutions(id, std::nullopt, p); },
              [&](const std::vector<model::RetrieverExecution>& executions) -> Status {
                for (const auto& e : executions) {
                  FERRY_RETURN_IF_ERROR(to.InsertExecution(e));
                  ++counts->retriever_executions;
                }
                return Status::Ok();
              }));
        }
        return Status::Ok();
      }));
  // Interactions outlive their retriever, so they are listed on their own.
  return ForEachPage(
      [&](const model::Page& p) { return from.ListInteractions(model::InteractionQuery{}, p); },
      [&](const std::vector<model::Interaction>& interactions) -> Status {
        for (const auto& i : interactions) {
          FERRY_RETURN_IF_ERROR(to.InsertInteraction(i));
          ++counts->interactions;
        }
        return Status::Ok();
      });
}

Status CheckCount(const char* what, const Result<int64_t>& want, const Result<int64_t>& got) {
  FERRY_RETURN_IF_ERROR(want.status());
  FERRY_RETURN_IF_ERROR(got.status());
  if (*want == *got) return Status::Ok();
  return Status::DataLoss(std::string("after the copy the target has ") + std::to_string(*got) +
                          " " + what + ", the source " + std::to_string(*want));
}

}  // namespace

Status TransferNamespaceData(NamespaceStore& from, NamespaceStore& to, BlobStores blobs,
                             TransferCounts* counts) {
  FERRY_RETURN_IF_ERROR(CopyBuckets(from, to, counts));
  FERRY_RETURN_IF_ERROR(CopyCollections(from, to, counts));
  FERRY_RETURN_IF_ERROR(CopyTaxonomies(from, to, counts));
  FERRY_RETURN_IF_ERROR(CopyClusters(from, to, blobs, counts));
  FERRY_RETURN_IF_ERROR(CopyRetrievers(from, to, counts));
  FERRY_RETURN_IF_ERROR(CheckCount("objects", from.CountAllObjects(), to.CountAllObjects()));
  return CheckCount("documents", from.CountAllDocuments(), to.CountAllDocuments());
}

Status TransferBlobs(NamespaceStore& from, BlobStores blobs, TransferCounts* counts) {
  FERRY_ASSIGN_OR_RETURN(std::vector<std::string> hashes, from.ListBlobHashes());
  for (const auto& hash : hashes) FERRY_RETURN_IF_ERROR(CopyBlob(hash, blobs, counts));
  return Status::Ok();
}

}  // namespace ferry::storage::transfer
