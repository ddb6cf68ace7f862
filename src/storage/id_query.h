#pragma once
// IdQuery: a keyset page of item ids (objects of a bucket, documents of a collection).

#include <cstdint>
#include <optional>
#include <string>

#include "common/clock.h"

namespace ferry::storage {

// A keyset page of ids: ids greater than `after_id`, ascending, at most `limit`,
// optionally only rows with created_at in [created_after, created_before).
struct IdQuery {
  std::string after_id;  // "" = from the start
  int64_t limit = 1000;
  std::optional<TimestampMs> created_after;
  std::optional<TimestampMs> created_before;
};

}  // namespace ferry::storage
