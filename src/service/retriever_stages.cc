#include "service/retriever_stages.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <tuple>
#include <unordered_set>

namespace ferry::service {
namespace {

using model::Value;
using model::ValueArray;

constexpr char kFeatureSearch[] = "feature_search";
constexpr char kAttributeFilter[] = "attribute_filter";
constexpr char kSortAttribute[] = "sort_attribute";
constexpr char kLimit[] = "limit";

constexpr int64_t kDefaultTopK = 100;
constexpr int64_t kDefaultFinalTopK = 25;
// Documents read per storage call when a stage starts from whole collections.
constexpr int64_t kScanPage = 1000;

const std::vector<std::string> kOperators = {"eq", "ne",  "gt", "gte",
                                             "lt", "lte", "in", "contains"};

// ---- parameter access (validated before running) ----

class Params {
 public:
  Params(const Value& params, ValueArray loc, model::ValidationIssues* issues)
      : params_(params), loc_(std::move(loc)), issues_(issues) {}

  const Value* Get(const char* key) const { return params_.Get(key); }

  void Issue(const ValueArray& sub, std::string msg, std::string type) const {
    if (issues_ == nullptr) return;
    ValueArray loc = loc_;
    loc.insert(loc.end(), sub.begin(), sub.end());
    issues_->push_back({std::move(loc), std::move(msg), std::move(type)});
  }

  // A required string member.
  std::optional<std::string> String(const char* key) const {
    const Value* v = Get(key);
    if (v == nullptr || v->is_null()) {
      Issue({Value(key)}, "Field required", "missing");
      return std::nullopt;
    }
    if (!v->is_string()) {
      Issue({Value(key)}, "Input should be a valid string", "string_type");
      return std::nullopt;
    }
    return v->as_string();
  }

  // An optional integer in [min, max].
  int64_t Int(const char* key, int64_t fallback, int64_t min, int64_t max) const {
    const Value* v = Get(key);
    if (v == nullptr || v->is_null()) return fallback;
    if (!v->is_int() || v->as_int() < min || v->as_int() > max) {
      Issue({Value(key)},
            "Input should be an integer between " + std::to_string(min) + " and " +
                std::to_string(max),
            "int_type");
      return fallback;
    }
    return v->as_int();
  }

  // An optional string member restricted to `allowed`.
  std::string Enum(const char* key, const std::string& fallback,
                   const std::vector<std::string>& allowed) const {
    const Value* v = Get(key);
    if (v == nullptr || v->is_null()) return fallback;
    if (!v->is_string() ||
        std::find(allowed.begin(), allowed.end(), v->as_string()) == allowed.end()) {
      std::string list;
      for (const auto& a : allowed) list.append(list.empty() ? "'" : ", '").append(a).append("'");
      Issue({Value(key)}, "Input should be " + list, "enum");
      return fallback;
    }
    return v->as_string();
  }

