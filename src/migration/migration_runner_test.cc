// End-to-end migration runs: copy, re_extract, extend, ids, dry run, cancel, retries,
// storage faults and date ranges (fixture in migration_test_fixture.h).
#include <chrono>
#include <thread>

#include "migration/migration_test_fixture.h"

namespace ferry::migration {
namespace {

using namespace testing_support;  // NOLINT(build/namespaces): the fixture's helpers
using model::MigrationStage;
using model::MigrationStatus;
using model::MigrationType;
using model::Value;

TEST_F(MigrationRunnerTest, CopyCopiesEverythingWithMappedIds) {
  MakeSource();
  std::string before = DumpSource();
  model::Migration m = Run(Config(MigrationType::kCopy));
  ExpectCompletedProgress(m);
  const std::string& mig = m.migration_id;
  EXPECT_EQ(TargetId(m), MapId(mig, source_.ns.namespace_id, false));
  auto target = Target(m);
  ASSERT_NE(target, nullptr);

  // Objects: same blobs, mapped ids.
  const std::string target_bucket = MapId(mig, bucket_.bucket_id, false);
  ASSERT_EQ(target->CountObjects(target_bucket).value(), kObjects);
  for (const auto& id : object_ids_) {
    auto src = source_.store->GetObject(bucket_.bucket_id, id).value();
    auto dst = target->GetObject(target_bucket, MapId(mig, id, false));
    ASSERT_TRUE(dst.ok()) << id;
    ASSERT_EQ(dst->blobs.size(), src.blobs.size());
    EXPECT_EQ(dst->blobs[0].data, src.blobs[0].data);
  }
  // Documents: same vectors byte for byte and feature URIs; lineage in target ids.
  for (const auto* c : {&sentences_, &chained_}) {
    const std::string target_col = MapId(mig, c->collection_id, false);
    auto docs = source_.store->ListDocuments(c->collection_id, kAll, true).value();
    EXPECT_EQ(target->CountDocuments(target_col).value(), static_cast<int64_t>(docs.size()));
    for (const auto& d : docs) {
      auto t = target->GetDocument(target_col, MapId(mig, d.document_id, false), true);
      ASSERT_TRUE(t.ok()) << d.document_id;
      ASSERT_EQ(t->vectors.size(), d.vectors.size());
      for (size_t i = 0; i < d.vectors.size(); ++i) {
        EXPECT_EQ(t->vectors[i].feature_uri, d.vectors[i].feature_uri);
        EXPECT_EQ(VectorBytes(t->vectors[i].values), VectorBytes(d.vectors[i].values));
      }
      EXPECT_EQ(t->fields, d.fields);
      const auto& sl = d.lineage;
      const auto& tl = t->lineage;
      EXPECT_EQ(tl.root_object_id, MapId(mig, sl.root_object_id, false));
      EXPECT_EQ(tl.root_bucket_id, target_bucket);
      if (c == &sentences_) {
        EXPECT_EQ(tl.source_object_id, MapId(mig, *sl.source_object_id, false));
        EXPECT_EQ(tl.path, target_bucket + "/" + target_col);
      } else {
        const std::string target_src_col = MapId(mig, sentences_.collection_id, false);
        EXPECT_EQ(tl.source_document_id, MapId(mig, *sl.source_document_id, false));
        EXPECT_EQ(tl.source_collection_id, target_src_col);
        EXPECT_EQ(tl.path, target_bucket + "/" + target_src_col + "/" + target_col);
        EXPECT_TRUE(target->GetDocument(target_src_col, *tl.source_document_id, false).ok());
      }
    }
  }
  const Value* mapping = m.additional_data.Get("id_mapping");
  ASSERT_NE(mapping, nullptr);
  for (const std::string& id :
       {bucket_.bucket_id, sentences_.collection_id, chained_.collection_id}) {
    ASSERT_NE(mapping->Get(id), nullptr) << id;
    EXPECT_EQ(mapping->Get(id)->as_string(), MapId(mig, id, false));
  }
  const auto& processing = m.progress.stages[static_cast<int>(MigrationStage::kBatchProcessing)];
  EXPECT_EQ(processing.items_total, kObjects + 4 * kObjects);
  EXPECT_EQ(DumpSource(), before);
}

TEST_F(MigrationRunnerTest, ReExtractRebuildsCollectionsWithTheNewVersion) {
  MakeSource();
  std::string before = DumpSource();
  model::Migration m = Run(Config(MigrationType::kReExtract));
  ExpectCompletedProgress(m);
  auto target = Target(m);
  ASSERT_NE(target, nullptr);
  const std::string target_src_col = MapId(m.migration_id, sentences_.collection_id, false);
  const std::string target_chained = MapId(m.migration_id, chained_.collection_id, false);
  auto ns = storage_->catalog().GetNamespace(caller_.org_id, TargetId(m));
  ASSERT_TRUE(ns.ok());
  ASSERT_EQ(ns->feature_extractors.size(), 1u);
  EXPECT_EQ(ns->feature_extractors[0].version, "v2");

  const auto* v2 = extractors_->Find("text_extractor", "v2");
  for (const auto& col : {target_src_col, target_chained}) {
    auto c = target->GetCollection(col);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->extractor.version, "v2");
    auto docs = target->ListDocuments(col, kAll, true).value();
    EXPECT_EQ(static_cast<int64_t>(docs.size()), 2 * kObjects) << col;
    for (const auto& d : docs) {
      ASSERT_EQ(d.vectors.size(), 1u);
      EXPECT_EQ(d.vectors[0].feature_uri, kV2Uri);
      EXPECT_EQ(d.vectors[0].values.size(), 384u);
      extract::ExtractorInput in;
      in.text = d.fields.Get("text")->as_string();
      auto expected = v2->Extract(in, v2->info().default_parameters);
      ASSERT_TRUE(expected.ok());
      EXPECT_EQ(VectorBytes(d.vectors[0].values), VectorBytes((*expected)[0].embedding));
    }
  }
  // The chained collection was rebuilt from the rebuilt source, not copied.
  for (const auto& d : Take(target->ListDocuments(target_chained, kAll, false))) {
    ASSERT_TRUE(d.lineage.source_document_id.has_value());
    EXPECT_EQ(d.lineage.source_collection_id, target_src_col);
    EXPECT_TRUE(target->GetDocument(target_src_col, *d.lineage.source_document_id, false).ok())
        << *d.lineage.source_document_id;
    EXPECT_EQ(d.document_id,
              service::DocumentIdFor(target_chained, *d.lineage.source_document_id, 0));
  }
  EXPECT_EQ(DumpSource(), before);
}

TEST_F(MigrationRunnerTest, ExtendAddsNewVectorsBesideTheOldOnes) {
  MakeSource();
  std::string before = DumpSource();
  model::Migration m = Run(Config(MigrationType::kExtend));
  ExpectCompletedProgress(m);
  auto target = Target(m);
  ASSERT_NE(target, nullptr);
  for (const auto* c : {&sentences_, &chained_}) {
    const std::string col = MapId(m.migration_id, c->collection_id, false);
    auto docs = source_.store->ListDocuments(c->collection_id, kAll, true).value();
    EXPECT_EQ(target->CountDocuments(col).value(), static_cast<int64_t>(docs.size()));
    for (const auto& d : docs) {
      auto t = target->GetDocument(col, MapId(m.migration_id, d.document_id, false), true);
      ASSERT_TRUE(t.ok());
      const auto* v1 = FindVector(*t, kV1Uri);
      const auto* v2 = FindVector(*t, kV2Uri);
      ASSERT_NE(v1, nullptr);
      ASSERT_NE(v2, nullptr);
      EXPECT_EQ(VectorBytes(v1->values), VectorBytes(FindVector(d, kV1Uri)->values));
      EXPECT_EQ(v2->values.size(), 384u);
    }
  }
  EXPECT_EQ(DumpSource(), before);
}

TEST_F(MigrationRunnerTest, PreserveResourceIdsKeepsSourceIds) {
  MakeSource();
  std::string before = DumpSource();
  auto config = Config(MigrationType::kCopy);
  config.preserve_resource_ids = true;
  model::Migration m = Run(config);
  ExpectCompletedProgress(m);
  auto target = Target(m);
  ASSERT_NE(target, nullptr);
  EXPECT_NE(TargetId(m), source_.ns.namespace_id);
  EXPECT_TRUE(target->GetBucket(bucket_.bucket_id).ok());
  for (const auto& id : object_ids_) EXPECT_TRUE(target->GetObject(bucket_.bucket_id, id).ok());
  for (const auto* c : {&sentences_, &chained_}) {
    EXPECT_TRUE(target->GetCollection(c->collection_id).ok());
    for (const auto& d : Take(source_.store->ListDocuments(c->collection_id, kAll, false))) {
      auto t = target->GetDocument(c->collection_id, d.document_id, false);
      ASSERT_TRUE(t.ok()) << d.document_id;
      EXPECT_EQ(t->lineage.root_object_id, d.lineage.root_object_id);
      EXPECT_EQ(t->lineage.path, d.lineage.path);
    }
  }
  EXPECT_EQ(m.additional_data.GetPath("id_mapping")->Get(bucket_.bucket_id)->as_string(),
            bucket_.bucket_id);
  EXPECT_EQ(DumpSource(), before);
  // Where a later sync catches up from: the source's change log before the copy read it
  // (the source's objects and documents were written by clients, so it is past 0).
  const model::Value* seq = m.additional_data.GetPath("live.source_seq_at_start");
  ASSERT_NE(seq, nullptr);
  auto latest = source_.store->LatestChangeSeq();
  ASSERT_TRUE(latest.ok());
  EXPECT_GT(*latest, 0);
  EXPECT_EQ(seq->as_int(), *latest);
}

TEST_F(MigrationRunnerTest, DryRunWritesNothing) {
  MakeSource();
  std::string before = DumpSource();
  int64_t namespaces = storage_->catalog().CountNamespaces(caller_.org_id).value();
  auto config = Config(MigrationType::kReExtract);
  config.dry_run = true;
  model::Migration m = Run(config);
  EXPECT_EQ(m.status, MigrationStatus::kCompleted) << m.error_message.value_or("");
  const Value* dry = m.additional_data.Get("dry_run");
  ASSERT_NE(dry, nullptr);
  EXPECT_TRUE(dry->as_bool());
  ASSERT_FALSE(TargetId(m).empty());
  EXPECT_EQ(storage_->catalog().GetNamespace(caller_.org_id, TargetId(m)).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(storage_->OpenNamespace(TargetId(m)).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(storage_->catalog().CountNamespaces(caller_.org_id).value(), namespaces);
  EXPECT_TRUE(storage_->catalog().ListMigrationBatches(m.migration_id, 0, 10).value().empty());
  EXPECT_EQ(DumpSource(), before);
}

TEST_F(MigrationRunnerTest, CancelDuringBatchProcessingStopsPromptly) {
  MakeSource();
  auto config = Config(MigrationType::kCopy);
  std::string id = CreateDraft(config);
  auto& faults = storage_->Faults(MapId(id, source_.ns.namespace_id, false));
  faults.CloseGate();
  ASSERT_TRUE(migrations_->Start(caller_, id, false).ok());
  faults.WaitUntilBlocked(1);  // a worker is inside UpsertDocuments of the target
  auto cancelled = migrations_->Cancel(caller_, id, std::string("test"));
  faults.OpenGate();
  runner_->WaitIdle();
  ASSERT_TRUE(cancelled.ok()) << cancelled.status().ToString();
  EXPECT_EQ(cancelled->status, MigrationStatus::kCancelled);

  model::Migration m = std::move(migrations_->Get(caller_, id)).value();
  EXPECT_EQ(m.status, MigrationStatus::kCancelled);
  const auto& stages = m.progress.stages;
  EXPECT_EQ(stages[static_cast<int>(MigrationStage::kBatchProcessing)].status,
            MigrationStatus::kCancelled);
  for (int s = static_cast<int>(MigrationStage::kClusterExecution); s < 7; ++s) {
    EXPECT_NE(stages[s].status, MigrationStatus::kCompleted) << s;
  }
  // Only the calls already running (one per worker) went through; 20 document batches
  // were planned.
  EXPECT_LE(faults.document_upserts(), config.batch_options->max_workers);
  auto task = storage_->catalog().GetTask(caller_.org_id, *m.task_id);
  ASSERT_TRUE(task.ok());
  EXPECT_EQ(task->status, model::TaskStatus::kCanceled);
}

TEST_F(MigrationRunnerTest, BatchThatFailsOnceSucceedsOnRetry) {
  MakeSource();
  auto config = Config(MigrationType::kCopy);
  std::string id = CreateDraft(config);
  const std::string target_id = MapId(id, source_.ns.namespace_id, false);
  storage_->Faults(target_id).FailNextObjectUpserts(1, Status::Unavailable("injected"));
  storage_->Faults(target_id).FailNextDocumentUpserts(1, Status::Unavailable("injected"));
  ASSERT_TRUE(migrations_->Start(caller_, id, false).ok());
  runner_->WaitIdle();
  model::Migration m = std::move(migrations_->Get(caller_, id)).value();
  ExpectCompletedProgress(m);
  auto plan = storage_->catalog().ListMigrationBatches(id, 0, 1000).value();
  int retried = 0;
  for (const auto& b : plan) {
    EXPECT_EQ(b.status, "completed") << b.batch_no;
    EXPECT_TRUE(b.attempts == 1 || b.attempts == 2) << b.attempts;
    retried += b.attempts == 2 ? 1 : 0;
  }
  EXPECT_EQ(retried, 2);  // one object batch, one document batch
  auto target = Target(m);
  ASSERT_NE(target, nullptr);
  EXPECT_EQ(target->CountObjects(MapId(id, bucket_.bucket_id, false)).value(), kObjects);
  EXPECT_EQ(target->CountDocuments(MapId(id, chained_.collection_id, false)).value(), 2 * kObjects);
}

// STYLE.md: whether a step is retried depends only on its code (IsRetryable). A batch
// that fails with a non-retryable code (DataLoss) must not be run again.
TEST_F(MigrationRunnerTest, NonRetryableBatchErrorIsNotRetried) {
  MakeSource();
  auto config = Config(MigrationType::kCopy);
  std::string id = CreateDraft(config);
  storage_->Faults(MapId(id, source_.ns.namespace_id, false))
      .FailNextObjectUpserts(1, Status::DataLoss("injected corruption"));
  ASSERT_TRUE(migrations_->Start(caller_, id, false).ok());
  runner_->WaitIdle();
  model::Migration m = std::move(migrations_->Get(caller_, id)).value();
  EXPECT_EQ(m.status, MigrationStatus::kFailed);
  EXPECT_NE(m.error_message.value_or("").find("injected corruption"), std::string::npos)
      << m.error_message.value_or("");
  for (const auto& b : Take(storage_->catalog().ListMigrationBatches(id, 0, 1000))) {
    EXPECT_LE(b.attempts, 1) << "batch " << b.batch_no << " was retried after a DataLoss";
  }
}

TEST_F(MigrationRunnerTest, BatchFailureWithoutRetryFailsTheMigration) {
  MakeSource();
  auto config = Config(MigrationType::kCopy);
  config.batch_options->retry_failed = false;
  std::string id = CreateDraft(config);
  storage_->Faults(MapId(id, source_.ns.namespace_id, false))
      .FailNextDocumentUpserts(1, Status::Unavailable("injected"));
  ASSERT_TRUE(migrations_->Start(caller_, id, false).ok());
  runner_->WaitIdle();
  model::Migration m = std::move(migrations_->Get(caller_, id)).value();
  EXPECT_EQ(m.status, MigrationStatus::kFailed);
  ASSERT_TRUE(m.error_message.has_value());
  auto plan = storage_->catalog().ListMigrationBatches(id, 0, 1000).value();
  std::vector<model::MigrationBatch> failed;
  for (const auto& b : plan) {
    if (b.status == "failed") failed.push_back(b);
  }
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].attempts, 1);
  EXPECT_EQ(failed[0].error, "injected");
  EXPECT_NE(m.error_message->find("batch " + std::to_string(failed[0].batch_no) + " of " +
                                  failed[0].resource_id),
            std::string::npos)
      << *m.error_message;
  EXPECT_NE(m.error_message->find("injected"), std::string::npos) << *m.error_message;
  EXPECT_EQ(m.progress.stages[static_cast<int>(MigrationStage::kBatchProcessing)].status,
            MigrationStatus::kFailed);
  EXPECT_NE(m.progress.stages[static_cast<int>(MigrationStage::kFinalization)].status,
            MigrationStatus::kCompleted);
}

TEST_F(MigrationRunnerTest, DiskFullFailsTheMigrationWithoutTouchingTheSource) {
  MakeSource();
  std::string before = DumpSource();
  auto config = Config(MigrationType::kCopy);
  config.batch_options->retry_failed = false;
  std::string id = CreateDraft(config);
  storage_->Faults(MapId(id, source_.ns.namespace_id, false)).SetDiskFull(true);
  ASSERT_TRUE(migrations_->Start(caller_, id, false).ok());
  runner_->WaitIdle();
  model::Migration m = std::move(migrations_->Get(caller_, id)).value();
  EXPECT_EQ(m.status, MigrationStatus::kFailed);
  EXPECT_NE(m.error_message.value_or("").find("disk full"), std::string::npos)
      << m.error_message.value_or("");
  EXPECT_EQ(DumpSource(), before);
}

TEST_F(MigrationRunnerTest, DateRangeMovesOnlyItemsCreatedInRange) {
  constexpr TimestampMs kBase = 1'700'000'000'000;
  MakeSource([](int i) { return kBase + i * 1000; });
  std::string before = DumpSource();
  auto config = Config(MigrationType::kCopy);
  model::ResourceFilter filter;
  filter.after = kBase + 5 * 1000;    // inclusive: objects 5…14
  filter.before = kBase + 15 * 1000;  // exclusive
  config.filters = filter;
  model::Migration m = Run(config);
  ExpectCompletedProgress(m);
  auto target = Target(m);
  ASSERT_NE(target, nullptr);
  const std::string& mig = m.migration_id;
  const std::string target_bucket = MapId(mig, bucket_.bucket_id, false);
  std::set<std::string> expected_objects;
  for (int i = 5; i < 15; ++i) expected_objects.insert(MapId(mig, object_ids_[i], false));
  std::set<std::string> moved;
  for (const auto& o : Take(target->ListObjects(target_bucket, kAll))) moved.insert(o.object_id);
  EXPECT_EQ(moved, expected_objects);
  for (const auto* c : {&sentences_, &chained_}) {
    auto docs = target->ListDocuments(MapId(mig, c->collection_id, false), kAll, false).value();
    EXPECT_EQ(docs.size(), 2u * 10u);
    for (const auto& d : docs) {
      EXPECT_EQ(expected_objects.count(d.lineage.root_object_id), 1u) << d.document_id;
      EXPECT_GE(d.created_at, *filter.after);
      EXPECT_LT(d.created_at, *filter.before);
    }
  }
  EXPECT_EQ(DumpSource(), before);
}

// Regression (SIGKILL crash test): batch_creation writes the plan in groups, and a run
// killed between two groups left part of a plan, which the resumed run kept — the items
// of the missing batches were never moved and verification failed.
TEST_F(MigrationRunnerTest, ResumeAfterACrashInBatchCreationPlansAgain) {
  MakeSource();
  std::string id = CreateDraft(Config(MigrationType::kCopy));
  runner_->Shutdown();  // the start is recorded, but the process "dies" before running it
  EXPECT_EQ(migrations_->Start(caller_, id, false).status().code(), StatusCode::kUnavailable);
  model::MigrationBatch first;  // what the first flush of the plan wrote
  first.migration_id = id;
  first.batch_no = 1;
  first.resource_id = bucket_.bucket_id;
  first.item_ids.assign(object_ids_.begin(), object_ids_.begin() + 5);
  ASSERT_TRUE(storage_->catalog().InsertMigrationBatches({first}).ok());

  MigrationRunner restarted(*deps_, *validator_);
  ASSERT_TRUE(restarted.Recover().ok());
  restarted.WaitIdle();
  model::Migration m = std::move(migrations_->Get(caller_, id)).value();
  ExpectCompletedProgress(m);
  EXPECT_EQ(m.progress.stages[static_cast<int>(MigrationStage::kBatchProcessing)].items_total,
            kObjects + 4 * kObjects);  // objects, and two sentences per object twice
  auto target = Target(m);
  ASSERT_NE(target, nullptr);
  EXPECT_EQ(target->CountObjects(MapId(id, bucket_.bucket_id, false)).value(), kObjects);
  EXPECT_EQ(target->CountDocuments(MapId(id, chained_.collection_id, false)).value(), 2 * kObjects);
}

// Regression (SIGKILL crash test): a resumed batch_processing stage started again from
// items_completed = 0 and added the batches finished before the restart only at its end,
// so GET showed the count (and the stage's percent) going backwards for the whole stage.
TEST_F(MigrationRunnerTest, ResumedBatchProcessingCountsFinishedBatchesFromItsStart) {
  MakeSource();
  std::string id = CreateDraft(Config(MigrationType::kCopy));
  auto& faults = storage_->Faults(MapId(id, source_.ns.namespace_id, false));
  faults.CloseGate();
  ASSERT_TRUE(migrations_->Start(caller_, id, false).ok());
  faults.WaitUntilBlocked(1);                      // objects are copied; documents wait at the gate
  std::thread stop([&] { runner_->Shutdown(); });  // pauses the run at an item boundary
  // The pause is signalled before the gate opens: otherwise (a loaded machine) the run
  // could finish every batch first, and the resumed run would never reach the gate.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!runner_->pause_signalled() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // pacing between polls
  }
  const bool signalled = runner_->pause_signalled();
  faults.OpenGate();
  stop.join();
  ASSERT_TRUE(signalled);
  int64_t done = 0;
  for (const auto& b : Take(storage_->catalog().ListMigrationBatches(id, 0, 1000))) {
    if (b.status == "completed") done += static_cast<int64_t>(b.item_ids.size());
  }
  ASSERT_GE(done, kObjects);

