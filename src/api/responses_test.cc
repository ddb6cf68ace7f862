#include "api/responses.h"

#include <gtest/gtest.h>

namespace ferry::api {
namespace {

TEST(ResponsesTest, StatusCodesMapToHttp) {
  EXPECT_EQ(HttpStatusFor(StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(StatusCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusFor(StatusCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusFor(StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(StatusCode::kAlreadyExists), 409);
  // A code split out of FailedPrecondition or Aborted answers as they did.
  EXPECT_EQ(HttpStatusFor(StatusCode::kFailedPrecondition), 409);
  EXPECT_EQ(HttpStatusFor(StatusCode::kAborted), 409);
  EXPECT_EQ(HttpStatusFor(StatusCode::kCancelled), 409);
  EXPECT_EQ(HttpStatusFor(StatusCode::kLeaseLost), 409);
  EXPECT_EQ(HttpStatusFor(StatusCode::kAlreadyCompleted), 409);
  EXPECT_EQ(HttpStatusFor(StatusCode::kInternal), 500);
  EXPECT_EQ(HttpStatusFor(StatusCode::kDataLoss), 500);
}

TEST(ResponsesTest, ErrorEnvelopeShape) {
  auto r = FromStatus(Status::NotFound("bucket 'x' not found"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"success":false,"status":404,"error":{"message":"bucket 'x' not found",)"
                    R"("type":"NotFound","details":null}})");
  auto u = FromStatus(Status::Unauthenticated("no key"));
  ASSERT_EQ(u.headers.size(), 1u);
  EXPECT_EQ(u.headers[0].first, "WWW-Authenticate");
}

TEST(ResponsesTest, PausedWritesAreAConflictToRetryShortly) {
  auto r = FromStatus(Status::WritesPaused("namespace 'ns' is cutting over"));
  EXPECT_EQ(r.status, 409);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "Retry-After");
  EXPECT_EQ(r.headers[0].second, "1");
}

TEST(ResponsesTest, ValidationIssuesBecome422Detail) {
  model::ValidationIssues issues = {
      {{model::Value("body"), model::Value("blobs"), model::Value(int64_t{2})}, "bad", "x"}};
  auto r = Unprocessable(issues);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body, R"({"detail":[{"loc":["body","blobs",2],"msg":"bad","type":"x"}]})");
}

}  // namespace
}  // namespace ferry::api
