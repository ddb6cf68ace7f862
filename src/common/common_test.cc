#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <new>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

#include "common/clock.h"
#include "common/contain.h"
#include "common/crypto.h"
#include "common/ids.h"
#include "common/status.h"
#include "common/thread_name.h"
#include "common/thread_pool.h"
#include "common/timeout_runner.h"

namespace ferry {
namespace {

// Whether a step is retried depends only on its code: one row per code.
TEST(StatusTest, IsRetryableByCode) {
  const std::pair<StatusCode, bool> kCodes[] = {
      {StatusCode::kOk, false},
      {StatusCode::kInvalidArgument, false},
      {StatusCode::kNotFound, false},
      {StatusCode::kAlreadyExists, false},
      {StatusCode::kFailedPrecondition, false},
      {StatusCode::kAborted, true},
      {StatusCode::kCancelled, false},
      {StatusCode::kLeaseLost, false},
      {StatusCode::kAlreadyCompleted, false},
      {StatusCode::kUnavailable, true},
      {StatusCode::kDeadlineExceeded, true},
      {StatusCode::kResourceExhausted, true},
      {StatusCode::kUnauthenticated, false},
      {StatusCode::kPermissionDenied, false},
      {StatusCode::kInternal, false},
      {StatusCode::kDataLoss, false},
  };
  for (const auto& [code, retryable] : kCodes) {
    EXPECT_EQ(IsRetryable(code), retryable) << StatusCodeName(code);
  }
}

TEST(StatusTest, EveryCodeHasItsOwnName) {
  EXPECT_EQ(Status::Cancelled("stop").ToString(), "Cancelled: stop");
  EXPECT_EQ(Status::LeaseLost("stale").ToString(), "LeaseLost: stale");
  EXPECT_EQ(Status::AlreadyCompleted("done").ToString(), "AlreadyCompleted: done");
  EXPECT_EQ(Status::Aborted("race").ToString(), "Aborted: race");
}

TEST(ClockTest, FormatsUtcWithMillisAndZ) {
  EXPECT_EQ(FormatIso8601(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatIso8601(1699334716123), "2023-11-07T05:25:16.123Z");
}

TEST(ClockTest, ParseRoundTripsAndRejectsGarbage) {
  EXPECT_EQ(ParseIso8601("2023-11-07T05:25:16.123Z"), 1699334716123);
  EXPECT_EQ(ParseIso8601("2023-11-07T05:25:16Z"), 1699334716000);
  EXPECT_EQ(ParseIso8601("2023-11-07T05:25:16+00:00"), 1699334716000);
  EXPECT_FALSE(ParseIso8601("yesterday").has_value());
  EXPECT_FALSE(ParseIso8601("2023-13-07T05:25:16Z").has_value());
  EXPECT_FALSE(ParseIso8601("2023-11-07T05:25:16+02:00").has_value());
}

TEST(CryptoTest, Sha256MatchesKnownVector) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // The thread's context is reused: a second digest starts from a fresh state.
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CryptoTest, HmacMatchesRfc4231Case2) {
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(CryptoTest, AeadRoundTripsAndRejectsTampering) {
  const std::string key(kAeadKeyBytes, 'k');
  auto sealed = AeadSeal(key, "whsec_plain", "org_a");
  ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
  ASSERT_EQ(sealed->size(), kAeadNonceBytes + 11 + kAeadTagBytes);
  EXPECT_EQ(sealed->find("whsec_plain"), std::string::npos);
  auto opened = AeadOpen(key, *sealed, "org_a");
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(*opened, "whsec_plain");
  // A fresh nonce each time: the same plaintext seals differently.
  EXPECT_NE(*AeadSeal(key, "whsec_plain", "org_a"), *sealed);
  for (size_t i = 0; i < sealed->size(); ++i) {  // every byte is authenticated
    std::string altered = *sealed;
    altered[i] = static_cast<char>(altered[i] ^ 0x01);
    EXPECT_EQ(AeadOpen(key, altered, "org_a").status().code(), StatusCode::kDataLoss) << i;
  }
  EXPECT_EQ(AeadOpen(key, *sealed, "org_b").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(AeadOpen(std::string(kAeadKeyBytes, 'x'), *sealed, "org_a").status().code(),
            StatusCode::kDataLoss);
  EXPECT_EQ(AeadOpen(key, sealed->substr(0, 27), "org_a").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(AeadSeal("short", "x", "").status().code(), StatusCode::kInvalidArgument);
  auto empty = AeadSeal(key, "", "");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*AeadOpen(key, *empty, ""), "");
}

TEST(CryptoTest, RandomBytesHaveTheAskedLength) {
  auto a = RandomBytes(32);
  auto b = RandomBytes(32);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->size(), 32u);
  EXPECT_NE(*a, *b);
}

TEST(CryptoTest, Base64RoundTripAndRejects) {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    std::string back;
    ASSERT_TRUE(Base64Decode(Base64Encode(s), &back));
    EXPECT_EQ(back, s);
  }
  std::string out;
  EXPECT_FALSE(Base64Decode("a$bc", &out));
  EXPECT_FALSE(Base64Decode("abcde", &out));
  EXPECT_FALSE(Base64Decode("ab=c", &out));
}

TEST(CryptoTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
}

TEST(IdsTest, PrefixAndUniqueness) {
  std::string a = NewId("col");
  EXPECT_TRUE(HasIdPrefix(a, "col"));
  EXPECT_EQ(a.size(), 4u + 24u);
  EXPECT_NE(a, NewId("col"));
  EXPECT_FALSE(HasIdPrefix("colx", "col"));
}

// Ids made one after another are keys in order (so key-ordered scans and copies of new
// data read pages in order), and their first 12 digits are the milliseconds of creation.
TEST(IdsTest, IncreaseInCreationOrderWithTheTimeFirst) {
  const auto ms = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  const int64_t before = ms();
  std::string last = NewId("doc");
  for (int i = 0; i < 100000; ++i) {
    std::string next = NewId("doc");
    ASSERT_LT(last, next) << "at " << i;
    last = std::move(next);
  }
  const int64_t stamped = std::stoll(last.substr(4, 12), nullptr, 16);
  EXPECT_GE(stamped, before);
  EXPECT_LE(stamped, ms());
}

// Secrets (RandomHex, OpenSSL's CSPRNG): lowercase hex of the asked length, never repeated.
TEST(IdsTest, RandomHexIsUniqueAndHex) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    std::string h = RandomHex(16);
    ASSERT_EQ(h.size(), 32u);
    ASSERT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos);
    ASSERT_TRUE(seen.insert(h).second);
  }
}

