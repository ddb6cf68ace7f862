#include "service/retriever_service.h"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "common/ids.h"

namespace ferry::service {
namespace {

using model::Value;
using model::ValueArray;

// Names taken from the whole list when a search filters them.
constexpr int64_t kSearchScanLimit = 100'000;

Status NotFoundAs(const Status& st, const std::string& what) {
  return st.code() == StatusCode::kNotFound ? Status::NotFound(what + " not found") : st;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

double MsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace

Result<model::Retriever> RetrieverService::Create(const NamespaceHandle& h,
                                                  const model::RetrieverCreate& req,
                                                  model::ValidationIssues* issues) {
  ValidateName(req.retriever_name, {Value("body"), Value("retriever_name")}, issues);
  if (req.stages.empty()) {
    issues->push_back({{Value("body"), Value("stages")},
                       "List should have at least 1 item after validation, not 0",
                       "too_short"});
  }
  for (size_t i = 0; i < req.stages.size(); ++i) {
    ValidateStage(req.stages[i], {Value("body"), Value("stages"), Value(static_cast<int64_t>(i))},
                  deps_.extractors, issues);
  }
  model::Retriever r;
  for (size_t i = 0; i < req.collections.size(); ++i) {
    auto c = h.store->GetCollection(req.collections[i]);
    if (!c.ok() && c.status().code() == StatusCode::kNotFound) {
      c = h.store->GetCollectionByName(req.collections[i]);
    }
    if (!c.ok()) {
      if (c.status().code() != StatusCode::kNotFound) return c.status();
      issues->push_back(
          {{Value("body"), Value("collection_identifiers"), Value(static_cast<int64_t>(i))},
           "collection '" + req.collections[i] + "' not found",
           "value_error"});
      continue;
    }
    if (std::find(r.collection_ids.begin(), r.collection_ids.end(), c->collection_id) ==
        r.collection_ids.end()) {
      r.collection_ids.push_back(c->collection_id);
    }
  }
  if (!issues->empty()) return Status::InvalidArgument("invalid request");
  r.retriever_id = NewId("ret");
  r.retriever_name = req.retriever_name;
  r.description = req.description;
  r.stages = req.stages;
  for (auto& s : r.stages) {
    if (!s.stage_type) s.stage_type = StageTypeOf(s.stage_id);
  }
  r.input_schema = req.input_schema.is_object() ? req.input_schema : Value(model::ValueObject{});
  r.budget_limits = req.budget_limits.is_object() ? req.budget_limits : Value(model::ValueObject{});
  r.display_config = req.display_config;
  r.tags = req.tags;
  r.created_at = r.updated_at = deps_.clock.NowMs();
  Status st = h.store->InsertRetriever(r);
  if (st.code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists("retriever '" + r.retriever_name + "' already exists");
  }
  FERRY_RETURN_IF_ERROR(st);
  return r;
}

Result<model::Retriever> RetrieverService::Get(const NamespaceHandle& h,
                                               const std::string& ident) const {
  auto r = h.store->GetRetriever(ident);
  if (!r.ok() && r.status().code() == StatusCode::kNotFound) r = h.store->GetRetrieverByName(ident);
  if (!r.ok()) return NotFoundAs(r.status(), "retriever '" + ident + "'");
  return r;
}

Result<model::ListResult<model::Retriever>> RetrieverService::List(
    const NamespaceHandle& h, const model::Page& page, const std::optional<std::string>& search,
    bool case_sensitive) const {
  model::ListResult<model::Retriever> out;
  if (!search) {
    FERRY_ASSIGN_OR_RETURN(out.items, h.store->ListRetrievers(page));
    FERRY_ASSIGN_OR_RETURN(out.total, h.store->CountRetrievers());
    return out;
  }
  FERRY_ASSIGN_OR_RETURN(auto all, h.store->ListRetrievers({0, kSearchScanLimit}));
  const std::string needle = case_sensitive ? *search : Lower(*search);
  std::vector<model::Retriever> matched;
  for (auto& r : all) {
    std::string name = case_sensitive ? r.retriever_name : Lower(r.retriever_name);
    if (name.find(needle) != std::string::npos) matched.push_back(std::move(r));
  }
  out.total = static_cast<int64_t>(matched.size());
  for (int64_t i = page.offset; i < out.total && i < page.offset + page.limit; ++i) {
    out.items.push_back(std::move(matched[static_cast<size_t>(i)]));
  }
  return out;
}

Result<model::Retriever> RetrieverService::Patch(const NamespaceHandle& h, const std::string& ident,
                                                 const model::RetrieverPatch& patch,
                                                 model::ValidationIssues* issues) {
  if (patch.retriever_name) {
    ValidateName(*patch.retriever_name, {Value("body"), Value("retriever_name")}, issues);
  }
  if (!issues->empty()) return Status::InvalidArgument("invalid request");
  FERRY_ASSIGN_OR_RETURN(model::Retriever r, Get(h, ident));
  if (patch.retriever_name) r.retriever_name = *patch.retriever_name;
  if (patch.description) r.description = *patch.description;
  if (patch.tags) r.tags = *patch.tags;
  if (patch.display_config) r.display_config = *patch.display_config;
  r.version += 1;
  r.updated_at = deps_.clock.NowMs();
  Status st = h.store->UpdateRetriever(r);
  if (st.code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists("retriever '" + r.retriever_name + "' already exists");
  }
  FERRY_RETURN_IF_ERROR(st);
  return r;
}

Status RetrieverService::Delete(const NamespaceHandle& h, const std::string& ident) {
  FERRY_ASSIGN_OR_RETURN(model::Retriever r, Get(h, ident));
  return h.store->DeleteRetriever(r.retriever_id);
}

Result<Evaluation> RetrieverService::Evaluate(const NamespaceHandle& h, const model::Retriever& r,
                                              const Value& inputs) const {
  const auto start = std::chrono::steady_clock::now();
  Evaluation out;
  model::RetrieverExecution& e = out.execution;
  e.execution_id = NewId("exec");
  e.retriever_id = r.retriever_id;
  e.inputs = inputs.is_object() ? inputs : Value(model::ValueObject{});
  e.created_at = deps_.clock.NowMs();

  StageContext ctx{h, deps_.extractors, vectors_, r.collection_ids, e.inputs};
  std::optional<std::vector<StageDocument>> stream;
  for (const auto& stage : r.stages) {
    const auto stage_start = std::chrono::steady_clock::now();
    model::StageRun run;
    run.stage_name = stage.stage_name;
    run.input_count = stream ? static_cast<int64_t>(stream->size()) : 0;
    auto next = RunStage(stage, ctx, std::move(stream));
    run.duration_ms = MsSince(stage_start);
    if (!next.ok()) {
      out.failure = next.status();
      e.stages.push_back(run);
      break;
    }
    stream = std::move(next).value();
    run.output_count = static_cast<int64_t>(stream->size());
    e.total_processed += run.input_count;
    e.stages.push_back(run);
  }
  if (out.failure.ok() && stream) out.results = std::move(*stream);
  // A filter or sort over whole collections may keep every document: an execution returns
  // and stores (one id per result in its row) the first kMaxTopK.
  if (out.results.size() > static_cast<size_t>(kMaxTopK)) {
    out.results.erase(out.results.begin() + kMaxTopK, out.results.end());
  }
  for (const auto& d : out.results) {
    e.results.push_back({d.doc.document_id, d.doc.collection_id, d.score});
  }
  if (!out.failure.ok()) {
    e.status = "failed";
    e.error = out.failure.message();
  }
  e.latency_ms = MsSince(start);
  e.completed_at = deps_.clock.NowMs();
  return out;
}

Result<ExecutionOutcome> RetrieverService::Execute(const NamespaceHandle& h,
                                                   const std::string& ident,
                                                   const model::RetrieverExecute& req) {
  FERRY_ASSIGN_OR_RETURN(model::Retriever r, Get(h, ident));
  FERRY_ASSIGN_OR_RETURN(Evaluation ev, Evaluate(h, r, req.inputs));
  FERRY_RETURN_IF_ERROR(h.store->InsertExecution(ev.execution));
  FERRY_RETURN_IF_ERROR(ev.failure);

  ExecutionOutcome out;
  out.execution = std::move(ev.execution);
  out.total = static_cast<int64_t>(ev.results.size());
  const int64_t first = (req.page_number - 1) * req.page_size;
  for (int64_t i = first; i < out.total && i < first + req.page_size; ++i) {
    out.page.push_back(std::move(ev.results[static_cast<size_t>(i)]));
  }
  return out;
}

Result<model::ListResult<model::RetrieverExecution>> RetrieverService::ListExecutions(
    const NamespaceHandle& h, const std::string& ident, const std::optional<std::string>& status,
    const model::Page& page) const {
  FERRY_ASSIGN_OR_RETURN(model::Retriever r, Get(h, ident));
  model::ListResult<model::RetrieverExecution> out;
  FERRY_ASSIGN_OR_RETURN(out.items, h.store->ListExecutions(r.retriever_id, status, page));
  FERRY_ASSIGN_OR_RETURN(out.total, h.store->CountExecutions(r.retriever_id, status));
  return out;
}

Result<model::RetrieverExecution> RetrieverService::GetExecution(
    const NamespaceHandle& h, const std::string& ident, const std::string& execution_id) const {
  FERRY_ASSIGN_OR_RETURN(model::Retriever r, Get(h, ident));
  auto e = h.store->GetExecution(r.retriever_id, execution_id);
  if (!e.ok()) return NotFoundAs(e.status(), "execution '" + execution_id + "'");
  return e;
}

Result<model::Interaction> RetrieverService::CreateInteraction(const NamespaceHandle& h,
                                                               model::Interaction interaction) {
  if (interaction.retriever_id) {
    FERRY_ASSIGN_OR_RETURN(model::Retriever r, Get(h, *interaction.retriever_id));
    interaction.retriever_id = r.retriever_id;
  }
  interaction.interaction_id = NewId("int");
  interaction.created_at = deps_.clock.NowMs();
  FERRY_RETURN_IF_ERROR(h.store->InsertInteraction(interaction));
  return interaction;
}

Result<model::Interaction> RetrieverService::GetInteraction(
    const NamespaceHandle& h, const std::string& interaction_id) const {
  auto i = h.store->GetInteraction(interaction_id);
  if (!i.ok()) return NotFoundAs(i.status(), "interaction '" + interaction_id + "'");
  return i;
}

Result<model::ListResult<model::Interaction>> RetrieverService::ListInteractions(
    const NamespaceHandle& h, const model::InteractionQuery& query, const model::Page& page) const {
  model::ListResult<model::Interaction> out;
  FERRY_ASSIGN_OR_RETURN(out.items, h.store->ListInteractions(query, page));
  FERRY_ASSIGN_OR_RETURN(out.total, h.store->CountInteractions(query));
  return out;
}

Status RetrieverService::DeleteInteraction(const NamespaceHandle& h,
                                           const std::string& interaction_id) {
  Status st = h.store->DeleteInteraction(interaction_id);
  return st.ok() ? st : NotFoundAs(st, "interaction '" + interaction_id + "'");
}

}  // namespace ferry::service
