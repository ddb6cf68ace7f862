// Fuzzes ferryd's TOML configuration (app/config): toml++ parsing, every key's
// conversion (ApplyTomlString, the in-memory twin of ApplyTomlFile), the
// [[extractors.http]] tables, then Config::Validate and, for a valid config, the
// listen address split.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "app/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ferry::app::Config config;
  if (!ferry::app::ApplyTomlString(text, &config).ok()) return 0;
  if (!config.Validate().ok()) return 0;
  // Validate's promise: host() and port() are defined (port() would throw otherwise).
  if (config.host().size() >= config.listen.size()) std::abort();
  (void)config.port();
  return 0;
}