TEST(ThreadPoolTest, RunsEverythingAndWaitGroupWaits) {
  ThreadPool pool(3);
  WaitGroup wg;
  std::atomic<int> sum{0};
  for (int i = 1; i <= 100; ++i) {
    wg.Add();
    pool.Submit([&, i] {
      sum += i;
      wg.Done();
    });
  }
  wg.Wait();
  EXPECT_EQ(sum.load(), 5050);
  pool.Shutdown();
  EXPECT_FALSE(pool.Submit([] {}));
}

TEST(ThreadNameTest, PoolsNameTheirThreadsAndLongNamesAreCut) {
  std::mutex mu;
  std::set<std::string> names;
  {
    ThreadPool pool(2, "ferry-test-pool");
    WaitGroup wg;
    for (int i = 0; i < 4; ++i) {
      wg.Add();
      pool.Submit([&] {
        std::lock_guard<std::mutex> lock(mu);
        names.insert(CurrentThreadName());
        wg.Done();
      });
    }
    wg.Wait();
  }
  EXPECT_EQ(names, std::set<std::string>{"ferry-test-pool"});
  TimeoutPool calls(1, std::chrono::seconds(30), "ferry-test-calls");
  auto seen = std::make_shared<std::string>();
  TimeoutPool::Batch batch = calls.Submit({[seen] { *seen = CurrentThreadName(); }});
  ASSERT_TRUE(batch.Wait(0).ok());
  EXPECT_EQ(*seen, "ferry-test-call");  // Linux keeps 15 bytes
  std::thread([seen] {
    NameCurrentThread("x");
    *seen = CurrentThreadName();
  }).join();
  EXPECT_EQ(*seen, "x");
}

