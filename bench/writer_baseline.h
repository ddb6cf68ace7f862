#pragma once
// W. The store's own document writes, alone, on one thread: the documents a re_extract
// wrote (fields and vectors as stored) written again, under a write fence, one batch of
// 1000 per transaction (what the migration's document writer merges at most), into a
// fresh collection in bulk-load mode. A re_extract has a single document writer per
// target, so on any number of cores it cannot write documents faster than W: W is the
// ceiling that more extraction cores run into.

#include <string>

#include "baselines.h"
#include "common/result.h"
#include "service/service_deps.h"
#include "source_namespace.h"

namespace ferry::bench {

// Times only the fenced writes (not the reads of each page, nor the index rebuild after
// them). `from_namespace_id`: the re_extract's target.
Result<BaselineRun> RunWriterBaseline(const service::ServiceDeps& deps, SetupServices services,
                                      const service::Caller& caller,
                                      const std::string& from_namespace_id);

}  // namespace ferry::bench
