#pragma once
// Wire shapes of retrievers (CreateRetrieverRequest, RetrieverModel-Output,
// RetrieverConfig, StageConfig), their executions (ExecuteRetrieverRequest,
// ExecutionDetail, RetrieverExecutionSummary) and interactions (SearchInteraction,
// InteractionResponse, ListInteractionsRequest).

#include <boost/json.hpp>
#include <optional>
#include <string>

#include "codec/json_reader.h"
#include "model/retriever.h"

namespace ferry::codec {

// Stages: {stage_name, stage_type?, config: {stage_id, parameters}}. A config without
// "parameters" takes its other keys as the parameters. Stage semantics are checked by
// the service; here only shapes.
model::RetrieverCreate DecodeRetrieverCreate(JsonReader body);
model::RetrieverPatch DecodeRetrieverPatch(JsonReader body);
// inputs and offset pagination {method: "offset", page_size (1–1000, default 10),
// page_number (>= 1, default 1)}.
model::RetrieverExecute DecodeRetrieverExecute(JsonReader body);
// SearchInteraction; interaction_type values must be InteractionType spellings.
model::Interaction DecodeInteraction(JsonReader body);
model::InteractionQuery DecodeInteractionQuery(JsonReader body);

// RetrieverConfig (create/patch responses) and RetrieverModel-Output (get/list).
boost::json::object EncodeRetrieverConfig(const model::Retriever& r);
boost::json::object EncodeRetriever(const model::Retriever& r);

// ExecutionDetail. `documents` are the documents to show (already encoded, each with its
// score); `pagination` the offset pagination block.
boost::json::object EncodeExecutionDetail(const model::RetrieverExecution& e,
                                          boost::json::array documents,
                                          boost::json::object pagination);
// The stored result list of an execution as ExecutionDetail documents.
boost::json::array EncodeExecutionResults(const model::RetrieverExecution& e);
boost::json::object EncodeExecutionSummary(const model::RetrieverExecution& e);

boost::json::object EncodeInteraction(const model::Interaction& i);

}  // namespace ferry::codec
