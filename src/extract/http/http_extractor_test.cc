#include "extract/http/http_extractor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <deque>
#include <mutex>
#include <thread>

namespace ferry::extract::http {
namespace {

using std::chrono::milliseconds;

// Replies from a script (then a default), recording every request.
class ScriptedTransport final : public Transport {
 public:
  Result<PostReply> Post(const PostRequest& request) const override {
    // A slow server (the time it takes is what the extractor measures).
    if (answer_delay.count() > 0) std::this_thread::sleep_for(answer_delay);
    std::lock_guard<std::mutex> lock(mu_);
    requests.push_back(request);
    if (!reject_marker.empty() && request.body.find(reject_marker) != std::string::npos) {
      return PostReply{400, "{\"error\":{\"message\":\"input too long\"}}", std::nullopt};
    }
    if (script.empty()) return Answer(request);
    auto next = script.front();
    script.pop_front();
    if (!next.ok()) return next.status();
    return next->status == 0 ? Answer(request) : next;
  }

  // A valid answer: input i gets the vector (i+1, 1, 0, ...).
  static PostReply Answer(const PostRequest& request) {
    size_t n = 0;
    for (size_t pos = request.body.find("\"input\":["); pos < request.body.size(); ++pos) {
      if (request.body[pos] == '"' && request.body[pos - 1] != '\\') ++n;
      if (request.body[pos] == ']') break;
    }
    n = (n - 2) / 2;  // quotes of the "input" key, then two per string
    std::string data;
    for (size_t i = 0; i < n; ++i) {
      if (i) data += ",";
      data += "{\"index\":" + std::to_string(i) + ",\"embedding\":[" + std::to_string(i + 1) +
              ",1,0,0]}";
    }
    return PostReply{200, "{\"data\":[" + data + "]}", std::nullopt};
  }

