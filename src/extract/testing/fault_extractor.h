#pragma once
// Test-only extractor (never linked into ferryd; see ferryd_testing in src/app/): lets a
// black-box test make chosen items fail, and later succeed, through the real migration
// engine — a transient failure whose cause the test removes.
//
// fault_extractor@v1 and @v2 (identical, so a test can re-extract): text in, a 16-dim
// embedding of the text (the first 16 dims of text_extractor@v1, renormalized) and the
// field "text" out. A text containing the marker "[fail:NAME]" fails with
// InvalidArgument("injected failure NAME") while the file `<fault_dir>/NAME` exists; remove
// the file and the same text extracts normally. A text containing "[hold:NAME]" makes the
// call wait while `<fault_dir>/NAME` exists: a test holds a migration mid-batch.

#include <memory>
#include <string>

#include "extract/extractor.h"

namespace ferry::extract::testing {

std::unique_ptr<FeatureExtractor> NewFaultExtractor(std::string version, std::string fault_dir);

// Registers the test extractors; the fault directory comes from FERRYD_TEST_FAULT_DIR
// (unset: markers never fail).
void RegisterTestExtractors(ExtractorRegistry& registry);

}  // namespace ferry::extract::testing
