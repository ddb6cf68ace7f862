#include "cli/table.h"

#include <algorithm>
#include <cstdio>

#include "cli/json_access.h"
#include "cli/progress_view.h"

namespace ferry::cli {
namespace json = boost::json;

namespace {

std::string Scalar(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_null()) return "-";
  if (v.is_array() || v.is_object()) {
    std::string out(1, '(');
    out += std::to_string(v.is_array() ? v.as_array().size() : v.as_object().size());
    out += v.is_array() ? " items)" : " fields)";
    return out;
  }
  return json::serialize(v);
}

std::string PercentCell(double p) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%.1f%%", std::clamp(p, 0.0, 100.0));
  return buf;
}

void AddIssues(const json::value& result, const char* key, std::string* out) {
  for (const auto& issue : Arr(result, key)) {
    std::string loc;
    for (const auto& part : Arr(issue, "loc")) {
      if (!loc.empty()) loc += '.';
      loc += Scalar(part);
    }
    *out += std::string(key).substr(0, std::string(key).size() - 1) + ": " +
            (loc.empty() ? "" : loc + ": ") + Str(issue, "msg") + "\n";
  }
}

}  // namespace

std::string FormatTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths(header.size(), 0);
  auto measure = [&widths](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  };
  measure(header);
  for (const auto& row : rows) measure(row);
  auto line = [&widths](const std::vector<std::string>& row) {
    std::string out;
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      out += row[i];
      if (i + 1 < row.size()) out += std::string(widths[i] - row[i].size() + 2, ' ');
    }
    return out + "\n";
  };
  std::string out = line(header);
  for (const auto& row : rows) out += line(row);
  return out;
}

std::string MigrationsTable(const json::value& list) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& m : Arr(list, "results")) {
    rows.push_back({Str(m, "migration_id"), Str(Member(m, "config"), "migration_type"),
                    Str(m, "status"),
                    PercentCell(Num(Member(m, "progress"), "overall_progress_percent")),
                    Str(m, "created_at")});
  }
  return FormatTable({"ID", "TYPE", "STATUS", "PROGRESS", "CREATED"}, rows) +
         std::to_string(rows.size()) + " of " + std::to_string(Int(list, "total")) +
         " migration(s)\n";
}

std::string NamespacesTable(const json::value& list) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& ns : Arr(list, "results")) {
    std::string extractors;
    for (const auto& e : Arr(ns, "feature_extractors")) {
      if (!extractors.empty()) extractors += ',';
      extractors += Str(e, "feature_extractor_name");
      extractors += '@';
      extractors += Str(e, "version");
    }
    rows.push_back({Str(ns, "namespace_id"), Str(ns, "namespace_name"), extractors,
                    std::to_string(Int(ns, "document_count")), Str(ns, "created_at")});
  }
  return FormatTable({"ID", "NAME", "EXTRACTORS", "DOCUMENTS", "CREATED"}, rows);
}

std::string FailedItemsTable(const json::value& list) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& f : Arr(list, "results")) {
    rows.push_back({Str(f, "id"), Str(f, "resource_id"), Str(f, "resource_type"),
                    std::to_string(Int(f, "batch_no")), std::to_string(Int(f, "attempts")),
                    Str(f, "status"), Str(f, "error")});
  }
  return FormatTable({"ID", "RESOURCE", "TYPE", "BATCH", "ATTEMPTS", "STATUS", "ERROR"}, rows) +
         std::to_string(rows.size()) + " of " + std::to_string(Int(list, "total")) +
         " failed item(s)\n";
}

std::string ObjectLines(const json::value& object) {
  if (!object.is_object()) return Scalar(object) + "\n";
  std::string out;
  for (const auto& [key, value] : object.as_object()) {
    if (key == "progress" || key == "dependency_graph") continue;  // shown by the views
    out += std::string(key) + ": " + Scalar(value) + "\n";
  }
  const json::value& result = Member(object, "validation_result");
  if (result.is_object()) {
    out += std::string("valid: ") + (Member(result, "valid") == true ? "yes" : "no") + "\n";
    AddIssues(result, "errors", &out);
    AddIssues(result, "warnings", &out);
  }
  return out;
}

std::string MigrationDetail(const json::value& migration) {
  std::string out = ObjectLines(migration) + "\n";
  for (const auto& line : RenderFrame(migration, std::nullopt, 120)) out += line + "\n";
  return out;
}

}  // namespace ferry::cli
