#pragma once
// Internal to storage/transfer: walks a paged list to its end.

#include <cstdint>
#include <utility>
#include <vector>

#include "common/result.h"
#include "model/resources.h"

namespace ferry::storage::transfer {

inline constexpr int64_t kPageSize = 500;

// Calls sink(rows) for each page that list(page) returns, until an empty page. Stops
// only on an empty page, so a backend that caps a page below kPageSize loses nothing.
template <typename List, typename Sink>
Status ForEachPage(List list, Sink sink) {
  model::Page page{0, kPageSize};
  for (;;) {
    auto rows = list(page);
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::Ok();
    page.offset += static_cast<int64_t>(rows->size());
    FERRY_RETURN_IF_ERROR(sink(*rows));
  }
}

}  // namespace ferry::storage::transfer
