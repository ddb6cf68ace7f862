#pragma once
// Daemon: builds ferryd's object graph from a Config (storage → extractors → services →
// batch runner → HTTP), runs until SIGTERM/SIGINT, then shuts down in reverse order:
// stop accepting and drain in-flight requests, pause batches at a chunk boundary, close
// storage cleanly.

#include "app/config.h"
#include "common/status.h"

namespace ferry::extract {
class ExtractorRegistry;
}  // namespace ferry::extract

namespace ferry::app {

// Adds extractors to the built-in registry (test builds only: ferryd_testing).
using ExtractorSetup = void (*)(extract::ExtractorRegistry& registry);

// Runs the server. Returns when a termination signal arrived and shutdown finished.
// REQUIRES: SIGTERM and SIGINT are blocked in the calling thread (see BlockSignals),
// so every thread started here inherits the mask and the signal is taken by sigwait.
Status RunDaemon(const Config& config, ExtractorSetup extra_extractors = nullptr);

// Blocks SIGTERM and SIGINT in the calling thread.
void BlockSignals();

// `ferryd keys create`: creates organization `org` if needed, prints a new API key.
Status CreateKeyCommand(const Config& config, const std::string& org);

}  // namespace ferry::app
