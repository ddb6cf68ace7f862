#include "codec/retriever_codec.h"

#include <algorithm>

#include "codec/json_value.h"

namespace ferry::codec {

namespace json = boost::json;

namespace {

const std::vector<std::string> kStageTypes = {"filter", "sort", "reduce", "apply", "enrich"};
const std::vector<std::string> kInteractionTypes = {
    "view",          "click",       "positive_feedback", "negative_feedback",
    "purchase",      "add_to_cart", "wishlist",          "long_view",
    "share",         "bookmark",    "query_refinement",  "zero_results",
    "filter_toggle", "skip",        "return_to_results"};

model::RetrieverStage DecodeStage(JsonReader r) {
  model::RetrieverStage s;
  if (!r.ExpectObject()) return s;
  r.RejectNull({"stage_name", "config"});
  s.stage_name = r.String("stage_name", true).value_or("");
  if (r.Member("stage_name") != nullptr && s.stage_name.empty()) {
    r.AddIssue("stage_name", "String should have at least 1 character", "string_too_short");
  }
  s.stage_type = r.Enum("stage_type", false, kStageTypes);
  s.description = r.String("description", false);
  const json::value* m = r.Member("config");
  if (m == nullptr) {
    r.AddIssue("config", "Field required", "missing");
    return s;
  }
  if (!m->is_object()) {  // a dict, not a model
    r.AddIssue("config", "Input should be a valid dictionary", "dict_type");
    return s;
  }
  JsonReader config = r.Child("config");
  s.stage_id = config.String("stage_id", true).value_or("");
  if (config.Member("parameters") != nullptr) {
    s.parameters = config.ObjectValue("parameters", limits::kStageParametersBytes);
  } else if (r.ObjectValue("config", limits::kStageParametersBytes).is_object()) {
    // Without `parameters`, config's other keys are the parameters; config is bounded whole.
    model::ValueObject rest;
    for (const auto& [k, v] : config.value()->get_object()) {
      if (k != "stage_id") rest.Set(std::string(k), FromJson(v));
    }
    s.parameters = model::Value(std::move(rest));
  }
  return s;
}

std::optional<double> Number(JsonReader& r, std::string_view key) {
  const json::value* v = r.Member(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  r.AddIssue(key, "Input should be a valid number", "float_type");
  return std::nullopt;
}

json::array Strings(const std::vector<std::string>& v) {
  json::array out;
  for (const auto& s : v) out.emplace_back(s);
  return out;
}

json::value ObjectOrEmpty(const model::Value& v) {
  return v.is_object() ? ToJson(v) : json::value(json::object{});
}

json::array EncodeStages(const std::vector<model::RetrieverStage>& stages) {
  json::array out;
  for (const auto& s : stages) {
    out.push_back(json::object{
        {"stage_name", s.stage_name},
        {"stage_type", OptString(s.stage_type)},
        {"config",
         json::object{{"stage_id", s.stage_id}, {"parameters", ObjectOrEmpty(s.parameters)}}},
        {"batch_size", nullptr},
        {"description", OptString(s.description)}});
  }
  return out;
}

}  // namespace

model::RetrieverCreate DecodeRetrieverCreate(JsonReader body) {
  model::RetrieverCreate c;
  if (!body.ExpectObject()) return c;
  body.RejectNull({"retriever_name", "collection_identifiers", "collection_ids", "stages",
                   "input_schema", "budget_limits", "tags", "visibility", "requires_subscription"});
  c.retriever_name = body.String("retriever_name", true, limits::kName).value_or("");
  c.description = body.String("description", false);
  auto identifiers = body.StringList("collection_identifiers", false);
  auto ids = body.StringList("collection_ids", false);  // an alias (Ferry extension)
  if (identifiers) {
    c.collections = *identifiers;
  } else if (ids) {
    c.collections = *ids;
  }
  for (auto& e : body.Elements("stages", true, limits::kStages)) c.stages.push_back(DecodeStage(e));
  c.input_schema = body.ObjectValue("input_schema");
  // BudgetLimits is a model (null is model_attributes_type); kept as given.
  if (body.Member("budget_limits") != nullptr && body.Child("budget_limits").ExpectObject()) {
    c.budget_limits = body.ObjectValue("budget_limits");
  }
  c.display_config = body.ObjectValue("display_config");
  c.tags = body.StringList("tags", false).value_or(std::vector<std::string>{});
  // Read for their types only; Ferry does not apply them.
  body.Enum("visibility", false, {"private", "public", "marketplace"});
  body.Bool("requires_subscription", false);
  return c;
}

model::RetrieverPatch DecodeRetrieverPatch(JsonReader body) {
  model::RetrieverPatch p;
  if (!body.ExpectObject()) return p;
  p.retriever_name = body.String("retriever_name", false, limits::kName);
  p.description = body.String("description", false);
  p.tags = body.StringList("tags", false);
  if (body.Member("display_config") != nullptr)
    p.display_config = body.ObjectValue("display_config");
  return p;
}

model::RetrieverExecute DecodeRetrieverExecute(JsonReader body) {
  model::RetrieverExecute x;
  if (!body.ExpectObject()) return x;
  body.RejectNull({"inputs", "pagination", "stream"});
  x.inputs = body.ObjectValue("inputs", limits::kExecuteInputsBytes);
  body.Bool("stream", false);  // read for its type; results come in one response
  if (body.Member("pagination") != nullptr) {
    JsonReader p = body.Child("pagination");
    if (p.ExpectObject()) {
      p.RejectNull({"method", "page_size", "page_number"});
      p.Enum("method", false, {"offset"});
      x.page_size = p.Int("page_size", false, 1, 500).value_or(10);
      x.page_number = p.Int("page_number", false, 1, 100000).value_or(1);
    }
  }
  return x;
}

model::Interaction DecodeInteraction(JsonReader body) {
  model::Interaction i;
  if (!body.ExpectObject()) return i;
  body.RejectNull({"feature_id", "interaction_type", "position"});
  i.feature_id = body.String("feature_id", true).value_or("");
  if (auto types = body.StringList("interaction_type", true)) {
    for (size_t k = 0; k < types->size(); ++k) {
      const std::string& t = (*types)[k];
      if (std::find(kInteractionTypes.begin(), kInteractionTypes.end(), t) ==
          kInteractionTypes.end()) {
        model::ValueArray loc = body.loc();
        loc.emplace_back("interaction_type");
        loc.emplace_back(static_cast<int64_t>(k));
        body.issues()->push_back(
            {std::move(loc), "Input should be a valid InteractionType", "enum"});
      }
    }
    if (types->empty()) {
      body.AddIssue("interaction_type", "List should have at least 1 item after validation, not 0",
                    "too_short");
    }
    i.interaction_type = *types;
  }
  i.position = body.Int("position", true, 0, INT32_MAX).value_or(0);
  i.metadata = body.ObjectValue("metadata", limits::kMetadataBytes);
  i.user_id = body.String("user_id", false);
  i.session_id = body.String("session_id", false);
  i.execution_id = body.String("execution_id", false);
  i.retriever_id = body.String("retriever_id", false);
  i.query_snapshot = body.ObjectValue("query_snapshot");
  i.document_score = Number(body, "document_score");
  i.result_set_size = body.Int("result_set_size", false, 1, INT32_MAX);
  return i;
}

model::InteractionQuery DecodeInteractionQuery(JsonReader body) {
  model::InteractionQuery q;
  if (!body.ExpectObject()) return q;
  q.execution_id = body.String("execution_id", false);
  q.retriever_id = body.String("retriever_id", false);
  q.session_id = body.String("session_id", false);
  q.user_id = body.String("user_id", false);
  q.feature_id = body.String("feature_id", false);
  q.interaction_type = body.Enum("interaction_type", false, kInteractionTypes);
  return q;
}

json::object EncodeRetrieverConfig(const model::Retriever& r) {
  return json::object{{"retriever_id", r.retriever_id},
                      {"retriever_name", r.retriever_name},
                      {"description", OptString(r.description)},
                      {"collection_ids", Strings(r.collection_ids)},
                      {"stages", EncodeStages(r.stages)},
                      {"input_schema", ObjectOrEmpty(r.input_schema)},
                      {"budget_limits", ObjectOrEmpty(r.budget_limits)},
                      {"feature_dependencies", nullptr},
                      {"tags", Strings(r.tags)},
                      {"display_config", r.display_config.is_object() ? ToJson(r.display_config)
                                                                      : json::value(nullptr)},
                      {"version", r.version},
                      {"created_at", Time(r.created_at)},
                      {"updated_at", Time(r.updated_at)},
                      {"created_by", nullptr},
                      {"updated_by", nullptr}};
}

json::object EncodeRetriever(const model::Retriever& r) {
  json::object out = EncodeRetrieverConfig(r);
  out["is_published"] = false;
  out["marketplace_listing_id"] = nullptr;
  return out;
}

json::array EncodeExecutionResults(const model::RetrieverExecution& e) {
  json::array out;
  for (const auto& d : e.results) {
    out.push_back(json::object{
        {"document_id", d.document_id}, {"collection_id", d.collection_id}, {"score", d.score}});
  }
  return out;
}

json::object EncodeExecutionDetail(const model::RetrieverExecution& e, json::array documents,
                                   json::object pagination) {
  json::object stages;
  int64_t completed = 0;
  for (const auto& s : e.stages) {
    double efficiency = s.input_count == 0 ? 0.0
                                           : static_cast<double>(s.output_count) /
                                                 static_cast<double>(s.input_count);
    stages[s.stage_name] = json::object{{"input_count", s.input_count},
                                        {"output_count", s.output_count},
                                        {"duration_ms", s.duration_ms},
                                        {"efficiency", efficiency}};
    if (e.status == "completed" || &s != &e.stages.back()) ++completed;
  }
  return json::object{
      {"execution_id", e.execution_id},
      {"status", e.status},
      {"documents", std::move(documents)},
      {"pagination", std::move(pagination)},
      {"stage_statistics",
       json::object{
           {"stages", std::move(stages)}, {"total_time_ms", e.latency_ms}, {"credits_used", 0.0}}},
      {"budget", json::object{{"credits_used", 0.0}, {"time_used_ms", e.latency_ms}}},
      {"error", OptString(e.error)},
      {"optimization_applied", false},
      {"optimization_summary", nullptr},
      {"created_at", Time(e.created_at)},
      {"completed_at", Time(e.completed_at)},
      {"current_stage", nullptr},
      {"stages_completed", completed},
      {"total_stages", static_cast<int64_t>(e.stages.size())}};
}

json::object EncodeExecutionSummary(const model::RetrieverExecution& e) {
  const model::Value* query = e.inputs.Get("query");
  return json::object{
      {"execution_id", e.execution_id},
      {"status", e.status},
      {"created_at", Time(e.created_at)},
      {"completed_at", Time(e.completed_at)},
      {"duration_ms", e.latency_ms},
      {"credits_used", 0.0},
      {"total_processed", e.total_processed},
      {"total_returned", static_cast<int64_t>(e.results.size())},
      {"cache_hit_rate", nullptr},
      {"inputs_hash", nullptr},
      {"query_summary", query != nullptr && query->is_string() ? json::value(query->as_string())
                                                               : json::value(nullptr)}};
}

json::object EncodeInteraction(const model::Interaction& i) {
  return json::object{
      {"interaction_id", i.interaction_id},
      {"feature_id", i.feature_id},
      {"interaction_type", Strings(i.interaction_type)},
      {"position", i.position},
      {"metadata", i.metadata.is_object() ? ToJson(i.metadata) : json::value(nullptr)},
      {"user_id", OptString(i.user_id)},
      {"session_id", OptString(i.session_id)},
      {"execution_id", OptString(i.execution_id)},
      {"retriever_id", OptString(i.retriever_id)},
      {"query_snapshot",
       i.query_snapshot.is_object() ? ToJson(i.query_snapshot) : json::value(nullptr)},
      {"document_score", i.document_score ? json::value(*i.document_score) : json::value(nullptr)},
      {"result_set_size",
       i.result_set_size ? json::value(*i.result_set_size) : json::value(nullptr)},
      {"timestamp", Time(i.created_at)}};
}

}  // namespace ferry::codec
