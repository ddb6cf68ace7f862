#include "migration/catalog_writes.h"

#include <chrono>
#include <thread>

namespace ferry::migration {

Status RetryCatalogWrite(const std::function<Status()>& write) {
  Status st = write();
  for (int attempt = 1; attempt < kCatalogWriteAttempts && IsRetryable(st.code()); ++attempt) {
    // A pause before the next attempt (not a synchronization): 50 ms, 100 ms.
    std::this_thread::sleep_for(std::chrono::milliseconds(50 << (attempt - 1)));
    st = write();
  }
  return st;
}

}  // namespace ferry::migration
