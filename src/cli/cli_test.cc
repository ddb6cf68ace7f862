// The pure parts of `ferry`: argument → request mapping, error lines, the SSE parser,
// bars/ETA/rate, the watch views, tables, exit codes and usage errors.

#include <gtest/gtest.h>

#include <sstream>

#include "cli/api_client.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/progress_view.h"
#include "cli/requests.h"
#include "cli/sse.h"
#include "cli/table.h"
#include "codec/json_value.h"
#include "http_client/testing/loopback_server.h"

namespace ferry::cli {
namespace {
namespace json = boost::json;
using http_client::Method;

json::value Parse(const std::string& text) { return *codec::ParseBody(text); }

TEST(RequestsTest, MigrationCommandsMapToTheirEndpoints) {
  ApiRequest r = StartMigration("mig_1", true);
  EXPECT_EQ(r.method, Method::kPost);
  EXPECT_EQ(r.path, "/v1/namespaces/migrations/mig_1/start");
  EXPECT_EQ(Parse(r.body), Parse(R"({"force":true})"));
  r = GetMigration("mig/../x");
  EXPECT_EQ(r.method, Method::kGet);
  EXPECT_EQ(r.path, "/v1/namespaces/migrations/mig%2F..%2Fx");
  EXPECT_EQ(MigrationEvents("mig_1").path, "/v1/namespaces/migrations/mig_1/events");
  r = ListMigrations(std::string("failed"), 50);
  EXPECT_EQ(r.path, "/v1/namespaces/migrations/list");
  EXPECT_EQ(Parse(r.body), Parse(R"({"limit":50,"status":"failed"})"));
  EXPECT_EQ(Parse(ListMigrations(std::nullopt, 5).body), Parse(R"({"limit":5})"));
  EXPECT_EQ(Parse(CancelMigration("m", std::string("why")).body), Parse(R"({"reason":"why"})"));
  EXPECT_EQ(Parse(CancelMigration("m", std::nullopt).body), Parse("{}"));
  EXPECT_EQ(DeleteMigration("m").method, Method::kDelete);
  EXPECT_EQ(ListFailedItems("m", 7).path, "/v1/namespaces/migrations/m/failed-items?limit=7");
  EXPECT_EQ(RetryMigration("m").path, "/v1/namespaces/migrations/m/retry");
  EXPECT_EQ(ListNamespaces(9).path, "/v1/namespaces/list?limit=9");
  EXPECT_EQ(GetNamespace("ns 1").path, "/v1/namespaces/ns%201");
  EXPECT_EQ(Health().path, "/healthz");
}

TEST(RequestsTest, FlagsOverrideTheConfigFile) {
  MigrationFlags flags;
  flags.type = "re_extract";
  flags.extractors = {"fake_embed@v2", "text_extractor"};
  flags.batch_size = 10;
  flags.workers = 3;
  flags.dry_run = true;
  const json::value file = Parse(R"({"config":{"migration_type":"copy","source_namespace_id":"a",
      "batch_options":{"retry_failed":true}}})");
  Result<json::object> config = BuildMigrationConfig(flags, file);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(json::value(*config), Parse(R"({"migration_type":"re_extract","source_namespace_id":"a",
      "batch_options":{"retry_failed":true,"batch_size":10,"max_workers":3},"dry_run":true,
      "feature_extractors":[{"feature_extractor_name":"fake_embed","version":"v2"},
                            {"feature_extractor_name":"text_extractor"}]})"));
  EXPECT_EQ(Parse(CreateMigration(*config, true).body).at("start_immediately"), true);
  EXPECT_EQ(ValidateMigration(*config).path, "/v1/namespaces/migrations/validate");
  EXPECT_EQ(CreateMigration(*config, false).path, "/v1/namespaces/migrations/");
}

