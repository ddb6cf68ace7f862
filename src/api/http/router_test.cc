#include "api/http/router.h"

#include <gtest/gtest.h>

namespace ferry::api::http {
namespace {

// Each route answers with its own name, so a test can tell which one Find chose.
RouteFn Named(std::string name) {
  return [name = std::move(name)](const HttpRequest&, const PathParams&, const Responder& respond) {
    HttpResponse response;
    response.body = name;
    respond(std::move(response));
  };
}

// Returns the name of the route Find picked, or "" when none.
std::string Picked(const Router::Match& match) {
  if (match.fn == nullptr) return "";
  std::string body;
  (*match.fn)(HttpRequest{}, PathParams{}, [&body](const HttpResponse& r) { body = r.body; });
  return body;
}

TEST(RouterTest, CapturesParams) {
  Router router;
  router.Add("GET", "/v1/buckets/{bucket_identifier}/objects/{object_identifier}", Named("object"));
  auto match = router.Find("GET", "/v1/buckets/b1/objects/o 2");
  EXPECT_EQ(Picked(match), "object");
  EXPECT_EQ(match.params, (PathParams{{"bucket_identifier", "b1"}, {"object_identifier", "o 2"}}));
}

TEST(RouterTest, MatchNamesThePatternNotThePath) {
  Router router;
  router.Add("GET", "/v1/buckets/{bucket_identifier}/objects/{object_identifier}", Named("object"));
  auto match = router.Find("GET", "/v1/buckets/b1/objects/o2/");
  ASSERT_NE(match.pattern, nullptr);
  EXPECT_EQ(*match.pattern, "/v1/buckets/{bucket_identifier}/objects/{object_identifier}");
  EXPECT_EQ(router.Find("GET", "/v1/nothing").pattern, nullptr);
  EXPECT_EQ(router.Find("POST", "/v1/buckets/b1/objects/o2").pattern, nullptr);
}

TEST(RouterTest, LiteralSegmentBeatsParam) {
  Router router;
  router.Add("GET", "/v1/collections/{collection_identifier}/extractors", Named("param"));
  router.Add("GET", "/v1/collections/features/extractors", Named("literal"));
  EXPECT_EQ(Picked(router.Find("GET", "/v1/collections/features/extractors")), "literal");
  auto match = router.Find("GET", "/v1/collections/col_1/extractors");
  EXPECT_EQ(Picked(match), "param");
  EXPECT_EQ(match.params.at("collection_identifier"), "col_1");
}

TEST(RouterTest, BacktracksFromLiteralToParam) {
  Router router;
  router.Add("GET", "/v1/collections/features/extractors", Named("literal"));
  router.Add("GET", "/v1/collections/{collection_identifier}/documents", Named("param"));
  auto match = router.Find("GET", "/v1/collections/features/documents");
  EXPECT_EQ(Picked(match), "param");
  EXPECT_EQ(match.params.at("collection_identifier"), "features");
}

TEST(RouterTest, LiteralAndParamDifferByMethod) {
  Router router;
  router.Add("POST", "/v1/buckets/list", Named("list"));
  router.Add("GET", "/v1/buckets/{bucket_identifier}", Named("get"));
  EXPECT_EQ(Picked(router.Find("POST", "/v1/buckets/list")), "list");
  EXPECT_EQ(Picked(router.Find("GET", "/v1/buckets/list")), "get");
  EXPECT_EQ(Picked(router.Find("GET", "/v1/buckets/bkt_1")), "get");
}

TEST(RouterTest, WrongMethodIsPathKnown) {
  Router router;
  router.Add("GET", "/v1/namespaces/{namespace_identifier}", Named("get"));
  auto match = router.Find("DELETE", "/v1/namespaces/ns_1");
  EXPECT_EQ(match.fn, nullptr);
  EXPECT_TRUE(match.path_known);
}

TEST(RouterTest, UnknownPathIsNotPathKnown) {
  Router router;
  router.Add("GET", "/v1/namespaces/{namespace_identifier}", Named("get"));
  for (const char* path : {"/v1/nope", "/v1/namespaces", "/v1/namespaces/a/b", "/"}) {
    auto match = router.Find("GET", path);
    EXPECT_EQ(match.fn, nullptr) << path;
    EXPECT_FALSE(match.path_known) << path;
  }
}

TEST(RouterTest, EmptySegmentNeverMatchesParam) {
  Router router;
  router.Add("GET", "/v1/buckets/{bucket_identifier}/objects", Named("objects"));
  EXPECT_EQ(router.Find("GET", "/v1/buckets//objects").fn, nullptr);
}

TEST(RouterTest, TrailingSlashIsIgnored) {
  Router router;
  router.Add("POST", "/v1/namespaces/migrations", Named("no-slash"));
  router.Add("GET", "/v1/tasks/", Named("slash"));
  EXPECT_EQ(Picked(router.Find("POST", "/v1/namespaces/migrations/")), "no-slash");
  EXPECT_EQ(Picked(router.Find("POST", "/v1/namespaces/migrations")), "no-slash");
  EXPECT_EQ(Picked(router.Find("GET", "/v1/tasks")), "slash");
  EXPECT_EQ(Picked(router.Find("GET", "/v1/tasks/")), "slash");
}

TEST(RouterTest, RootRoute) {
  Router router;
  router.Add("GET", "/", Named("root"));
  EXPECT_EQ(Picked(router.Find("GET", "/")), "root");
  EXPECT_EQ(Picked(router.Find("GET", "")), "root");
}

TEST(RouterTest, SameRouteAgainReplaces) {
  Router router;
  router.Add("GET", "/v1/health", Named("old"));
  router.Add("GET", "/v1/health", Named("new"));
  EXPECT_EQ(Picked(router.Find("GET", "/v1/health")), "new");
  EXPECT_EQ(router.Routes().size(), 1u);
}

TEST(RouterTest, RoutesListsRegistrationOrder) {
  Router router;
  router.Add("POST", "/v1/buckets", Named("a"));
  router.Add("GET", "/v1/buckets/{bucket_identifier}", Named("b"));
  router.Add("DELETE", "/v1/buckets/{bucket_identifier}", Named("c"));
  std::vector<std::pair<std::string, std::string>> expected = {
      {"POST", "/v1/buckets"},
      {"GET", "/v1/buckets/{bucket_identifier}"},
      {"DELETE", "/v1/buckets/{bucket_identifier}"}};
  EXPECT_EQ(router.Routes(), expected);
}

}  // namespace
}  // namespace ferry::api::http
