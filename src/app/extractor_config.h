#pragma once
// The [extractors] part of ferryd's TOML config and the wiring of what it declares:
//   [[extractors.http]]  one HTTP embedding extractor each (extract/http/).

#include <toml++/toml.h>

#include "app/config.h"
#include "common/logging.h"
#include "extract/extractor.h"

namespace ferry::app {

// Reads the value of the top-level "extractors" key into config->http_extractors.
// InvalidArgument naming the entry and key, e.g. "extractors.http[0].dimensions must be
// an integer".
Status ApplyExtractorsTable(const toml::node& node, Config* config);

// Checks every HTTP extractor entry and that (name, version) pairs are unique.
Status ValidateHttpExtractors(const Config& config);

// Resolves each HTTP extractor's API key (from the environment or a file) and registers
// the extractor. FailedPrecondition when a key cannot be read; InvalidArgument when an
// entry would replace a built-in extractor. Never logs a key.
Status RegisterHttpExtractors(const Config& config, extract::ExtractorRegistry& registry,
                              const Logger& logger);

}  // namespace ferry::app
