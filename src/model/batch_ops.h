#pragma once
// Results of the batch and task operations beyond plain resources: a batch's failed
// documents and a retry.

#include <string>
#include <vector>

#include "model/resources.h"

namespace ferry::model {

// A document a batch could not produce (ingestion_status FAILED).
struct FailedDocument {
  Document document;
  int tier_num = 0;        // the tier of its collection in the batch
  bool transient = false;  // a timeout or an unavailable extractor: worth retrying
};

struct FailedDocuments {
  std::vector<FailedDocument> items;  // the requested page
  int64_t total = 0;
};

// What POST …/batches/{id}/retry started.
struct BatchRetryResult {
  Batch batch;
  Task task;
  std::vector<std::string> object_ids;  // the objects run again
  std::vector<int> tier_nums;           // the tiers run again
  int retry_count = 0;                  // retries of this batch so far, this one included
};

}  // namespace ferry::model
