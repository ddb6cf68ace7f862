#include "migration/live_state.h"

namespace ferry::migration {

namespace {

int64_t Int(const model::Value* v, int64_t otherwise = 0) {
  return v != nullptr && v->is_int() ? v->as_int() : otherwise;
}

std::optional<int64_t> OptInt(const model::Value* v) {
  if (v != nullptr && v->is_int()) return v->as_int();
  return std::nullopt;
}

std::string Str(const model::Value* v) {
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

ApplyCounts ReadCounts(const model::Value* v) {
  ApplyCounts c;
  if (v == nullptr || !v->is_object()) return c;
  c.objects_upserted = Int(v->Get("objects_upserted"));
  c.objects_deleted = Int(v->Get("objects_deleted"));
  c.objects_skipped = Int(v->Get("objects_skipped"));
  c.documents_upserted = Int(v->Get("documents_upserted"));
  c.documents_deleted = Int(v->Get("documents_deleted"));
  c.documents_skipped = Int(v->Get("documents_skipped"));
  c.objects_rederived = Int(v->Get("objects_rederived"));
  c.items = Int(v->Get("items"));
  return c;
}

model::Value CountsValue(const ApplyCounts& c) {
  model::ValueObject o;
  o.Set("items", c.items);
  o.Set("objects_upserted", c.objects_upserted);
  o.Set("objects_deleted", c.objects_deleted);
  o.Set("objects_skipped", c.objects_skipped);
  o.Set("objects_rederived", c.objects_rederived);
  o.Set("documents_upserted", c.documents_upserted);
  o.Set("documents_deleted", c.documents_deleted);
  o.Set("documents_skipped", c.documents_skipped);
  return model::Value(std::move(o));
}

template <typename T>
model::Value Opt(const std::optional<T>& v) {
  return v ? model::Value(*v) : model::Value();
}

// Timestamps are ISO-8601 UTC strings, as everywhere in the API.
model::Value Time(const std::optional<TimestampMs>& t) {
  return t ? model::Value(FormatIso8601(*t)) : model::Value();
}

std::optional<TimestampMs> ReadTime(const model::Value* v) {
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return ParseIso8601(v->as_string());
}

}  // namespace

std::string TargetNamespaceOf(const model::Migration& m) {
  return Str(m.additional_data.Get("target_namespace_id"));
}

LiveState ReadLiveState(const model::Migration& m) {
  LiveState s;
  const model::Value* live = m.additional_data.Get("live");
  if (live == nullptr || !live->is_object()) return s;
  s.source_seq_at_start = Int(live->Get("source_seq_at_start"));
  s.applied_seq = OptInt(live->Get("applied_seq"));
  const model::Value* following = live->Get("following");
  s.following = following != nullptr && following->is_bool() && following->as_bool();
  if (const model::Value* lag = live->Get("lag"); lag != nullptr && lag->is_object()) {
    s.lag_sequences = Int(lag->Get("sequences"));
    s.lag_items = Int(lag->Get("items"));
  }
  s.last_synced_at = ReadTime(live->Get("last_synced_at"));
  s.sync_passes = Int(live->Get("sync_passes"));
  s.synced = ReadCounts(live->Get("synced"));
  if (const model::Value* e = live->Get("last_error"); e != nullptr && e->is_string()) {
    s.last_error = e->as_string();
  }
  s.operation = Str(live->Get("operation"));
  s.owner = Str(live->Get("owner"));
  s.source_name = Str(live->Get("source_name"));
  s.target_name = Str(live->Get("target_name"));
  s.source_renamed_to = Str(live->Get("source_renamed_to"));
  s.cutover_at = ReadTime(live->Get("cutover_at"));
  s.cutover_pause_ms = Int(live->Get("cutover_pause_ms"));
  s.target_seq_at_cutover = Int(live->Get("target_seq_at_cutover"));
  s.rolled_back_at = ReadTime(live->Get("rolled_back_at"));
  s.rollback_pause_ms = Int(live->Get("rollback_pause_ms"));
  s.rolled_back = ReadCounts(live->Get("rolled_back"));
  return s;
}

void WriteLiveState(model::Migration& m, const LiveState& s) {
  model::ValueObject data =
      m.additional_data.is_object() ? m.additional_data.as_object() : model::ValueObject{};
  model::ValueObject live;
  if (const model::Value* had = data.Find("live"); had != nullptr && had->is_object()) {
    live = had->as_object();
  }
  live.Set("source_seq_at_start", s.source_seq_at_start);
  live.Set("applied_seq", Opt(s.applied_seq));
  live.Set("following", s.following);
  model::ValueObject lag;
  lag.Set("sequences", s.lag_sequences);
  lag.Set("items", s.lag_items);
  live.Set("lag", model::Value(std::move(lag)));
  live.Set("last_synced_at", Time(s.last_synced_at));
  live.Set("sync_passes", s.sync_passes);
  live.Set("synced", CountsValue(s.synced));
  live.Set("last_error", Opt(s.last_error));
  live.Set("operation", s.operation.empty() ? model::Value() : model::Value(s.operation));
  live.Set("owner", s.owner.empty() ? model::Value() : model::Value(s.owner));
  live.Set("source_name", s.source_name.empty() ? model::Value() : model::Value(s.source_name));
  live.Set("target_name", s.target_name.empty() ? model::Value() : model::Value(s.target_name));
  live.Set("source_renamed_to",
           s.source_renamed_to.empty() ? model::Value() : model::Value(s.source_renamed_to));
  live.Set("cutover_at", Time(s.cutover_at));
  live.Set("cutover_pause_ms", s.cutover_pause_ms);
  live.Set("target_seq_at_cutover", s.target_seq_at_cutover);
  live.Set("rolled_back_at", Time(s.rolled_back_at));
  live.Set("rollback_pause_ms", s.rollback_pause_ms);
  live.Set("rolled_back", CountsValue(s.rolled_back));
  data.Set("live", model::Value(std::move(live)));
  m.additional_data = model::Value(std::move(data));
}

}  // namespace ferry::migration
