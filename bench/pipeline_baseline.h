#pragma once
// P. A re_extract's work with no migration around it: B's extraction on every core and,
// at the same time, the store's own writes of what the re_extract writes, into a fresh
// namespace in bulk-load mode:
//  - the source bucket's objects, copied 1000 per slice by the engine's bulk copy
//    (StorageEngine::CopyItems, fenced, ids mapped, no checksums) on one thread;
//  - the re_extract's documents (fields and vectors as stored) written again 1000 per
//    fenced transaction, read page by page as W reads them, on another;
//  - the bulk load's end (index builds) once both are done.
// Nothing waits on anything: the extraction never feeds the writes, so they overlap
// perfectly, and there is no plan, lease, progress, read-back or verification. So P / B
// is about what re_extract / B could reach on this machine if the migration itself cost
// nothing — the ceiling the re_extract target is measured against.

#include <string>

#include "baselines.h"
#include "common/result.h"
#include "extract/extractor.h"
#include "service/service_deps.h"
#include "source_namespace.h"

namespace ferry::bench {

// `source`: the re_extract's source namespace (its bucket's objects are copied);
// `documents_namespace_id`: the re_extract's target (its documents are written again).
// Times everything from the first extraction to the end of the bulk load. `items` is
// the number of documents written; Internal when an extraction fails or the counts
// differ from the source's.
Result<BaselineRun> RunPipelineBaseline(const service::ServiceDeps& deps, SetupServices services,
                                        const service::Caller& caller,
                                        const extract::FeatureExtractor& fx,
                                        const SourceNamespace& source,
                                        const std::string& documents_namespace_id, int threads);

}  // namespace ferry::bench
