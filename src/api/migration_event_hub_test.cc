// MigrationEventHub against a scripted state reader and in-memory streams: what each
// stream is sent, when, and when it ends. (Over HTTP: tests/integration/test_migration_events.py.)

#include "api/migration_event_hub.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace ferry::api {
namespace {

using namespace std::chrono_literals;

class RecordingStream : public http::BodyStream {
 public:
  bool Write(std::string bytes) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!open_) return false;
    parts_.push_back(std::move(bytes));
    return true;
  }
  void End() override {
    std::lock_guard<std::mutex> lock(mu_);
    if (open_) ended_ = true;
    open_ = false;
  }
  bool open() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return open_;
  }
  void ClientLeaves() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = false;
  }
  std::vector<std::string> parts() const {
    std::lock_guard<std::mutex> lock(mu_);
    return parts_;
  }
  bool ended() const {
    std::lock_guard<std::mutex> lock(mu_);
    return ended_;
  }

 private:
  mutable std::mutex mu_;
  bool open_ = true;
  bool ended_ = false;
  std::vector<std::string> parts_;
};

template <typename Condition>
bool WaitFor(Condition condition) {
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);  // pacing between polls of the condition
  }
  return true;
}

// A migration whose state the test sets; every read is counted.
class ScriptedMigration {
 public:
  ScriptedMigration() {
    m_.migration_id = "mig_1";
    m_.org_id = "org_a";
    m_.status = model::MigrationStatus::kInProgress;
  }
  MigrationEventHub::StateReader Reader() {
    return [this](const service::Caller& caller,
                  const std::string& id) -> Result<std::shared_ptr<const model::Migration>> {
      ++reads_;
      std::lock_guard<std::mutex> lock(mu_);
      if (gone_ || caller.org_id != m_.org_id || id != m_.migration_id) {
        return Status::NotFound("migration " + id + " not found");
      }
      if (changing_) m_.progress.overall_progress_percent += 1;
      return std::make_shared<const model::Migration>(m_);
    };
  }
  model::Migration Now() {
    std::lock_guard<std::mutex> lock(mu_);
    return m_;
  }
  void Set(model::MigrationStatus status, double percent) {
    std::lock_guard<std::mutex> lock(mu_);
    m_.status = status;
    m_.progress.overall_progress_percent = percent;
  }
  void ChangeOnEveryRead() { changing_ = true; }
  void Delete() {
    std::lock_guard<std::mutex> lock(mu_);
    gone_ = true;
  }
  std::atomic<int> reads_{0};

 private:
  std::mutex mu_;
  model::Migration m_;
  std::atomic<bool> changing_{false};
  bool gone_ = false;
};

class MigrationEventHubTest : public ::testing::Test {
 protected:
  MigrationEventHub::Options Fast() {
    MigrationEventHub::Options o;
    o.tick = 10ms;
    o.keep_alive = 1h;
    return o;
  }
  std::shared_ptr<RecordingStream> Watch(MigrationEventHub& hub, const std::string& last = "") {
    auto stream = std::make_shared<RecordingStream>();
    hub.Add(caller_, "mig_1", MigrationEvent::Of(migration_.Now()), last, stream);
    return stream;
  }
  static bool IsEvent(const std::string& part, const char* kind) {
    return part.rfind("id: ", 0) == 0 &&
           part.find(std::string("\nevent: ") + kind + "\ndata: {") != std::string::npos &&
           part.size() > 2 && part.substr(part.size() - 2) == "\n\n";
  }

  Logger logger_{LogLevel::kError};
  ScriptedMigration migration_;
  service::Caller caller_{"org_a"};
};

TEST_F(MigrationEventHubTest, FirstStateAtOnceThenEachChangeOnceThenEndAtTheTerminalState) {
  MigrationEventHub hub(migration_.Reader(), logger_, Fast());
  auto stream = Watch(hub);
  ASSERT_EQ(stream->parts().size(), 1u);  // written by Add itself
  EXPECT_TRUE(IsEvent(stream->parts()[0], "migration")) << stream->parts()[0];
  // Unchanged: ticks pass, nothing more is sent.
  const int reads = migration_.reads_;
  ASSERT_TRUE(WaitFor([&] { return migration_.reads_ >= reads + 5; }));
  EXPECT_EQ(stream->parts().size(), 1u);
  migration_.Set(model::MigrationStatus::kInProgress, 40);
  ASSERT_TRUE(WaitFor([&] { return stream->parts().size() == 2; }));
  EXPECT_NE(stream->parts()[1].find("\"overall_progress_percent\":40"), std::string::npos);
  migration_.Set(model::MigrationStatus::kCompleted, 100);
  ASSERT_TRUE(WaitFor([&] { return stream->ended(); }));
  ASSERT_EQ(stream->parts().size(), 3u);
  EXPECT_TRUE(IsEvent(stream->parts()[2], "end")) << stream->parts()[2];
  EXPECT_TRUE(WaitFor([&] { return hub.streams() == 0; }));
}

