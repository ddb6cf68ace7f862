#pragma once
// ExtractorSpeedTable: each extractor's measured throughput (items per second on one
// core), used for estimated_duration_seconds. Measured once per extractor version on
// first use, over a fixed synthetic sample (texts of ~600 characters; 256×256 PNG
// images), and cached. Thread-safe.

#include <map>
#include <mutex>
#include <string>

#include "extract/extractor.h"

namespace ferry::migration {

class ExtractorSpeedTable {
 public:
  // Items per second of `fx` on one core (> 0). An extractor that knows its rate
  // (KnownItemsPerSecond, e.g. a remote model) is asked each time, never run here.
  double ItemsPerSecond(const extract::FeatureExtractor& fx);

 private:
  std::mutex mu_;
  std::map<std::string, double> cache_;  // by extractor id
};

// A deterministic width×height RGB image encoded as PNG (stored, uncompressed deflate).
std::string SyntheticPng(int width, int height);

}  // namespace ferry::migration
