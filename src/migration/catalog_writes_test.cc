#include "migration/catalog_writes.h"

#include <gtest/gtest.h>

namespace ferry::migration {
namespace {

// A write that fails with `status` `failures` times, then succeeds; counts its calls.
struct FlakyWrite {
  int failures;
  Status status;
  int calls = 0;
  Status operator()() { return ++calls <= failures ? status : Status::Ok(); }
};

TEST(RetryCatalogWriteTest, ARetryableErrorIsRetriedUntilTheWriteSucceeds) {
  FlakyWrite write{2, Status::Unavailable("busy")};
  EXPECT_TRUE(RetryCatalogWrite(std::ref(write)).ok());
  EXPECT_EQ(write.calls, 3);
}

TEST(RetryCatalogWriteTest, GivesUpAfterTheLastAttemptWithItsError) {
  FlakyWrite write{100, Status::Unavailable("busy")};
  EXPECT_EQ(RetryCatalogWrite(std::ref(write)).code(), StatusCode::kUnavailable);
  EXPECT_EQ(write.calls, kCatalogWriteAttempts);
}

TEST(RetryCatalogWriteTest, AnErrorRetryingCannotHelpIsReturnedAtOnce) {
  FlakyWrite write{1, Status::LeaseLost("stale fencing token")};
  EXPECT_EQ(RetryCatalogWrite(std::ref(write)).code(), StatusCode::kLeaseLost);
  EXPECT_EQ(write.calls, 1);
}

}  // namespace
}  // namespace ferry::migration
