#include <algorithm>

#include "extract/extractor.h"
#include "extract/image_extractor.h"
#include "extract/text_extractor.h"

namespace ferry::extract {
namespace {

// "v2" < "v10": versions of the form v<digits> compare by number, others as strings.
bool VersionLess(const std::string& a, const std::string& b) {
  auto numeric = [](const std::string& v) {
    return v.size() > 1 && v[0] == 'v' &&
           std::all_of(v.begin() + 1, v.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (numeric(a) && numeric(b) && a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

bool InfoLess(const FeatureExtractor* a, const FeatureExtractor* b) {
  if (a->info().name != b->info().name) return a->info().name < b->info().name;
  return VersionLess(a->info().version, b->info().version);
}

}  // namespace

std::unique_ptr<ExtractorRegistry> ExtractorRegistry::CreateBuiltin(
    const BuiltinExtractorOptions& options) {
  auto registry = std::make_unique<ExtractorRegistry>();
  registry->Register(NewTextExtractorV1());
  registry->Register(NewTextExtractorV2());
  registry->Register(NewImageExtractorV1(options.max_image_pixels));
  registry->Register(NewImageExtractorV2(options.max_image_pixels));
  return registry;
}

// A later registration of the same (name, version) replaces the earlier one.
void ExtractorRegistry::Register(std::unique_ptr<FeatureExtractor> extractor) {
  for (auto& existing : extractors_) {
    if (existing->info().name == extractor->info().name &&
        existing->info().version == extractor->info().version) {
      existing = std::move(extractor);
      return;
    }
  }
  extractors_.push_back(std::move(extractor));
}

const FeatureExtractor* ExtractorRegistry::Find(const std::string& name,
                                                const std::string& version) const {
  for (const auto& e : extractors_) {
    if (e->info().name == name && e->info().version == version) return e.get();
  }
  return nullptr;
}

bool ExtractorRegistry::HasName(const std::string& name) const {
  return std::any_of(extractors_.begin(), extractors_.end(),
                     [&](const auto& e) { return e->info().name == name; });
}

std::vector<std::string> ExtractorRegistry::Versions(const std::string& name) const {
  std::vector<std::string> versions;
  for (const auto& e : extractors_) {
    if (e->info().name == name) versions.push_back(e->info().version);
  }
  std::sort(versions.begin(), versions.end(), VersionLess);
  return versions;
}

std::vector<const FeatureExtractor*> ExtractorRegistry::List() const {
  std::vector<const FeatureExtractor*> all;
  for (const auto& e : extractors_) all.push_back(e.get());
  std::sort(all.begin(), all.end(), InfoLess);
  return all;
}

}  // namespace ferry::extract
