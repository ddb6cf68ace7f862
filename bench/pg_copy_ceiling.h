#pragma once
// C on PostgreSQL: what the copy's end state costs PostgreSQL itself. The source
// namespace's object rows and document rows (vectors in them), as stored, loaded by one
// INSERT … SELECT each into scratch tables shaped like the namespace's partitions (their
// columns, defaults, storage and primary key), then given the partitions' secondary
// indexes (CREATE INDEX, as the bulk load's end builds them): objects on one connection,
// documents on another, at the same time. No id mapping, no fences, no plan, no
// verification. A copy must produce these rows and indexes, so C / A is about the most
// copy / A can reach on this machine, and copy / C is the share of it the migration keeps.

#include <string>

#include "baselines.h"
#include "common/result.h"

namespace ferry::bench {

// `items`: objects + documents loaded. Uses (and drops) the scratch schema
// `ferry_bench_c` of the database of `url`. Internal on any database error.
Result<BaselineRun> RunPgCopyCeiling(const std::string& url, const std::string& ferry_schema,
                                     const std::string& namespace_id);

}  // namespace ferry::bench