TEST(RequestsTest, ABareConfigFileAndBadInput) {
  MigrationFlags flags;
  flags.source = "src";
  flags.target_name = "dst";
  Result<json::object> config = BuildMigrationConfig(flags, Parse(R"({"migration_type":"copy"})"));
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(json::value(*config), Parse(R"({"migration_type":"copy","source_namespace_id":"src",
      "target_namespace_name":"dst"})"));
  EXPECT_FALSE(BuildMigrationConfig(flags, Parse("[1]")).ok());
  flags.extractors = {"@v1"};
  EXPECT_EQ(BuildMigrationConfig(flags, nullptr).status().code(), StatusCode::kInvalidArgument);
}

TEST(ErrorsTest, EnvelopeDetailAndOtherBodies) {
  EXPECT_EQ(DescribeError(404, R"({"success":false,"status":404,"error":{"message":
      "Migration mig_x not found","type":"NotFoundError","details":null}})"),
            "Migration mig_x not found (NotFoundError, HTTP 404)");
  EXPECT_EQ(DescribeError(422, R"({"detail":[{"loc":["body","config","batch_options",
      "batch_size"],"msg":"Input should be less than or equal to 1000","type":"x"}]})"),
            "body.config.batch_options.batch_size: Input should be less than or equal to 1000 "
            "(validation, HTTP 422)");
  EXPECT_EQ(DescribeError(502, "<html>bad gateway</html>"), "HTTP 502");
  const std::string line = DescribeTransportError(Status::Unavailable("x"), "http://127.0.0.1:1");
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NE(line.find("cannot reach the Ferry server at http://127.0.0.1:1"), std::string::npos);
}

TEST(SseTest, EventsInPiecesCommentsIdsAndLineEndings) {
  std::vector<SseEvent> events;
  SseParser parser([&events](const SseEvent& e) { events.push_back(e); });
  const std::string stream =
      ": keep-alive\n\nid: 7\nevent: migration\ndata: {\"a\":1}\n\n"
      "data: line1\r\ndata:line2\r\n\r\n: keep-alive\nid: 9\nevent: end\ndata: {}\n\n"
      "data: unfinished";
  for (char c : stream) parser.Feed(std::string_view(&c, 1));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].id, "7");
  EXPECT_EQ(events[0].event, "migration");
  EXPECT_EQ(events[0].data, "{\"a\":1}");
  EXPECT_EQ(events[1].id, "7");
  EXPECT_EQ(events[1].event, "message");
  EXPECT_EQ(events[1].data, "line1\nline2");
  EXPECT_EQ(events[2].id, "9");
  EXPECT_EQ(events[2].event, "end");
  EXPECT_EQ(parser.comments(), 2);
}

TEST(ProgressTest, BarsEtaAndRate) {
  EXPECT_EQ(Bar(0, 10), "[----------]");
  EXPECT_EQ(Bar(50, 10), "[#####-----]");
  EXPECT_EQ(Bar(100, 4), "[####]");
  EXPECT_EQ(Bar(250, 4), "[####]");
  EXPECT_EQ(Bar(-3, 4), "[----]");
  EXPECT_EQ(FormatEta(std::nullopt), "--");
  EXPECT_EQ(FormatEta(5), "0:05");
  EXPECT_EQ(FormatEta(125), "2:05");
  EXPECT_EQ(FormatEta(3723), "1:02:03");
  EXPECT_EQ(EtaSeconds({.done = 50, .total = 100}, 10.0), 5.0);
  EXPECT_EQ(EtaSeconds({.done = 50, .total = 100}, std::nullopt), std::nullopt);
  EXPECT_EQ(EtaSeconds({.done = 90, .total = 100, .failed = 10}, std::nullopt), 0.0);
  EXPECT_EQ(EtaSeconds({.done = 0, .total = 0}, 3.0), std::nullopt);
  RateMeter rate(std::chrono::seconds(10));
  const auto t0 = RateMeter::Clock::time_point{} + std::chrono::hours(1);
  rate.Add(t0, 0);
  EXPECT_EQ(rate.PerSecond(), std::nullopt);
  rate.Add(t0 + std::chrono::seconds(2), 20);
  EXPECT_DOUBLE_EQ(*rate.PerSecond(), 10.0);
  rate.Add(t0 + std::chrono::seconds(20), 420);  // the first samples leave the window
  EXPECT_DOUBLE_EQ(*rate.PerSecond(), 400.0 / 18.0);
}

