#include "storage/records/retriever_records.h"

#include <optional>
#include <string>
#include <vector>

#include "storage/records/record_codec.h"

namespace ferry::storage::records {
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

std::optional<std::string> OptOf(const Value* v) {
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return v->as_string();
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

double Num(const Value& o, const char* key) {
  const Value* v = o.Get(key);
  return v != nullptr && v->is_number() ? v->as_double() : 0.0;
}

}  // namespace

// ---- record encodings ----

std::string EncodeRetrieverRecord(const model::Retriever& r) {
  ValueArray stages;
  for (const auto& s : r.stages) {
    ValueObject o;
    o.Set("stage_name", s.stage_name);
    o.Set("stage_type", Opt(s.stage_type));
    o.Set("stage_id", s.stage_id);
    o.Set("parameters", s.parameters);
    o.Set("description", Opt(s.description));
    stages.emplace_back(std::move(o));
  }
  ValueObject o;
  o.Set("retriever_id", r.retriever_id);
  o.Set("retriever_name", r.retriever_name);
  o.Set("description", Opt(r.description));
  o.Set("collection_ids", Strings(r.collection_ids));
  o.Set("stages", Value(std::move(stages)));
  o.Set("input_schema", r.input_schema);
  o.Set("budget_limits", r.budget_limits);
  o.Set("display_config", r.display_config);
  o.Set("tags", Strings(r.tags));
  o.Set("version", r.version);
  o.Set("created_at", r.created_at);
  o.Set("updated_at", r.updated_at);
  return EncodeValueBlob(Value(std::move(o)));
}

bool DecodeRetrieverRecord(std::string_view bytes, model::Retriever* r) {
  Value v;
  if (!DecodeValueBlob(bytes, &v) || !v.is_object()) return false;
  r->retriever_id = Str(v, "retriever_id");
  r->retriever_name = Str(v, "retriever_name");
  r->description = OptOf(v.Get("description"));
  r->collection_ids = ToStrings(v.Get("collection_ids"));
  const Value* stages = v.Get("stages");
  if (stages == nullptr || !stages->is_array()) return false;
  for (const auto& s : stages->as_array()) {
    model::RetrieverStage st;
    st.stage_name = Str(s, "stage_name");
    st.stage_type = OptOf(s.Get("stage_type"));
    st.stage_id = Str(s, "stage_id");
    st.parameters = Or(s.Get("parameters"));
    st.description = OptOf(s.Get("description"));
    r->stages.push_back(std::move(st));
  }
  r->input_schema = Or(v.Get("input_schema"));
  r->budget_limits = Or(v.Get("budget_limits"));
  r->display_config = Or(v.Get("display_config"));
  r->tags = ToStrings(v.Get("tags"));
  r->version = Int(v, "version");
  r->created_at = Int(v, "created_at");
  r->updated_at = Int(v, "updated_at");
  return true;
}

std::string EncodeRetrieverExecutionRecord(const model::RetrieverExecution& e) {
  ValueArray results;
  for (const auto& r : e.results) {
    ValueObject o;
    o.Set("document_id", r.document_id);
    o.Set("collection_id", r.collection_id);
    o.Set("score", r.score);
    results.emplace_back(std::move(o));
  }
  ValueArray stages;
  for (const auto& s : e.stages) {
    ValueObject o;
    o.Set("stage_name", s.stage_name);
    o.Set("input_count", s.input_count);
    o.Set("output_count", s.output_count);
    o.Set("duration_ms", s.duration_ms);
    stages.emplace_back(std::move(o));
  }
  ValueObject o;
  o.Set("execution_id", e.execution_id);
  o.Set("retriever_id", e.retriever_id);
  o.Set("status", e.status);
  o.Set("inputs", e.inputs);
  o.Set("results", Value(std::move(results)));
  o.Set("stages", Value(std::move(stages)));
  o.Set("total_processed", e.total_processed);
  o.Set("latency_ms", e.latency_ms);
  o.Set("error", Opt(e.error));
  o.Set("created_at", e.created_at);
  o.Set("completed_at", e.completed_at);
  return EncodeValueBlob(Value(std::move(o)));
}

bool DecodeRetrieverExecutionRecord(std::string_view bytes, model::RetrieverExecution* e) {
  Value v;
  if (!DecodeValueBlob(bytes, &v) || !v.is_object()) return false;
  e->execution_id = Str(v, "execution_id");
  e->retriever_id = Str(v, "retriever_id");
  e->status = Str(v, "status");
  e->inputs = Or(v.Get("inputs"));
  if (const Value* results = v.Get("results"); results != nullptr && results->is_array()) {
    for (const auto& r : results->as_array()) {
      e->results.push_back({Str(r, "document_id"), Str(r, "collection_id"), Num(r, "score")});
    }
  }
  if (const Value* stages = v.Get("stages"); stages != nullptr && stages->is_array()) {
    for (const auto& s : stages->as_array()) {
      e->stages.push_back({Str(s, "stage_name"), Int(s, "input_count"), Int(s, "output_count"),
                           Num(s, "duration_ms")});
    }
  }
  e->total_processed = Int(v, "total_processed");
  e->latency_ms = Num(v, "latency_ms");
  e->error = OptOf(v.Get("error"));
  e->created_at = Int(v, "created_at");
  e->completed_at = Int(v, "completed_at");
  return true;
}

std::string EncodeInteractionRecord(const model::Interaction& i) {
  ValueObject o;
  o.Set("interaction_id", i.interaction_id);
  o.Set("feature_id", i.feature_id);
  o.Set("interaction_type", Strings(i.interaction_type));
  o.Set("position", i.position);
  o.Set("metadata", i.metadata);
  o.Set("user_id", Opt(i.user_id));
  o.Set("session_id", Opt(i.session_id));
  o.Set("execution_id", Opt(i.execution_id));
  o.Set("retriever_id", Opt(i.retriever_id));
  o.Set("query_snapshot", i.query_snapshot);
  o.Set("document_score", i.document_score ? Value(*i.document_score) : Value());
  o.Set("result_set_size", i.result_set_size ? Value(*i.result_set_size) : Value());
  o.Set("created_at", i.created_at);
  return EncodeValueBlob(Value(std::move(o)));
}

bool DecodeInteractionRecord(std::string_view bytes, model::Interaction* i) {
  Value v;
  if (!DecodeValueBlob(bytes, &v) || !v.is_object()) return false;
  i->interaction_id = Str(v, "interaction_id");
  i->feature_id = Str(v, "feature_id");
  i->interaction_type = ToStrings(v.Get("interaction_type"));
  i->position = Int(v, "position");
  i->metadata = Or(v.Get("metadata"));
  i->user_id = OptOf(v.Get("user_id"));
  i->session_id = OptOf(v.Get("session_id"));
  i->execution_id = OptOf(v.Get("execution_id"));
  i->retriever_id = OptOf(v.Get("retriever_id"));
  i->query_snapshot = Or(v.Get("query_snapshot"));
  if (const Value* s = v.Get("document_score"); s != nullptr && s->is_number()) {
    i->document_score = s->as_double();
  }
  if (const Value* n = v.Get("result_set_size"); n != nullptr && n->is_int()) {
    i->result_set_size = n->as_int();
  }
  i->created_at = Int(v, "created_at");
  return true;
}

}  // namespace ferry::storage::records
