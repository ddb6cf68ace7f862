#pragma once
// BlobStore: content-addressed bytes, keyed by their SHA-256 (lowercase hex). Writing the
// same bytes twice stores them once, so copying an object copies a reference.
// Implementations are thread-safe.

#include <string>
#include <string_view>

#include "common/result.h"

namespace ferry::storage {

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  // Stores `bytes` durably (fsync before the name becomes visible); returns the hash.
  virtual Result<std::string> Put(std::string_view bytes) = 0;
  // NotFound when absent; DataLoss when the stored bytes no longer match the hash.
  virtual Result<std::string> Get(const std::string& hash) = 0;
  virtual bool Contains(const std::string& hash) = 0;
};

}  // namespace ferry::storage