const char* const kMigration = R"({"migration_id":"mig_1","status":"in_progress",
  "config":{"migration_type":"re_extract"},"error_message":null,
  "progress":{"overall_progress_percent":42.5,"current_stage":"batch_processing",
    "stages":[
      {"stage":"namespace_setup","status":"completed","progress_percent":100,
       "items_total":0,"items_completed":0,"items_failed":0},
      {"stage":"batch_processing","status":"in_progress","progress_percent":35,
       "items_total":200,"items_completed":70,"items_failed":2}],
    "resources":[
      {"resource_id":"col_done","resource_type":"collection","status":"completed","progress_percent":100},
      {"resource_id":"col_busy","resource_type":"collection","status":"in_progress","progress_percent":35}]}})";

TEST(ProgressTest, FrameHasOverallStagesResourcesAndFailures) {
  const std::vector<std::string> frame = RenderFrame(Parse(kMigration), 10.0, 100);
  ASSERT_GE(frame.size(), 7u);
  EXPECT_EQ(frame[0], "mig_1  re_extract  in_progress  stage batch_processing");
  EXPECT_NE(frame[1].find("overall ["), std::string::npos);
  EXPECT_NE(frame[1].find(" 42.5%"), std::string::npos);
  EXPECT_NE(frame[1].find("10.0 items/s"), std::string::npos);
  EXPECT_NE(frame[1].find("ETA 0:13"), std::string::npos);  // 128 left at 10/s
  EXPECT_NE(frame[2].find("namespace_setup"), std::string::npos);
  EXPECT_NE(frame[3].find("batch_processing"), std::string::npos);
  EXPECT_NE(frame[3].find("70/200 failed 2"), std::string::npos);
  EXPECT_NE(frame[4].find("resources (busiest first, 2)"), std::string::npos);
  EXPECT_NE(frame[5].find("col_busy"), std::string::npos);  // in progress before completed
  EXPECT_NE(frame[6].find("col_done"), std::string::npos);
  EXPECT_EQ(frame[7], "failures: 2 item(s) (ferry migrations failed-items mig_1)");
  for (const auto& line : RenderFrame(Parse(kMigration), 10.0, 60)) EXPECT_LE(line.size(), 60u);
}

TEST(ProgressTest, RedrawMovesBackOverThePreviousFrame) {
  EXPECT_EQ(Redraw(0, {"a", "b"}), "a\nb\n");
  EXPECT_EQ(Redraw(3, {"a"}), "\x1b[3F\x1b[Ja\n");
}

TEST(ProgressTest, LineMode) {
  EXPECT_EQ(RenderLine(Parse(kMigration)),
            "mig_1 in_progress 42.5% stage=batch_processing items=70/200 failed=2");
  EXPECT_EQ(RenderLine(Parse(R"({"migration_id":"m","status":"failed","error_message":"boom"})")),
            "m failed 0.0% items=0/0 failed=0 error=boom");
}

TEST(TableTest, AlignedColumns) {
  EXPECT_EQ(FormatTable({"ID", "NAME"}, {{"a", "x"}, {"long-id", "y"}}),
            "ID       NAME\na        x\nlong-id  y\n");
  const std::string list =
      MigrationsTable(Parse(std::string(R"({"total":3,"results":[)") + kMigration + "]}"));
  EXPECT_EQ(list.substr(0, list.find('\n')), "ID     TYPE        STATUS       PROGRESS  CREATED");
  EXPECT_NE(list.find("mig_1  re_extract  in_progress  42.5%"), std::string::npos);
  EXPECT_NE(list.find("1 of 3 migration(s)"), std::string::npos);
  const std::string object = ObjectLines(Parse(R"({"migration_id":"m","validation_result":
      {"valid":false,"errors":[{"loc":["config","source_namespace_id"],"msg":"not found"}],
       "warnings":[]}})"));
  EXPECT_NE(object.find("migration_id: m\n"), std::string::npos);
  EXPECT_NE(object.find("valid: no\n"), std::string::npos);
  EXPECT_NE(object.find("error: config.source_namespace_id: not found\n"), std::string::npos);
}