  mutable std::mutex mu_;
  mutable std::deque<Result<PostReply>> script;
  mutable std::vector<PostRequest> requests;
  std::string reject_marker;  // requests containing it get 400
  milliseconds answer_delay{0};
};

HttpExtractorConfig Config() {
  HttpExtractorConfig c;
  c.name = "remote";
  c.version = "v3";
  c.base_url = "http://embed.test/v1/";
  c.model = "m";
  c.dimensions = 4;
  c.batch_size = 3;
  c.max_retries = 2;
  c.backoff_initial_ms = 100;
  c.backoff_max_ms = 1000;
  return c;
}

struct Fixture {
  std::shared_ptr<ScriptedTransport> transport = std::make_shared<ScriptedTransport>();
  std::vector<milliseconds> sleeps;
  HttpEmbeddingExtractor Make(HttpExtractorConfig c = Config(), std::string key = "sk-KEY") {
    return HttpEmbeddingExtractor(
        std::move(c), std::move(key), transport, [this](milliseconds d) { sleeps.push_back(d); },
        [] { return 0.0; });
  }
};

std::vector<ExtractorInput> Texts(int n) {
  std::vector<ExtractorInput> in(n);
  for (int i = 0; i < n; ++i) in[i].text = "text " + std::to_string(i);
  return in;
}

TEST(HttpExtractorTest, InfoNamesTheConfiguredExtractor) {
  Fixture f;
  auto fx = f.Make();
  EXPECT_EQ(fx.info().feature_uri(), "mixpeek://remote@v3/embedding");
  EXPECT_EQ(fx.info().dimensions, 4);
  EXPECT_EQ(fx.info().input_type, "text");
  EXPECT_EQ(fx.max_batch_size(), 3u);
  EXPECT_TRUE(fx.ValidateParameters(model::Value()).ok());
  model::ValueObject unknown;
  unknown.Set("x", static_cast<int64_t>(1));
  EXPECT_FALSE(fx.ValidateParameters(model::Value(std::move(unknown))).ok());
}

TEST(HttpExtractorTest, BatchesInputsAndSendsTheKeyOnlyAsBearer) {
  Fixture f;
  auto fx = f.Make();
  auto out = fx.ExtractBatch(Texts(7), model::Value());
  ASSERT_EQ(out.size(), 7u);
  ASSERT_EQ(f.transport->requests.size(), 3u);  // 3 + 3 + 1
  for (const auto& r : f.transport->requests) {
    EXPECT_EQ(r.url, "http://embed.test/v1/embeddings");
    EXPECT_EQ(r.authorization, "Bearer sk-KEY");
    EXPECT_EQ(r.body.find("sk-KEY"), std::string::npos);
  }
  EXPECT_NE(f.transport->requests[2].body.find("\"input\":[\"text 6\"]"), std::string::npos);
  // Input 4 is the second of its request: vector (2,1,0,0), normalised.
  ASSERT_TRUE(out[4].ok());
  const auto& v = (*out[4])[0].embedding;
  EXPECT_NEAR(v[0], 2 / std::sqrt(5.0), 1e-6);
  EXPECT_NEAR(v[1], 1 / std::sqrt(5.0), 1e-6);
  EXPECT_EQ((*out[4])[0].fields.Get("text")->as_string(), "text 4");
}

TEST(HttpExtractorTest, NoKeyMeansNoAuthorizationHeader) {
  Fixture f;
  auto fx = f.Make(Config(), "");
  ASSERT_TRUE(fx.Extract(Texts(1)[0], model::Value()).ok());
  EXPECT_EQ(f.transport->requests[0].authorization, "");
}

TEST(HttpExtractorTest, EmptyTextFailsOnlyItsItemWithoutARequest) {
  Fixture f;
  auto fx = f.Make();
  auto in = Texts(2);
  in[0].text = "";
  auto out = fx.ExtractBatch(in, model::Value());
  EXPECT_EQ(out[0].status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(out[1].ok());
  EXPECT_EQ(f.transport->requests.size(), 1u);
}

TEST(HttpExtractorTest, RetriesTooManyRequestsServerErrorsAndTimeoutsWithBackoff) {
  Fixture f;
  f.transport->script = {PostReply{429, "{}", milliseconds(700)}, PostReply{503, "", {}},
                         Status::DeadlineExceeded("timed out"), PostReply{}};
  auto c = Config();
  c.max_retries = 3;
  auto fx = f.Make(c);
  auto out = fx.Extract(Texts(1)[0], model::Value());
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(f.transport->requests.size(), 4u);
  // unit 0 → half the base: 50, 100, 200 ms; Retry-After 700 ms wins on the first.
  EXPECT_EQ(f.sleeps,
            (std::vector<milliseconds>{milliseconds(700), milliseconds(100), milliseconds(200)}));
}

TEST(HttpExtractorTest, GivesUpAfterMaxRetries) {
  Fixture f;
  for (int i = 0; i < 5; ++i)
    f.transport->script.push_back(PostReply{500, "{\"error\":\"boom\"}", {}});
  auto fx = f.Make();
  auto out = fx.Extract(Texts(1)[0], model::Value());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(out.status().message().find("HTTP 500: boom"), std::string::npos);
  EXPECT_NE(out.status().message().find("after 3 attempts"), std::string::npos);
  EXPECT_EQ(f.transport->requests.size(), 3u);
}

TEST(HttpExtractorTest, ClientErrorsAreNotRetriedAndNeverShowTheKey) {
  Fixture f;
  f.transport->script = {PostReply{400, "{\"error\":{\"message\":\"bad key sk-KEY here\"}}", {}},
                         PostReply{401, "{\"error\":{\"message\":\"Incorrect key sk-KEY\"}}", {}},
                         Status::Unavailable("could not reach sk-KEY"), PostReply{}};
  auto c = Config();
  c.max_retries = 0;
  auto fx = f.Make(c);
  auto bad = fx.Extract(Texts(1)[0], model::Value());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "embedding server answered HTTP 400: bad key *** here");
  auto refused = fx.Extract(Texts(1)[0], model::Value());
  EXPECT_EQ(refused.status().message(),
            "embedding server answered HTTP 401: the API key was refused");
  auto down = fx.Extract(Texts(1)[0], model::Value());
  EXPECT_EQ(down.status().message().find("sk-KEY"), std::string::npos);
  EXPECT_EQ(f.transport->requests.size(), 3u);
}

TEST(HttpExtractorTest, ARejectedBatchIsRetriedOnePerInputSoOnlyTheBadOneFails) {
  Fixture f;
  f.transport->reject_marker = "text 1";
  auto fx = f.Make();
  auto out = fx.ExtractBatch(Texts(3), model::Value());
  EXPECT_TRUE(out[0].ok());
  EXPECT_EQ(out[1].status().message(), "embedding server answered HTTP 400: input too long");
  EXPECT_TRUE(out[2].ok());
  EXPECT_EQ(f.transport->requests.size(), 4u);  // the batch, then each input alone
  EXPECT_TRUE(f.sleeps.empty());                // a 400 is not retried as such
}

TEST(HttpExtractorTest, ARefusedKeyFailsTheBatchWithoutSplitting) {
  Fixture f;
  f.transport->script = {PostReply{401, "{}", {}}};
  auto fx = f.Make();
  auto out = fx.ExtractBatch(Texts(3), model::Value());
  for (const auto& r : out)
    EXPECT_NE(r.status().message().find("API key was refused"), std::string::npos);
  EXPECT_EQ(f.transport->requests.size(), 1u);
}

TEST(HttpExtractorTest, MalformedAnswersFailTheirItems) {
  Fixture f;
  f.transport->script = {PostReply{200, "{\"data\":[{\"index\":0,\"embedding\":[1,2]}]}", {}},
                         PostReply{200, "{\"data\":[{\"index\":0,\"embedding\":[0,0,0,0]}]}", {}}};
  auto fx = f.Make();
  auto wrong_dims = fx.Extract(Texts(1)[0], model::Value());
  EXPECT_NE(wrong_dims.status().message().find("expected 4"), std::string::npos);
  auto zero = fx.Extract(Texts(1)[0], model::Value());
  EXPECT_NE(zero.status().message().find("zero vector"), std::string::npos);
}

TEST(HttpExtractorTest, KnownSpeedComesFromAnsweredRequests) {
  Fixture f;
  auto fx = f.Make();
  EXPECT_EQ(fx.KnownItemsPerSecond(), 6.0);  // prior: one batch of 3 per half second
  // A request that fails is no measure of speed.
  f.transport->script = {PostReply{400, "{}", {}}};
  ASSERT_FALSE(fx.Extract(Texts(1)[0], model::Value()).ok());
  EXPECT_EQ(fx.KnownItemsPerSecond(), 6.0);
  // A server that takes at least 50 ms to answer one item: at most 20 items per second,
  // whatever the machine's load (a slower run only lowers the figure).
  f.transport->answer_delay = milliseconds(50);
  ASSERT_TRUE(fx.Extract(Texts(1)[0], model::Value()).ok());
  const double speed = *fx.KnownItemsPerSecond();
  EXPECT_GT(speed, 0.0);
  EXPECT_LE(speed, 20.0);
  EXPECT_NE(speed, 6.0);  // measured, no longer the prior (1e6 / whole microseconds is never 6)
}

}  // namespace
}  // namespace ferry::extract::http
