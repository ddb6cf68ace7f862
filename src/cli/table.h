#pragma once
// Table output of `ferry` (the default; --output json prints the server's JSON instead):
// aligned columns for lists and "key: value" lines for one object. Pure.

#include <boost/json.hpp>
#include <string>
#include <vector>

namespace ferry::cli {

// Columns padded to their widest cell, separated by two spaces; the header first.
std::string FormatTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows);

// POST /v1/namespaces/migrations/list: ID, TYPE, STATUS, PROGRESS, CREATED.
std::string MigrationsTable(const boost::json::value& list);
// POST /v1/namespaces/list: ID, NAME, EXTRACTORS, DOCUMENTS, CREATED.
std::string NamespacesTable(const boost::json::value& list);
// GET .../failed-items: ID, RESOURCE, TYPE, BATCH, ATTEMPTS, STATUS, ERROR.
std::string FailedItemsTable(const boost::json::value& list);

// One object: its scalar members as "key: value" lines (nested values summarised), then
// validation errors and warnings when it carries a validation_result.
std::string ObjectLines(const boost::json::value& object);
// GET /v1/namespaces/migrations/{id}: ObjectLines plus the stages and resources view.
std::string MigrationDetail(const boost::json::value& migration);

}  // namespace ferry::cli