TEST(ExitCodesTest, TerminalStatuses) {
  EXPECT_EQ(ExitCodeForStatus("completed"), 0);
  EXPECT_EQ(ExitCodeForStatus("failed"), 1);
  EXPECT_EQ(ExitCodeForStatus("cancelled"), 2);
  EXPECT_EQ(ExitCodeForStatus("in_progress"), -1);
}

class RunCliTest : public ::testing::Test {
 protected:
  int Run(std::vector<const char*> argv) {
    argv.insert(argv.begin(), "ferry");
    CliEnv env{.http = http_,
               .terminal = {},
               .catch_interrupts = [] { return std::function<bool()>([] { return false; }); },
               .out = out_,
               .err = err_};
    return RunCli(static_cast<int>(argv.size()), argv.data(), env);
  }
  http_client::CurlGlobal curl_;
  http_client::HttpClient http_{http_client::ClientOptions{}};
  std::ostringstream out_, err_;
};

TEST_F(RunCliTest, BadFlagsAreUsageErrors) {
  EXPECT_EQ(Run({"migrations", "get", "--bogus", "x"}), kExitUsage);
  EXPECT_NE(err_.str().find("Usage:"), std::string::npos) << err_.str();
  EXPECT_EQ(Run({"--output", "yaml", "health"}), kExitUsage);
  EXPECT_EQ(Run({}), kExitUsage);
  EXPECT_EQ(Run({"migrations", "start"}), kExitUsage);  // no ID
  EXPECT_EQ(Run({"migrations", "create", "-f", "/nonexistent/ferry.json"}), kExitUsage);
  EXPECT_EQ(Run({"--help"}), kExitOk);
  EXPECT_NE(out_.str().find("Exit codes:"), std::string::npos);
}

TEST_F(RunCliTest, ServerErrorPrintsItsMessageAndTypeAndSendsTheKeyAsBearer) {
  http_client::testing::LoopbackServer server(http_client::testing::CannedResponse{
      .status = 404,
      .body = R"({"success":false,"status":404,"error":{"message":"Migration mig_x not found",)"
              R"("type":"NotFoundError","details":null}})"});
  const std::string url = server.Url("");
  EXPECT_EQ(Run({"--url", url.c_str(), "--api-key", "sk_secret", "-n", "ns1", "migrations", "get",
                 "mig_x"}),
            kExitHttpError);
  server.Join();
  EXPECT_EQ(err_.str(), "error: Migration mig_x not found (NotFoundError, HTTP 404)\n");
  EXPECT_NE(server.request().find("Authorization: Bearer sk_secret\r\n"), std::string::npos);
  EXPECT_NE(server.request().find("X-Namespace: ns1\r\n"), std::string::npos);
  EXPECT_EQ(server.request().rfind("GET /v1/namespaces/migrations/mig_x HTTP", 0), 0u);
}

TEST_F(RunCliTest, UnreachableServerIsOneLineWithoutTheKey) {
  int port = 0;
  {
    http_client::testing::LoopbackServer closed(200);
    port = closed.port();
  }
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  EXPECT_EQ(Run({"--url", url.c_str(), "--api-key", "sk_secret", "health"}), kExitUnreachable);
  EXPECT_EQ(err_.str(), "error: cannot reach the Ferry server at " + url +
                            " (is ferryd running? --url / FERRY_URL)\n");
}

}  // namespace
}  // namespace ferry::cli
