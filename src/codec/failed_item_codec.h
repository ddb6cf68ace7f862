#pragma once
// JSON of the failed-items and retry endpoints (Ferry extensions; schemas
// FerryMigrationFailedItem, FerryListFailedItemsResponse, FerryRetryMigrationResponse in
// tools/gen_openapi.py).

#include <boost/json.hpp>
#include <vector>

#include "model/migration.h"
#include "model/migration_work.h"

namespace ferry::codec {

boost::json::object EncodeFailedItem(const model::MigrationFailedItem& item);
boost::json::object EncodeListFailedItemsResponse(
    const std::vector<model::MigrationFailedItem>& items, int64_t total, const model::Page& page);
boost::json::object EncodeRetryMigrationResponse(const model::Migration& m, int64_t items,
                                                 const std::string& message);

}  // namespace ferry::codec
