#pragma once
// JSON of the batch and task operations: ListBatchesRequest/Response, RetryBatchRequest
// and its answer, a batch's failed documents, ListTasksRequest/Response.

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "codec/json_reader.h"
#include "model/batch_ops.h"
#include "model/requests.h"

namespace ferry::codec {

model::BatchListQuery DecodeBatchList(JsonReader body);
boost::json::object EncodeBatchList(const model::ListResult<model::Batch>& list,
                                    const std::string& org_id);

model::BatchRetry DecodeBatchRetry(JsonReader body);
boost::json::object EncodeBatchRetry(const model::BatchRetryResult& r);

boost::json::object EncodeFailedDocuments(const std::string& batch_id,
                                          const model::FailedDocuments& docs,
                                          const model::Page& page);

// status and task_type filter; filters, sort and search are refused (not supported).
model::TaskListQuery DecodeTaskList(JsonReader body);
boost::json::object EncodeTaskList(const model::ListResult<model::Task>& list,
                                   const model::Page& page);

}  // namespace ferry::codec
