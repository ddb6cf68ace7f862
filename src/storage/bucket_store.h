#pragma once
// The bucket side of a namespace (part of NamespaceStore): buckets, the objects in them,
// and ingestion batches. Ids are unique within the namespace; callers have already
// checked the tenant owns the namespace. Implementations are thread-safe; each call is
// atomic (one transaction).

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/resources.h"
#include "storage/id_query.h"

namespace ferry::storage {

class BucketStore {
 public:
  virtual ~BucketStore() = default;

  // AlreadyExists on id or name.
  virtual Status InsertBucket(const model::Bucket& bucket) = 0;
  virtual Result<model::Bucket> GetBucket(const std::string& bucket_id) = 0;
  virtual Result<model::Bucket> GetBucketByName(const std::string& name) = 0;
  virtual Result<std::vector<model::Bucket>> ListBuckets(const model::Page& page) = 0;
  virtual Result<int64_t> CountBuckets() = 0;
  virtual Result<model::BucketStats> GetBucketStats(const std::string& bucket_id) = 0;
  // Removes the bucket, its objects and batches. NotFound when absent.
  virtual Status DeleteBucket(const std::string& bucket_id) = 0;
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // AlreadyExists on id; NotFound when the bucket is absent.
  virtual Status InsertObject(const model::Object& object) = 0;
  // NotFound unless the object exists in that bucket.
  virtual Result<model::Object> GetObject(const std::string& bucket_id,
                                          const std::string& object_id) = 0;
  // Ordered by created_at then id.
  virtual Result<std::vector<model::Object>> ListObjects(const std::string& bucket_id,
                                                         const model::Page& page) = 0;
  virtual Result<int64_t> CountObjects(const std::string& bucket_id) = 0;
  virtual Result<int64_t> CountAllObjects() = 0;
  virtual Status DeleteObject(const std::string& bucket_id, const std::string& object_id) = 0;
  // Inserts or replaces objects (by object_id) in one transaction. NotFound when a
  // bucket is absent.
  virtual Status UpsertObjects(const std::vector<model::Object>& objects) = 0;
  // Objects of a bucket with these ids, in the order given; absent ids are skipped.
  virtual Result<std::vector<model::Object>> GetObjects(const std::string& bucket_id,
                                                        const std::vector<std::string>& ids) = 0;
  virtual Result<std::vector<std::string>> ListObjectIds(const std::string& bucket_id,
                                                         const IdQuery& query) = 0;
  // Count of a bucket's objects with created_at in [after, before) (either bound optional).
  virtual Result<int64_t> CountObjectsInRange(const std::string& bucket_id,
                                              std::optional<TimestampMs> after,
                                              std::optional<TimestampMs> before) = 0;
  // Content hashes referenced by any object (for blob garbage collection).
  virtual Result<std::vector<std::string>> ListBlobHashes() = 0;
};

// Ingestion batches of a bucket.
class BatchStore {
 public:
  virtual ~BatchStore() = default;

  // Upsert by batch_id.
  virtual Status UpsertBatch(const model::Batch& batch) = 0;
  // NotFound unless the batch exists in that bucket.
  virtual Result<model::Batch> GetBatch(const std::string& bucket_id,
                                        const std::string& batch_id) = 0;
  // A bucket's batches, ordered by created_at then batch_id.
  virtual Result<std::vector<model::Batch>> ListBatches(const std::string& bucket_id,
                                                        const model::Page& page) = 0;
  // Removes a batch (not the documents it wrote). NotFound unless it exists in that bucket.
  virtual Status DeleteBatch(const std::string& bucket_id, const std::string& batch_id) = 0;
};

}  // namespace ferry::storage