 private:
  const Value& params_;
  ValueArray loc_;
  model::ValidationIssues* issues_;
};

// The query text of one search: {"text": …} (any input_mode spelling) or a plain string.
std::optional<std::string> QueryText(const Value& search) {
  const Value* q = search.Get("query");
  if (q == nullptr) return std::nullopt;
  if (q->is_string()) return q->as_string();
  const Value* text = q->Get("text");
  if (text != nullptr && text->is_string()) return text->as_string();
  return std::nullopt;
}

void ValidateFeatureSearch(const Params& p, const extract::ExtractorRegistry& extractors) {
  const Value* searches = p.Get("searches");
  if (searches == nullptr || !searches->is_array() || searches->as_array().empty()) {
    p.Issue({Value("searches")}, "searches must be a non-empty list", "missing");
  } else {
    for (size_t i = 0; i < searches->as_array().size(); ++i) {
      const Value& s = searches->as_array()[i];
      ValueArray at{Value("searches"), Value(static_cast<int64_t>(i))};
      Params sp(s, {}, nullptr);
      const Value* uri = s.Get("feature_uri");
      auto parsed =
          uri != nullptr && uri->is_string() ? ParseFeatureUri(uri->as_string()) : std::nullopt;
      ValueArray uri_loc = at;
      uri_loc.emplace_back("feature_uri");
      if (!parsed) {
        p.Issue(uri_loc, "feature_uri must look like mixpeek://{extractor}@{version}/{output}",
                "value_error");
      } else if (extractors.Find(parsed->extractor, parsed->version) == nullptr) {
        p.Issue(uri_loc, "unknown feature extractor " + parsed->extractor + "@" + parsed->version,
                "value_error");
      }
      if (!QueryText(s)) {
        ValueArray q = at;
        q.emplace_back("query");
        p.Issue(q, "query must be a string or {input_mode: 'text', text}", "missing");
      }
      const Value* top_k = s.Get("top_k");
      if (top_k != nullptr && !top_k->is_null() &&
          (!top_k->is_int() || top_k->as_int() < 1 || top_k->as_int() > kMaxTopK)) {
        ValueArray k = at;
        k.emplace_back("top_k");
        p.Issue(k, "top_k must be an integer between 1 and 10000", "int_type");
      }
    }
  }
  p.Int("final_top_k", kDefaultFinalTopK, 1, kMaxTopK);
  p.Enum("fusion", "max", {"max", "sum"});
}

void ValidateFilter(const Params& p) {
  p.String("field");
  std::string op = p.Enum("operator", "eq", kOperators);
  const Value* value = p.Get("value");
  if (value == nullptr) {
    p.Issue({Value("value")}, "Field required", "missing");
  } else if (op == "in" && !value->is_array()) {
    p.Issue({Value("value")}, "operator 'in' needs a list value", "list_type");
  }
}

// ---- running ----

const Value* FieldOf(const model::Document& d, const std::string& field, Value* scratch) {
  if (field == "document_id") {
    *scratch = Value(d.document_id);
    return scratch;
  }
  if (field == "collection_id") {
    *scratch = Value(d.collection_id);
    return scratch;
  }
  return d.fields.GetPath(field);
}

// <0, 0, >0 for comparable values (both numbers or both strings); nullopt otherwise.
std::optional<int> Compare(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    double x = a.as_double(), y = b.as_double();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.is_string() && b.is_string()) return a.as_string().compare(b.as_string());
  return std::nullopt;
}

bool Equal(const Value& a, const Value& b) {
  auto c = Compare(a, b);
  return c ? *c == 0 : a == b;
}

bool Matches(const Value* field, const std::string& op, const Value& value) {
  if (field == nullptr) return op == "ne";
  if (op == "eq") return Equal(*field, value);
  if (op == "ne") return !Equal(*field, value);
  if (op == "in") {
    const auto& list = value.as_array();
    return std::any_of(list.begin(), list.end(), [&](const Value& v) { return Equal(*field, v); });
  }
  if (op == "contains") {
    if (field->is_string() && value.is_string()) {
      return field->as_string().find(value.as_string()) != std::string::npos;
    }
    if (field->is_array()) {
      const auto& list = field->as_array();
      return std::any_of(list.begin(), list.end(), [&](const Value& v) { return Equal(v, value); });
    }
    return false;
  }
  auto c = Compare(*field, value);
  if (!c) return false;
  if (op == "gt") return *c > 0;
  if (op == "gte") return *c >= 0;
  if (op == "lt") return *c < 0;
  return *c <= 0;  // lte
}

std::string ParamString(const Value& params, const char* key, const char* fallback) {
  const Value* v = params.Get(key);
  return v != nullptr && v->is_string() ? v->as_string() : fallback;
}

int64_t ParamInt(const Value& params, const char* key, int64_t fallback) {
  const Value* v = params.Get(key);
  return v != nullptr && v->is_int() ? v->as_int() : fallback;
}

// The documents of the retriever's collections that `keep` accepts (all without it),
// score 0, in collection then id order, read a page at a time; at most `max` of them.
Result<std::vector<StageDocument>> ScanDocuments(
    const StageContext& ctx, const std::function<bool(const model::Document&)>& keep, size_t max) {
  std::vector<StageDocument> out;
  for (const auto& col : ctx.collection_ids) {
    storage::IdQuery query;
    query.limit = kScanPage;
    while (out.size() < max) {
      FERRY_ASSIGN_OR_RETURN(auto ids, ctx.h.store->ListDocumentIds(col, query));
      if (ids.empty()) break;
      FERRY_ASSIGN_OR_RETURN(auto docs, ctx.h.store->GetDocuments(col, ids));
      for (auto& d : docs) {
        if (out.size() < max && (!keep || keep(d))) out.push_back({std::move(d), 0.0});
      }
      query.after_id = ids.back();
    }
  }
  return out;
}

Result<std::vector<float>> EmbedQuery(const StageContext& ctx, const FeatureUri& uri,
                                      const std::string& text) {
  const extract::FeatureExtractor* fx = ctx.extractors.Find(uri.extractor, uri.version);
  if (fx == nullptr) {
    return Status::InvalidArgument("unknown feature extractor " + uri.extractor + "@" +
                                   uri.version);
  }
  extract::ExtractorInput input;
  input.text = text;
  FERRY_ASSIGN_OR_RETURN(auto docs, fx->Extract(input, fx->info().default_parameters));
  if (docs.empty()) return Status::InvalidArgument("the query text produced no embedding");
  return std::move(docs.front().embedding);
}

Result<std::vector<StageDocument>> RunFeatureSearch(
    const Value& params, const StageContext& ctx,
    const std::optional<std::vector<StageDocument>>& stream) {
  const bool sum = ParamString(params, "fusion", "max") == "sum";
  const auto final_top_k = static_cast<size_t>(ParamInt(params, "final_top_k", kDefaultFinalTopK));
  std::unordered_set<std::string> allowed;
  if (stream) {
    for (const auto& d : *stream) allowed.insert(d.doc.document_id);
  }
  index::IdFilter filter;
  if (stream) filter = [&allowed](const std::string& id) { return allowed.contains(id); };

  // document id → (collection id, fused score)
  std::map<std::string, std::pair<std::string, double>> fused;
  for (const Value& search : params.Get("searches")->as_array()) {
    auto uri = ParseFeatureUri(search.Get("feature_uri")->as_string());
    FERRY_ASSIGN_OR_RETURN(std::string text, RenderTemplate(*QueryText(search), ctx.inputs));
    FERRY_ASSIGN_OR_RETURN(std::vector<float> query, EmbedQuery(ctx, *uri, text));
    const auto top_k = static_cast<size_t>(ParamInt(search, "top_k", kDefaultTopK));
    for (const auto& col : ctx.collection_ids) {
      FERRY_ASSIGN_OR_RETURN(
          auto hits, ctx.vectors.Search(ctx.h, col, search.Get("feature_uri")->as_string(), query,
                                        top_k, filter));
      for (const auto& hit : hits) {
        auto [it, inserted] = fused.try_emplace(hit.id, col, hit.score);
        if (inserted) continue;
        it->second.second = sum ? it->second.second + hit.score
                                : std::max(it->second.second, static_cast<double>(hit.score));
      }
    }
  }
  // (document id, collection id, score), best first, ties by id.
  std::vector<std::tuple<std::string, std::string, double>> ranked;
  for (const auto& [id, entry] : fused) ranked.emplace_back(id, entry.first, entry.second);
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return std::get<2>(a) != std::get<2>(b) ? std::get<2>(a) > std::get<2>(b)
                                            : std::get<0>(a) < std::get<0>(b);
  });
  if (ranked.size() > final_top_k) ranked.resize(final_top_k);
  std::vector<StageDocument> out;
  for (const auto& [id, col, score] : ranked) {
    FERRY_ASSIGN_OR_RETURN(auto docs, ctx.h.store->GetDocuments(col, {id}));
    if (docs.empty()) continue;  // deleted since the index was built
    out.push_back({std::move(docs.front()), score});
  }
  return out;
}