TEST_F(MigrationEventHubTest, AReconnectWithTheCurrentIdIsNotSentThatStateAgain) {
  MigrationEventHub hub(migration_.Reader(), logger_, Fast());
  const std::string id = MigrationEvent::Of(migration_.Now()).id;
  auto stream = Watch(hub, id);
  EXPECT_TRUE(stream->parts().empty());
  migration_.Set(model::MigrationStatus::kInProgress, 50);
  ASSERT_TRUE(WaitFor([&] { return stream->parts().size() == 1; }));
  EXPECT_EQ(stream->parts()[0].find("id: " + id), std::string::npos);
  // A terminal state is always sent (as `end`), even when the client has it.
  migration_.Set(model::MigrationStatus::kCancelled, 50);
  auto done = Watch(hub, MigrationEvent::Of(migration_.Now()).id);
  ASSERT_EQ(done->parts().size(), 1u);
  EXPECT_TRUE(IsEvent(done->parts()[0], "end"));
  EXPECT_TRUE(done->ended());
}

TEST_F(MigrationEventHubTest, OneReadPerTickServesEveryStreamAtMostOneEventPerTick) {
  MigrationEventHub hub(migration_.Reader(), logger_, Fast());
  migration_.ChangeOnEveryRead();
  auto a = Watch(hub);
  auto b = Watch(hub);
  auto c = Watch(hub);
  ASSERT_TRUE(WaitFor([&] { return c->parts().size() >= 20; }));
  hub.Stop();
  // Every stream got the same events, one per read: the three share each read.
  EXPECT_EQ(a->parts(), b->parts());
  EXPECT_EQ(b->parts(), c->parts());
  EXPECT_EQ(static_cast<int>(a->parts().size()), migration_.reads_ + 1);
  EXPECT_TRUE(a->ended() && b->ended() && c->ended());  // Stop ended them
  EXPECT_FALSE(hub.HasRoom());
}

TEST_F(MigrationEventHubTest, AQuietStreamGetsKeepAlives) {
  auto options = Fast();
  options.keep_alive = 30ms;
  MigrationEventHub hub(migration_.Reader(), logger_, options);
  auto stream = Watch(hub);
  ASSERT_TRUE(WaitFor([&] { return stream->parts().size() >= 3; }));
  EXPECT_EQ(stream->parts()[1], ": keep-alive\n\n");
  EXPECT_EQ(stream->parts()[2], ": keep-alive\n\n");
}

TEST_F(MigrationEventHubTest, StreamsOfALeftClientOrADeletedMigrationAreDropped) {
  MigrationEventHub hub(migration_.Reader(), logger_, Fast());
  auto left = Watch(hub);
  auto stays = Watch(hub);
  left->ClientLeaves();
  ASSERT_TRUE(WaitFor([&] { return hub.streams() == 1; }));
  migration_.Delete();
  ASSERT_TRUE(WaitFor([&] { return stays->ended(); }));
  EXPECT_TRUE(WaitFor([&] { return hub.streams() == 0; }));
}

TEST_F(MigrationEventHubTest, RoomIsBounded) {
  auto options = Fast();
  options.max_streams = 2;
  MigrationEventHub hub(migration_.Reader(), logger_, options);
  auto a = Watch(hub);
  EXPECT_TRUE(hub.HasRoom());
  auto b = Watch(hub);
  EXPECT_FALSE(hub.HasRoom());
  a->ClientLeaves();
  EXPECT_TRUE(WaitFor([&] { return hub.HasRoom(); }));
}

// A reader that throws (a bug, out of memory) costs that tick only: the hub's thread lives
// on, and the next tick's state reaches the stream.
TEST_F(MigrationEventHubTest, ATickThatThrowsIsContainedAndTheNextOneServes) {
  std::atomic<int> calls{0};
  auto inner = migration_.Reader();
  MigrationEventHub::StateReader reader =
      [&](const service::Caller& caller,
          const std::string& id) -> Result<std::shared_ptr<const model::Migration>> {
    if (calls++ == 0) throw std::out_of_range("a bug");
    return inner(caller, id);
  };
  MigrationEventHub hub(reader, logger_, Fast());
  auto stream = Watch(hub);
  migration_.Set(model::MigrationStatus::kCompleted, 100);
  ASSERT_TRUE(WaitFor([&] { return stream->ended(); }));
  EXPECT_GE(calls.load(), 2);
  EXPECT_TRUE(IsEvent(stream->parts().back(), "end"));
}

}  // namespace
}  // namespace ferry::api
