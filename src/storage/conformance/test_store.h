#pragma once
// What a backend gives the storage conformance suite: a fresh store for every test.

#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "storage/storage_engine.h"

namespace ferry::storage::testing {

// One test's store: a fresh, empty place where a backend keeps its data (a directory, a
// PostgreSQL database), removed with everything in it when this object is destroyed.
class TestStore {
 public:
  virtual ~TestStore() = default;

  // Opens an engine over the store. The suite calls it when a test starts and again, after
  // closing the previous engine, to simulate a process restart: what one engine committed,
  // the next one sees. REQUIRES: no engine opened by this store is still open.
  virtual Result<std::unique_ptr<StorageEngine>> Open() = 0;

  // How the store is addressed (a directory, a connection string). Status messages reach
  // clients and logs, so the suite checks that none contains it.
  virtual std::string location() const = 0;
};

// A backend under test: its name (the suffix of each test's name) and how to make a fresh
// store for one test.
struct BackendParam {
  std::string name;
  std::function<Result<std::unique_ptr<TestStore>>()> new_store;
};

// Opens an engine over a data directory.
using DirectoryEngineFactory =
    std::function<Result<std::unique_ptr<StorageEngine>>(const std::string& directory)>;

// A backend that keeps its data under a directory: each test gets a fresh, empty temporary
// directory, removed with its contents when the test ends.
BackendParam DirectoryBackend(std::string name, DirectoryEngineFactory open);

}  // namespace ferry::storage::testing