// Whether a document passes an attribute_filter stage. Holds `params` by reference.
std::function<bool(const model::Document&)> FilterMatcher(const Value& params) {
  return [&params, field = ParamString(params, "field", ""),
          op = ParamString(params, "operator", "eq")](const model::Document& d) {
    Value scratch;
    return Matches(FieldOf(d, field, &scratch), op, *params.Get("value"));
  };
}

std::vector<StageDocument> RunFilter(const Value& params, std::vector<StageDocument> docs) {
  auto matches = FilterMatcher(params);
  std::vector<StageDocument> out;
  for (auto& d : docs) {
    if (matches(d.doc)) out.push_back(std::move(d));
  }
  return out;
}

std::vector<StageDocument> RunSort(const Value& params, std::vector<StageDocument> docs) {
  const std::string field = ParamString(params, "field", "");
  const bool asc = ParamString(params, "direction", "desc") == "asc";
  std::stable_sort(docs.begin(), docs.end(), [&](const StageDocument& a, const StageDocument& b) {
    Value sa, sb;
    const Value* x = FieldOf(a.doc, field, &sa);
    const Value* y = FieldOf(b.doc, field, &sb);
    if (x == nullptr || y == nullptr) return x != nullptr && y == nullptr;  // missing last
    auto c = Compare(*x, *y);
    if (!c || *c == 0) return false;
    return asc ? *c < 0 : *c > 0;
  });
  return docs;
}

