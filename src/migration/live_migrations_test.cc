// LiveMigrations on the embedded storage: a re_extract migration, then source writes made
// through the store's client write methods (logged), then sync, cutover and rollback.
// The target must equal what a fresh re_extract of the final source derives.

#include "migration/live_migrations.h"

#include "migration/migration_test_fixture.h"

namespace ferry::migration::testing_support {
namespace {

class LiveMigrationsTest : public MigrationRunnerTest {
 protected:
  void SetUp() override {
    MigrationRunnerTest::SetUp();
    MakeSource();
    live_ = std::make_unique<LiveMigrations>(*deps_, *validator_, nullptr);
  }
  void TearDown() override {
    live_.reset();
    MigrationRunnerTest::TearDown();
  }

  model::Object TextObject(const std::string& id, const std::string& text) {
    model::Object o = Take(source_.store->GetObjects(bucket_.bucket_id, {object_ids_[0]}))[0];
    o.object_id = id;
    o.blobs[0].data = Value(text);
    return o;
  }

  // The documents of a collection as {root object's text: sorted (text, vector bytes)}.
  std::map<std::string, std::vector<std::string>> View(storage::NamespaceStore& store,
                                                       const std::string& collection_name) {
    auto col = Take(store.GetCollectionByName(collection_name));
    std::map<std::string, std::string> content;
    for (const auto& b : Take(store.ListBuckets(kAll))) {
      for (const auto& o : Take(store.ListObjects(b.bucket_id, kAll))) {
        content[o.object_id] = o.blobs[0].data.as_string();
      }
    }
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& d : Take(store.ListDocuments(col.collection_id, kAll, true))) {
      EXPECT_TRUE(content.count(d.lineage.root_object_id)) << "orphan " << d.document_id;
      const Value* text = d.fields.Get("text");
      out[content[d.lineage.root_object_id]].push_back((text != nullptr ? text->as_string() : "") +
                                                       "|" + VectorBytes(d.vectors.at(0).values));
    }
    for (auto& [k, v] : out) std::sort(v.begin(), v.end());
    return out;
  }