  faults.CloseGate();
  MigrationRunner restarted(*deps_, *validator_);
  ASSERT_TRUE(restarted.Recover().ok());
  faults.WaitUntilBlocked(1);  // the resumed stage is running; nothing new has finished
  model::Migration during = std::move(migrations_->Get(caller_, id)).value();
  const auto& stage = during.progress.stages[static_cast<int>(MigrationStage::kBatchProcessing)];
  EXPECT_EQ(stage.status, MigrationStatus::kInProgress);
  EXPECT_EQ(stage.items_completed, done);
  faults.OpenGate();
  restarted.WaitIdle();
  ExpectCompletedProgress(std::move(migrations_->Get(caller_, id)).value());
}

// Regression (SIGKILL crash test): a process killed inside Start left the migration in
// validating, which Recover skipped: it could then neither run nor be started again.
TEST_F(MigrationRunnerTest, StartInterruptedWhileValidatingBecomesADraftAgain) {
  MakeSource();
  std::string id = CreateDraft(Config(MigrationType::kCopy));
  model::Migration m = std::move(migrations_->Get(caller_, id)).value();
  m.status = MigrationStatus::kValidating;  // what Start persists before validating
  ASSERT_TRUE(storage_->catalog().UpdateMigration(m).ok());

  MigrationRunner restarted(*deps_, *validator_);
  ASSERT_TRUE(restarted.Recover().ok());
  EXPECT_EQ(std::move(migrations_->Get(caller_, id)).value().status, MigrationStatus::kDraft);
  ASSERT_TRUE(migrations_->Start(caller_, id, false).ok());
  runner_->WaitIdle();
  ExpectCompletedProgress(std::move(migrations_->Get(caller_, id)).value());
}

}  // namespace
}  // namespace ferry::migration