std::vector<StageDocument> RunLimit(const Value& params, std::vector<StageDocument> docs) {
  const auto offset = static_cast<size_t>(ParamInt(params, "offset", 0));
  const auto limit = static_cast<size_t>(ParamInt(params, "limit", 0));
  if (offset >= docs.size()) return {};
  auto first = docs.begin() + static_cast<std::ptrdiff_t>(offset);
  auto last = first + static_cast<std::ptrdiff_t>(std::min(limit, docs.size() - offset));
  return std::vector<StageDocument>(std::make_move_iterator(first), std::make_move_iterator(last));
}

// What a filter, sort or limit stage starts from when the stream is unset: the whole
// collections, read page by page. A filter keeps only its matches (so it has run), a limit
// stops reading at offset + limit; a sort needs every document (the cost the header names).
Result<std::vector<StageDocument>> ScanForStage(const model::RetrieverStage& stage,
                                                const StageContext& ctx) {
  const Value& params = stage.parameters;
  if (stage.stage_id == kAttributeFilter) {
    return ScanDocuments(ctx, FilterMatcher(params), SIZE_MAX);
  }
  size_t max = SIZE_MAX;
  if (stage.stage_id == kLimit) {
    max = static_cast<size_t>(ParamInt(params, "offset", 0) + ParamInt(params, "limit", 0));
  }
  return ScanDocuments(ctx, nullptr, max);
}

}  // namespace

std::optional<std::string> StageTypeOf(const std::string& stage_id) {
  if (stage_id == kFeatureSearch || stage_id == kAttributeFilter || stage_id == kLimit) {
    return "filter";
  }
  if (stage_id == kSortAttribute) return "sort";
  return std::nullopt;
}

void ValidateStage(const model::RetrieverStage& stage, const ValueArray& loc,
                   const extract::ExtractorRegistry& extractors, model::ValidationIssues* issues) {
  if (!StageTypeOf(stage.stage_id)) {
    ValueArray at = loc;
    at.emplace_back("config");
    at.emplace_back("stage_id");
    issues->push_back({std::move(at),
                       "unknown stage_id '" + stage.stage_id +
                           "'; expected one of feature_search, attribute_filter, "
                           "sort_attribute, limit",
                       "value_error"});
    return;
  }
  ValueArray at = loc;
  at.emplace_back("config");
  at.emplace_back("parameters");
  static const Value kEmpty{model::ValueObject{}};
  const Value& params = stage.parameters.is_object() ? stage.parameters : kEmpty;
  Params p(params, at, issues);
  if (stage.stage_id == kFeatureSearch) {
    ValidateFeatureSearch(p, extractors);
  } else if (stage.stage_id == kAttributeFilter) {
    ValidateFilter(p);
  } else if (stage.stage_id == kSortAttribute) {
    p.String("field");
    p.Enum("direction", "desc", {"asc", "desc"});
  } else {
    if (params.Get("limit") == nullptr) p.Issue({Value("limit")}, "Field required", "missing");
    p.Int("limit", 0, 0, kMaxTopK);
    p.Int("offset", 0, 0, kMaxTopK);
  }
}

Result<std::vector<StageDocument>> RunStage(const model::RetrieverStage& stage,
                                            const StageContext& ctx,
                                            std::optional<std::vector<StageDocument>> stream) {
  if (stage.stage_id == kFeatureSearch) return RunFeatureSearch(stage.parameters, ctx, stream);
  if (!stream) {
    FERRY_ASSIGN_OR_RETURN(stream, ScanForStage(stage, ctx));
    if (stage.stage_id == kAttributeFilter) return std::move(*stream);  // filtered as read
  }
  if (stage.stage_id == kAttributeFilter) return RunFilter(stage.parameters, std::move(*stream));
  if (stage.stage_id == kSortAttribute) return RunSort(stage.parameters, std::move(*stream));
  if (stage.stage_id == kLimit) return RunLimit(stage.parameters, std::move(*stream));
  return Status::InvalidArgument("unknown stage_id '" + stage.stage_id + "'");
}

std::optional<FeatureUri> ParseFeatureUri(const std::string& uri) {
  constexpr std::string_view kScheme = "mixpeek://";
  if (uri.rfind(kScheme, 0) != 0) return std::nullopt;
  std::string rest = uri.substr(kScheme.size());
  size_t at = rest.find('@');
  size_t slash = rest.find('/', at == std::string::npos ? 0 : at);
  if (at == std::string::npos || slash == std::string::npos || at == 0 || slash == at + 1 ||
      slash + 1 == rest.size()) {
    return std::nullopt;
  }
  return FeatureUri{rest.substr(0, at), rest.substr(at + 1, slash - at - 1),
                    rest.substr(slash + 1)};
}

}  // namespace ferry::service