TEST(TimeoutRunnerTest, ReturnsWhatFinishesInTime) {
  TimeoutRunner runner(std::chrono::seconds(30));
  int value = 0;
  ASSERT_TRUE(runner.Run([&value] { value = 42; }).ok());
  EXPECT_EQ(value, 42);
  EXPECT_EQ(runner.abandoned(), 0);
}

TEST(TimeoutRunnerTest, AbandonsAHungCallAndServesTheNextOne) {
  TimeoutRunner runner(std::chrono::milliseconds(500));
  auto release = std::make_shared<std::promise<void>>();
  std::shared_future<void> gate = release->get_future().share();
  // The hung call waits on a gate the test opens only after the timeout was reported.
  Status st = runner.Run([gate] { gate.wait(); });
  EXPECT_EQ(st.code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(runner.abandoned(), 1);
  // The next call runs on a fresh helper while the hung one is still blocked.
  auto value = std::make_shared<int>(0);
  ASSERT_TRUE(runner.Run([value] { *value = 7; }).ok());
  EXPECT_EQ(*value, 7);
  release->set_value();
}

TEST(ContainTest, TurnsAnEscapingExceptionIntoInternalNamingOnlyItsType) {
  EXPECT_TRUE(Contain(nullptr, "job", [] {}).ok());
  EXPECT_EQ(Contain(nullptr, "job", [] { return Status::NotFound("x"); }).code(),
            StatusCode::kNotFound);
  Status st = Contain(nullptr, "batch", []() -> Status {
    throw std::out_of_range("/srv/ferry/data/secret.db");  // a message is not repeated
  });
  EXPECT_EQ(st.code(), StatusCode::kInternal);
  EXPECT_EQ(st.message(), "batch failed: internal error (std::out_of_range)");
  EXPECT_EQ(Contain(nullptr, "job", [] { throw std::bad_alloc(); }).message(),
            "job failed: internal error (std::bad_alloc)");
  EXPECT_EQ(Contain(nullptr, "job", [] { throw 7; }).message(), "job failed: internal error (int)");
}

// Regression: an exception in a call reached std::terminate on the helper thread.
TEST(TimeoutRunnerTest, ACallThatThrowsIsInternalAndTheNextOneRuns) {
  TimeoutRunner runner(std::chrono::seconds(30));
  Status st = runner.Run([] { throw std::out_of_range("vector::at"); });
  EXPECT_EQ(st.code(), StatusCode::kInternal);
  EXPECT_EQ(st.message(), "call failed: internal error (std::out_of_range)");
  int value = 0;
  ASSERT_TRUE(runner.Run([&value] { value = 42; }).ok());
  EXPECT_EQ(value, 42);
  EXPECT_EQ(runner.abandoned(), 0);
}

TEST(TimeoutPoolTest, ACallThatThrowsIsInternalAndTheOthersRun) {
  TimeoutPool pool(2, std::chrono::seconds(30));
  auto out = std::make_shared<std::vector<int>>(4, 0);
  std::vector<std::function<void()>> calls;
  calls.push_back([] { throw std::bad_alloc(); });
  for (int i = 1; i < 4; ++i) calls.push_back([out, i] { (*out)[i] = i; });
  TimeoutPool::Batch batch = pool.Submit(std::move(calls));
  Status st = batch.Wait(0);
  EXPECT_EQ(st.code(), StatusCode::kInternal);
  EXPECT_EQ(st.message(), "call failed: internal error (std::bad_alloc)");
  for (size_t i = 1; i < 4; ++i) ASSERT_TRUE(batch.Wait(i).ok());
  EXPECT_EQ(*out, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(pool.abandoned(), 0);
}

TEST(TimeoutPoolTest, RunsEveryCallOfABatch) {
  TimeoutPool pool(3, std::chrono::seconds(30));
  auto out = std::make_shared<std::vector<int>>(100, 0);
  std::vector<std::function<void()>> calls;
  for (int i = 0; i < 100; ++i) calls.push_back([out, i] { (*out)[i] = i * i; });
  TimeoutPool::Batch batch = pool.Submit(std::move(calls));
  for (size_t i = 0; i < batch.size(); ++i) ASSERT_TRUE(batch.Wait(i).ok());
  for (int i = 0; i < 100; ++i) EXPECT_EQ((*out)[i], i * i);
  EXPECT_EQ(pool.abandoned(), 0);
}

TEST(TimeoutPoolTest, AbandonsOnlyTheCallThatOverruns) {
  TimeoutPool pool(2, std::chrono::milliseconds(200));
  auto release = std::make_shared<std::promise<void>>();
  std::shared_future<void> gate = release->get_future().share();
  auto out = std::make_shared<std::vector<int>>(4, 0);
  std::vector<std::function<void()>> calls;
  calls.push_back([gate] { gate.wait(); });  // hangs until the test opens the gate
  for (int i = 1; i < 4; ++i) calls.push_back([out, i] { (*out)[i] = i; });
  TimeoutPool::Batch batch = pool.Submit(std::move(calls));
  EXPECT_EQ(batch.Wait(0).code(), StatusCode::kDeadlineExceeded);
  for (size_t i = 1; i < 4; ++i) ASSERT_TRUE(batch.Wait(i).ok());
  EXPECT_EQ(*out, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(pool.abandoned(), 1);
  // The pool still has its two threads: a new batch runs while the hung call is blocked.
  auto more = std::make_shared<int>(0);
  TimeoutPool::Batch next = pool.Submit({[more] { *more = 7; }});
  ASSERT_TRUE(next.Wait(0).ok());
  EXPECT_EQ(*more, 7);
  release->set_value();
}

// A wait given a stop returns Cancelled once the stop says so, while the call runs on;
// the call is waited for again later.
TEST(TimeoutPoolTest, AStoppedWaitLeavesTheCallRunning) {
  TimeoutPool pool(1, std::chrono::seconds(30));
  auto release = std::make_shared<std::promise<void>>();
  std::shared_future<void> gate = release->get_future().share();
  auto started = std::make_shared<std::promise<void>>();
  TimeoutPool::Batch batch = pool.Submit({[gate, started] {
    started->set_value();
    gate.wait();
  }});
  started->get_future().wait();
  EXPECT_EQ(batch.Wait(0, [] { return true; }).code(), StatusCode::kCancelled);
  // A stop that turns true while the wait sleeps is seen at the next overrun check.
  std::atomic<int> checks{0};
  EXPECT_EQ(batch.Wait(0, [&] { return ++checks > 2; }).code(), StatusCode::kCancelled);
  EXPECT_EQ(checks.load(), 3);
  EXPECT_FALSE(batch.Ended(0));
  release->set_value();
  ASSERT_TRUE(batch.Wait(0, [] { return false; }).ok());
  EXPECT_TRUE(batch.Ended(0));
  EXPECT_EQ(pool.abandoned(), 0);
}

TEST(TimeoutPoolTest, ADroppedBatchDoesNotRunItsQueuedCalls) {
  TimeoutPool pool(1, std::chrono::seconds(30));
  auto release = std::make_shared<std::promise<void>>();
  std::shared_future<void> gate = release->get_future().share();
  auto ran = std::make_shared<std::atomic<bool>>(false);
  TimeoutPool::Batch first = pool.Submit({[gate] { gate.wait(); }});
  {
    // Queued behind the blocked call on the only thread, then dropped.
    TimeoutPool::Batch dropped = pool.Submit({[ran] { *ran = true; }});
  }
  release->set_value();
  ASSERT_TRUE(first.Wait(0).ok());
  TimeoutPool::Batch last = pool.Submit({[] {}});
  ASSERT_TRUE(last.Wait(0).ok());  // FIFO: anything queued before it has run by now
  EXPECT_FALSE(*ran);
}

}  // namespace
}  // namespace ferry
