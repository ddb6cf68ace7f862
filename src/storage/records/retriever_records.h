#pragma once
// Record encodings of retrievers, their executions and interactions (model::EncodeValue
// format via a model::Value built here), shared by every backend.

#include <string>
#include <string_view>

#include "model/retriever.h"

namespace ferry::storage::records {

std::string EncodeRetrieverRecord(const model::Retriever& r);
bool DecodeRetrieverRecord(std::string_view bytes, model::Retriever* r);

std::string EncodeRetrieverExecutionRecord(const model::RetrieverExecution& e);
bool DecodeRetrieverExecutionRecord(std::string_view bytes, model::RetrieverExecution* e);

std::string EncodeInteractionRecord(const model::Interaction& i);
bool DecodeInteractionRecord(std::string_view bytes, model::Interaction* i);

}  // namespace ferry::storage::records