  std::unique_ptr<LiveMigrations> live_;
};

TEST_F(LiveMigrationsTest, SyncCarriesWritesAndSkipsUnchangedObjects) {
  model::Migration m = Run(Config(MigrationType::kReExtract));
  ASSERT_EQ(m.status, MigrationStatus::kCompleted) << m.error_message.value_or("");
  auto target = Target(m);
  // A changed object (one sentence instead of two), a deleted one, a new one, and an
  // upsert that changes nothing.
  ASSERT_TRUE(
      source_.store->UpsertObjects({TextObject(object_ids_[1], "Only one sentence now.")}).ok());
  ASSERT_TRUE(source_.store->DeleteObject(bucket_.bucket_id, object_ids_[2]).ok());
  ASSERT_TRUE(
      source_.store->InsertObject(TextObject("obj_new", "A new object. It has two sentences."))
          .ok());
  auto same = Take(source_.store->GetObjects(bucket_.bucket_id, {object_ids_[3]}));
  ASSERT_TRUE(source_.store->UpsertObjects(same).ok());

  auto synced = live_->Sync(caller_, m.migration_id, false);
  ASSERT_TRUE(synced.ok()) << synced.status().ToString();
  LiveState live = ReadLiveState(*synced);
  EXPECT_EQ(live.synced.items, 4);
  EXPECT_EQ(live.synced.objects_upserted, 2);
  EXPECT_EQ(live.synced.objects_deleted, 1);
  EXPECT_EQ(live.synced.objects_skipped, 1) << "an unchanged object is not re-extracted";
  // Re-derived in both rebuilt collections: the changed and the new object, each twice.
  EXPECT_EQ(live.synced.objects_rederived, 4);
  EXPECT_EQ(live.lag_sequences, 0);
  ASSERT_TRUE(live.applied_seq.has_value());
  EXPECT_EQ(*live.applied_seq, Take(source_.store->LatestChangeSeq()));

  // The oracle: a fresh re_extract of the source as it is now.
  model::Migration fresh = Run(Config(MigrationType::kReExtract));
  ASSERT_EQ(fresh.status, MigrationStatus::kCompleted);
  auto fresh_store = Target(fresh);
  EXPECT_EQ(View(*target, "sentences"), View(*fresh_store, "sentences"));
  EXPECT_EQ(View(*target, "chained"), View(*fresh_store, "chained"));

  // Again: nothing new, nothing applied (idempotent).
  auto again = live_->Sync(caller_, m.migration_id, false);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(ReadLiveState(*again).synced.items, 4);
  EXPECT_EQ(ReadLiveState(*again).sync_passes, 2);
}

TEST_F(LiveMigrationsTest, CutoverSwapsNamesAndRollbackCarriesTargetWritesBack) {
  model::Migration m = Run(Config(MigrationType::kReExtract));
  ASSERT_EQ(m.status, MigrationStatus::kCompleted);
  const std::string source_id = source_.ns.namespace_id;
  const std::string target_id = TargetId(m);
  ASSERT_TRUE(
      source_.store->InsertObject(TextObject("obj_late", "Written late. Still here.")).ok());
  auto cut = live_->Cutover(caller_, m.migration_id);
  ASSERT_TRUE(cut.ok()) << cut.status().ToString();
  LiveState live = ReadLiveState(*cut);
  ASSERT_TRUE(live.cutover_at.has_value());
  EXPECT_GE(live.cutover_pause_ms, 0);
  EXPECT_EQ(live.source_renamed_to, "source-pre-" + m.migration_id.substr(4, 8));
  auto& catalog = storage_->catalog();
  EXPECT_EQ(Take(catalog.GetNamespaceByName(caller_.org_id, "source")).namespace_id, target_id);
  EXPECT_EQ(Take(catalog.GetNamespaceByName(caller_.org_id, live.source_renamed_to)).namespace_id,
            source_id);
  auto target = Target(m);
  EXPECT_EQ(Take(target->GetObjects(MapId(m.migration_id, bucket_.bucket_id, false),
                                    {MapId(m.migration_id, "obj_late", false)}))
                .size(),
            1u)
      << "the cutover applies the last changes";
  EXPECT_TRUE(source_.store->InsertObject(TextObject("obj_after", "x")).ok())
      << "writes resume after the cutover";
  EXPECT_EQ(live_->Sync(caller_, m.migration_id, false).status().code(),
            StatusCode::kFailedPrecondition);

  // Writes to the target after the cutover: a new object, a changed one, a deleted one.
  const std::string tb = MapId(m.migration_id, bucket_.bucket_id, false);
  model::Object fresh = TextObject("obj_t1", "Made in the target. Carried back.");
  fresh.bucket_id = tb;
  ASSERT_TRUE(target->InsertObject(fresh).ok());
  model::Object changed =
      Take(target->GetObjects(tb, {MapId(m.migration_id, object_ids_[4], false)}))[0];
  changed.blobs[0].data = Value("Changed in the target.");
  ASSERT_TRUE(target->UpsertObjects({changed}).ok());
  ASSERT_TRUE(target->DeleteObject(tb, MapId(m.migration_id, object_ids_[5], false)).ok());

  auto back = live_->Rollback(caller_, m.migration_id);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(ReadLiveState(*back).rolled_back_at.has_value());
  EXPECT_EQ(ReadLiveState(*back).rolled_back.objects_upserted, 2);
  EXPECT_EQ(ReadLiveState(*back).rolled_back.objects_deleted, 1);
  EXPECT_EQ(Take(catalog.GetNamespaceByName(caller_.org_id, "source")).namespace_id, source_id);
  auto& src = *source_.store;
  auto carried =
      Take(src.GetObjects(bucket_.bucket_id, {"obj_t1", object_ids_[4], object_ids_[5]}));
  ASSERT_EQ(carried.size(), 2u) << "the new object under its own id, the changed one under its "
                                   "source id; the deleted one gone";
  EXPECT_EQ(carried[1].blobs[0].data.as_string(), "Changed in the target.");
  // Their documents are derived again with the source's extractor (v1).
  auto docs = Take(src.ListDocumentsByRootObjects(sentences_.collection_id, {"obj_t1"}));
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_NE(FindVector(docs[0], kV1Uri), nullptr);
  EXPECT_TRUE(
      Take(src.ListDocumentsByRootObjects(sentences_.collection_id, {object_ids_[5]})).empty());
  EXPECT_EQ(live_->Rollback(caller_, m.migration_id).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(LiveMigrationsTest, RefusesWhatCannotBeSynced) {
  std::string draft = CreateDraft(Config(MigrationType::kCopy));
  EXPECT_EQ(live_->Sync(caller_, draft, false).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(live_->Cutover(caller_, draft).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(live_->Rollback(caller_, draft).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(live_->Sync(caller_, "mig_unknown", false).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(live_->Sync(service::Caller{"org_other"}, draft, false).status().code(),
            StatusCode::kNotFound);
}

TEST_F(LiveMigrationsTest, FollowingKeepsApplyingUntilStopped) {
  model::Migration m = Run(Config(MigrationType::kCopy));
  ASSERT_EQ(m.status, MigrationStatus::kCompleted);
  ASSERT_TRUE(live_->Sync(caller_, m.migration_id, true).ok());
  auto target = Target(m);
  const std::string tb = MapId(m.migration_id, bucket_.bucket_id, false);
  ASSERT_TRUE(source_.store->InsertObject(TextObject("obj_f1", "Followed.")).ok());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (Take(target->GetObjects(tb, {MapId(m.migration_id, "obj_f1", false)})).empty()) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the follower never applied it";
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling a condition
  }
  auto stopped = live_->StopSync(caller_, m.migration_id);
  ASSERT_TRUE(stopped.ok());
  EXPECT_FALSE(ReadLiveState(*stopped).following);
  ASSERT_TRUE(source_.store->InsertObject(TextObject("obj_f2", "Not followed.")).ok());
  // Stopped: one explicit pass applies it.
  ASSERT_TRUE(live_->Sync(caller_, m.migration_id, false).ok());
  EXPECT_EQ(Take(target->GetObjects(tb, {MapId(m.migration_id, "obj_f2", false)})).size(), 1u);
}

TEST_F(LiveMigrationsTest, ACutoverOrRollbackWhosePauseRunsOutSwapsNothing) {
  model::Migration m = Run(Config(MigrationType::kReExtract));
  ASSERT_EQ(m.status, MigrationStatus::kCompleted);
  const std::string& id = m.migration_id;
  const std::string source_id = source_.ns.namespace_id;
  const std::string target_id = TargetId(m);
  auto& catalog = storage_->catalog();
  auto stored = [&] { return ReadLiveState(Take(catalog.GetMigration(caller_.org_id, id))); };
  ASSERT_TRUE(source_.store->InsertObject(TextObject("obj_late", "Written late.")).ok());
  LiveOptions tight;
  tight.max_pause_ms = 0;  // every last pass outlasts it
  LiveMigrations hurried(*deps_, *validator_, nullptr, tight);

  auto cut = hurried.Cutover(caller_, id);
  EXPECT_EQ(cut.status().code(), StatusCode::kDeadlineExceeded) << cut.status().ToString();
  EXPECT_EQ(Take(catalog.GetNamespaceByName(caller_.org_id, "source")).namespace_id, source_id);
  EXPECT_TRUE(source_.store->InsertObject(TextObject("obj_after", "x")).ok())
      << "the pause is lifted";
  LiveState live = stored();
  EXPECT_FALSE(live.cutover_at.has_value());
  EXPECT_TRUE(live.operation.empty());
  ASSERT_TRUE(live.last_error.has_value());
  EXPECT_NE(live.last_error->find("max_pause_ms"), std::string::npos) << *live.last_error;

  ASSERT_TRUE(live_->Cutover(caller_, id).ok()) << "with room in the pause it goes through";
  auto target = Target(m);
  model::Object fresh = TextObject("obj_t1", "Made in the target.");
  fresh.bucket_id = MapId(id, bucket_.bucket_id, false);
  ASSERT_TRUE(target->InsertObject(fresh).ok());
  auto back = hurried.Rollback(caller_, id);
  EXPECT_EQ(back.status().code(), StatusCode::kDeadlineExceeded) << back.status().ToString();
  EXPECT_EQ(Take(catalog.GetNamespaceByName(caller_.org_id, "source")).namespace_id, target_id);
  model::Object more = TextObject("obj_t2", "Made later.");
  more.bucket_id = fresh.bucket_id;
  EXPECT_TRUE(target->InsertObject(more).ok()) << "the pause is lifted";
  EXPECT_FALSE(stored().rolled_back_at.has_value());
  ASSERT_TRUE(live_->Rollback(caller_, id).ok());
  EXPECT_EQ(Take(catalog.GetNamespaceByName(caller_.org_id, "source")).namespace_id, source_id);
  EXPECT_EQ(Take(source_.store->GetObjects(bucket_.bucket_id, {"obj_t1", "obj_t2"})).size(), 2u);
}

TEST_F(LiveMigrationsTest, AnErrorAfterTheSwapLeavesTheCutoverDone) {
  model::Migration m = Run(Config(MigrationType::kReExtract));
  ASSERT_EQ(m.status, MigrationStatus::kCompleted);
  const std::string& id = m.migration_id;
  auto& catalog = storage_->catalog();
  auto target = Target(m);
  model::Object early = TextObject("obj_t0", "Written to the target before the cutover.");
  early.bucket_id = MapId(id, bucket_.bucket_id, false);
  ASSERT_TRUE(target->InsertObject(early).ok());
  const int64_t target_seq = Take(target->LatestChangeSeq());
  ASSERT_GT(target_seq, 0);
  storage_->Faults(source_.ns.namespace_id).FailNextPauseLifts(1, Status::Unavailable("injected"));
  auto cut = live_->Cutover(caller_, id);
  EXPECT_EQ(cut.status().code(), StatusCode::kUnavailable) << cut.status().ToString();
  EXPECT_EQ(Take(catalog.GetNamespaceByName(caller_.org_id, "source")).namespace_id, TargetId(m));
  LiveState live = ReadLiveState(Take(catalog.GetMigration(caller_.org_id, id)));
  EXPECT_TRUE(live.cutover_at.has_value()) << "the names were swapped: the cutover stands";
  EXPECT_TRUE(live.operation.empty());
  EXPECT_EQ(live.target_seq_at_cutover, target_seq) << "a rollback carries back from there";
  ASSERT_TRUE(live.last_error.has_value());
  EXPECT_NE(live.last_error->find("injected"), std::string::npos);
  EXPECT_TRUE(source_.store->InsertObject(TextObject("obj_after", "x")).ok())
      << "the pause is lifted";
  // Cut over: no second cutover (it would rename the live namespace away), no sync.
  EXPECT_EQ(live_->Cutover(caller_, id).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(live_->Sync(caller_, id, false).status().code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(live_->Rollback(caller_, id).ok());
  EXPECT_EQ(Take(catalog.GetNamespaceByName(caller_.org_id, "source")).namespace_id,
            source_.ns.namespace_id);
}

TEST_F(LiveMigrationsTest, OneFollowerPerMigrationAcrossProcesses) {
  model::Migration m = Run(Config(MigrationType::kCopy));
  ASSERT_EQ(m.status, MigrationStatus::kCompleted);
  const std::string& id = m.migration_id;
  auto& catalog = storage_->catalog();
  auto stored = [&] { return ReadLiveState(Take(catalog.GetMigration(caller_.org_id, id))); };
  ASSERT_TRUE(catalog.InsertOrganization({caller_.org_id, "test", 1}).ok());  // Recover's list
  LiveOptions options_b;
  options_b.owner = "node-b";
  LiveMigrations other(*deps_, *validator_, nullptr, options_b);  // another process

  ASSERT_TRUE(live_->Sync(caller_, id, true).ok());
  EXPECT_TRUE(live_->Following(id));
  EXPECT_EQ(stored().owner, "local");
  // Stopped through the other process: this one's follower sees it and stops.
  ASSERT_TRUE(other.StopSync(caller_, id).ok());
  EXPECT_FALSE(stored().following);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (live_->Following(id)) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the follower never stopped";
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling a condition
  }
  EXPECT_FALSE(stored().following) << "not recorded as following again";

  // Following here again; the other process restarts and resumes the follower, recorded
  // as its own: one of the two stops at its next pass (which one depends on whose record
  // lands last), so that only one applies changes.
  ASSERT_TRUE(live_->Sync(caller_, id, true).ok());
  ASSERT_TRUE(other.Recover().ok());
  while (live_->Following(id) && other.Following(id)) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "two followers kept running";
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling a condition
  }
  LiveMigrations& follower = other.Following(id) ? other : *live_;
  ASSERT_TRUE(follower.Following(id)) << "one of them follows";
  EXPECT_EQ(stored().owner, &follower == &other ? "node-b" : "local");
  EXPECT_TRUE(stored().following);
  ASSERT_TRUE(follower.StopSync(caller_, id).ok());
}

TEST_F(LiveMigrationsTest, ASyncRefusesWhenTheLogWasTrimmedPastWhatItApplied) {
  model::Migration m = Run(Config(MigrationType::kCopy));
  ASSERT_EQ(m.status, MigrationStatus::kCompleted);
  ASSERT_TRUE(source_.store->InsertObject(TextObject("obj_1", "One.")).ok());
  ASSERT_TRUE(source_.store->InsertObject(TextObject("obj_2", "Two.")).ok());
  const int64_t latest = Take(source_.store->LatestChangeSeq());
  ASSERT_TRUE(source_.store->TrimChanges(latest - 1).ok());  // as retention would
  auto synced = live_->Sync(caller_, m.migration_id, false);
  EXPECT_EQ(synced.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(synced.status().message().find("trimmed"), std::string::npos)
      << synced.status().ToString();
  auto target = Target(m);
  EXPECT_TRUE(Take(target->GetObjects(MapId(m.migration_id, bucket_.bucket_id, false),
                                      {MapId(m.migration_id, "obj_2", false)}))
                  .empty())
      << "nothing applied past the gap";
}

TEST_F(LiveMigrationsTest, AFollowRefusedForCapacityRecordsNothing) {
  model::Migration m = Run(Config(MigrationType::kCopy));
  ASSERT_EQ(m.status, MigrationStatus::kCompleted);
  auto& catalog = storage_->catalog();
  // Followed by another process.
  model::Migration followed = Take(catalog.GetMigration(caller_.org_id, m.migration_id));
  LiveState live = ReadLiveState(followed);
  live.following = true;
  live.owner = "node-b";
  WriteLiveState(followed, live);
  ASSERT_TRUE(catalog.UpdateMigration(followed).ok());
  LiveOptions full;
  full.max_followers = 0;
  LiveMigrations busy(*deps_, *validator_, nullptr, full);
  EXPECT_EQ(busy.Sync(caller_, m.migration_id, true).status().code(),
            StatusCode::kResourceExhausted);
  EXPECT_FALSE(busy.Following(m.migration_id));
  live = ReadLiveState(Take(catalog.GetMigration(caller_.org_id, m.migration_id)));
  EXPECT_TRUE(live.following) << "the other process's follower goes on";
  EXPECT_EQ(live.owner, "node-b");
}

}  // namespace
}  // namespace ferry::migration::testing_support
