// ferry-live-bench: what a live migration costs (issue 13), in one process on the embedded
// storage, against baselines measured in the same run.
//
// 1. Sync after a re_extract: a namespace of N objects (one text_extractor v1 document
//    each) is re-extracted to v2 (timed: the baseline), then --changed-percent of its
//    objects get new texts through the ordinary logged client write (UpsertObjects), and
//    one sync pass is timed. It reports how many objects the pass re-derived and skipped,
//    and the sync's time as a share of the full re_extract (target: <= 5 % for 1 %).
// 2. Cutover pause: --pending more changes are written, and a cutover runs with its
//    catch-up pass turned off (LiveOptions::catch_up_before_pause = false), so every
//    pending change is applied inside the pause: the worst case. Reports the pause.
// 3. Ingest with and without the change log: objects are ingested the way a batch does
//    (the v1 extractor builds each object's document, then the documents are written), in
//    chunks of 1 000, into two fresh namespaces, alternating between a logged write
//    (UpsertDocuments) and an unlogged one (UpsertDocumentsFenced: the same rows without
//    log entries). Reports both rates and the log's cost to ingest throughput (target:
//    <= 10 %).
//
//   ferry-live-bench [--n N (100000)] [--changed-percent P (1)] [--pending K (1000)]
//                    [--ingest M (100000)] [--data-dir DIR (a temp dir)]
// Results: docs/benchmarks.md.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>

#include "common/crypto.h"
#include "migration/live_migrations.h"
#include "migration/migration_runner.h"
#include "migration/run_context.h"
#include "migration_timing.h"
#include "service/auth_service.h"
#include "service/document_builder.h"
#include "source_namespace.h"
#include "storage/sqlite/sqlite_storage_engine.h"
#include "synthetic_text.h"

namespace ferry::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Options {
  int64_t n = 100'000;
  double changed_percent = 1;
  int64_t pending = 1000;
  int64_t ingest = 100'000;
  std::string data_dir;
};

bool ParseOptions(int argc, char** argv, Options* o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--n") {
      o->n = std::atoll(v.c_str());
    } else if (k == "--changed-percent") {
      o->changed_percent = std::atof(v.c_str());
    } else if (k == "--pending") {
      o->pending = std::atoll(v.c_str());
    } else if (k == "--ingest") {
      o->ingest = std::atoll(v.c_str());
    } else if (k == "--data-dir") {
      o->data_dir = v;
    } else {
      return false;
    }
  }
  return argc % 2 == 1 && o->n > 0 && o->pending >= 0 && o->changed_percent >= 0;
}

// Gives objects [first, first + count) of the source new texts, in logged writes of 1 000.
Status ChangeObjects(storage::NamespaceStore& store, const SourceNamespace& source, int64_t first,
                     int64_t count, int64_t salt) {
  model::Page all{0, source.objects};
  FERRY_ASSIGN_OR_RETURN(auto objects, store.ListObjects(source.bucket_id, all));
  std::vector<model::Object> chunk;
  for (int64_t i = first; i < first + count && i < static_cast<int64_t>(objects.size()); ++i) {
    model::Object o = objects[static_cast<size_t>(i)];
    std::string text = SyntheticText(salt + i);
    o.blobs[0].content_hash = Sha256Hex(text);
    o.blobs[0].size_bytes = static_cast<int64_t>(text.size());
    o.blobs[0].data = model::Value(std::move(text));
    chunk.push_back(std::move(o));
    if (chunk.size() == 1000) {
      FERRY_RETURN_IF_ERROR(store.UpsertObjects(chunk));
      chunk.clear();
    }
  }
  return store.UpsertObjects(chunk);
}

struct IngestRates {
  double logged = 0;    // documents per second
  double unlogged = 0;  // documents per second
  // The median over chunks of (logged time / unlogged time) - 1: each chunk is written
  // both ways back to back, so a pair shares the machine's load of its moment, and the
  // median ignores the pairs a checkpoint or another process hit on one side.
  double median_cost = 0;
};

// Ingests `m` objects' documents twice, into two fresh namespaces (separate database
// files, so each side pays its own WAL checkpoints), chunk by chunk alternating the logged
// write and the unlogged one (and which goes first); extraction included in both.
Result<IngestRates> RunIngest(const service::ServiceDeps& deps, storage::NamespaceStore& source,
                              const SourceNamespace& from, int64_t m) {
  FERRY_ASSIGN_OR_RETURN(model::Collection col, source.GetCollection(from.collection_id));
  FERRY_ASSIGN_OR_RETURN(model::Bucket bucket, source.GetBucket(from.bucket_id));
  std::shared_ptr<storage::NamespaceStore> stores[2];
  for (int i = 0; i < 2; ++i) {
    const std::string ns = i == 0 ? "ns_ingest_logged" : "ns_ingest_unlogged";
    FERRY_RETURN_IF_ERROR(deps.storage.CreateNamespaceData(ns));
    FERRY_ASSIGN_OR_RETURN(stores[i], deps.storage.OpenNamespace(ns));
    FERRY_RETURN_IF_ERROR(stores[i]->InsertBucket(bucket));
    FERRY_RETURN_IF_ERROR(stores[i]->InsertCollection(col));
  }
  const auto* fx = deps.extractors.Find(col.extractor.name, col.extractor.version);
  if (fx == nullptr) return Status::Internal("no extractor");
  const size_t threads = std::max(1u, std::thread::hardware_concurrency());
  TimeoutPool pool(threads, std::chrono::seconds(60));
  double seconds[2] = {0, 0};
  int64_t docs = 0;
  std::vector<double> ratios;
  for (int64_t first = 0; first < m; first += 1000) {
    std::vector<model::Object> objects;
    for (int64_t i = first; i < std::min(m, first + 1000); ++i) {
      model::Object o;
      o.object_id = "obj_ingest_" + std::to_string(i);
      o.bucket_id = from.bucket_id;
      model::Blob b;
      b.property = "content";
      b.type = model::FieldType::kText;
      std::string text = SyntheticText(10'000'000 + i);
      b.content_hash = Sha256Hex(text);
      b.size_bytes = static_cast<int64_t>(text.size());
      b.data = model::Value(std::move(text));
      o.blobs.push_back(std::move(b));
      objects.push_back(std::move(o));
    }
    double pair[2] = {0, 0};
    for (int pass = 0; pass < 2; ++pass) {
      const int side = (pass + static_cast<int>(first / 1000)) % 2;  // 0: logged
      auto t = Clock::now();
      service::DocumentBuilder builder(col, *fx, deps.storage.blobs(), deps.clock.NowMs(),
                                       "btch_bench", std::chrono::seconds(60), &pool);
      FERRY_ASSIGN_OR_RETURN(auto built, builder.FromObjects(objects));
      std::vector<model::Document> out;
      for (auto& d : built) {
        for (auto& doc : d) out.push_back(std::move(doc));
      }
      if (side == 0) {
        FERRY_RETURN_IF_ERROR(stores[0]->UpsertDocuments(out));
      } else {
        FERRY_RETURN_IF_ERROR(stores[1]->UpsertDocumentsFenced({"bench/1", 1}, out));
        docs += static_cast<int64_t>(out.size());
      }
      pair[side] = Since(t);
      seconds[side] += pair[side];
    }
    ratios.push_back(pair[0] / pair[1]);
  }
  std::sort(ratios.begin(), ratios.end());
  return IngestRates{docs / seconds[0], docs / seconds[1], ratios[ratios.size() / 2] - 1.0};
}

Status Run(const Options& options) {
  Logger logger(LogLevel::kWarn);
  FERRY_ASSIGN_OR_RETURN(auto storage,
                         storage::sqlite::SqliteStorageEngine::Open(options.data_dir));
  auto extractors = extract::ExtractorRegistry::CreateBuiltin();
  SystemClock clock;
  service::ServiceDeps deps{*storage, *extractors, clock, logger};
  const int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  service::AuthService auth(deps);
  FERRY_ASSIGN_OR_RETURN(std::string key, auth.CreateKey("bench", std::nullopt));
  FERRY_ASSIGN_OR_RETURN(service::Caller caller, auth.Authenticate("Bearer " + key));
  service::BatchRunner batch_runner(deps, std::max(2, threads));
  service::NamespaceService namespaces(deps);
  service::BucketService buckets(deps);
  service::CollectionService collections(deps);
  service::BatchService batches(deps, batch_runner);
  migration::ExtractorSpeedTable speeds;
  migration::MigrationValidator validator(deps, speeds);
  migration::MigrationRunner runner(deps, validator);
  migration::MigrationService migrations(deps, validator, runner);
  migration::LiveOptions live_options;
  live_options.catch_up_before_pause = false;  // every pending change inside the pause
  migration::LiveMigrations live(deps, validator, nullptr, live_options);

  std::cerr << "setup: " << options.n << " objects ..." << std::endl;
  SetupServices setup{namespaces, buckets, collections, batches, batch_runner};
  FERRY_ASSIGN_OR_RETURN(SourceNamespace source,
                         BuildSourceNamespace(deps, setup, caller, "live-bench", options.n));
  FERRY_ASSIGN_OR_RETURN(auto store, storage->OpenNamespace(source.namespace_id));

  model::MigrationConfig config;
  config.source_namespace_id = source.namespace_id;
  config.migration_type = model::MigrationType::kReExtract;
  config.feature_extractors = std::vector<model::MigrationExtractor>{{"text_extractor", "v2", {}}};
  config.batch_options = model::BatchOptions{1000, threads, true};
  std::cerr << "re_extract ..." << std::endl;
  FERRY_ASSIGN_OR_RETURN(MigrationRun full, RunMigration(deps, migrations, runner, caller, config));

  const auto changed = static_cast<int64_t>(options.n * options.changed_percent / 100.0);
  std::cerr << "changing " << changed << " objects, then one sync ..." << std::endl;
  FERRY_RETURN_IF_ERROR(ChangeObjects(*store, source, 0, changed, 50'000'000));
  auto t = Clock::now();
  FERRY_ASSIGN_OR_RETURN(model::Migration synced, live.Sync(caller, full.migration_id, false));
  const double sync_seconds = Since(t);
  const migration::LiveState after_sync = migration::ReadLiveState(synced);

  std::cerr << options.pending << " pending changes, then a cutover ..." << std::endl;
  FERRY_RETURN_IF_ERROR(ChangeObjects(*store, source, changed, options.pending, 60'000'000));
  t = Clock::now();
  FERRY_ASSIGN_OR_RETURN(model::Migration cut, live.Cutover(caller, full.migration_id));
  const double cutover_seconds = Since(t);
  const migration::LiveState after_cut = migration::ReadLiveState(cut);

  std::cerr << "ingest with and without the change log: " << options.ingest << " objects ..."
            << std::endl;
  FERRY_ASSIGN_OR_RETURN(IngestRates ingest, RunIngest(deps, *store, source, options.ingest));

  std::printf("N = %lld objects, %d threads\n", static_cast<long long>(options.n), threads);
  std::printf("full re_extract: %.2f s (%.0f docs/s)\n", full.seconds,
              static_cast<double>(options.n) / full.seconds);
  std::printf("sync of %lld changed objects (%.2f %%): %.3f s = %.2f %% of the re_extract\n",
              static_cast<long long>(changed), options.changed_percent, sync_seconds,
              100.0 * sync_seconds / full.seconds);
  const auto& s = after_sync.synced;
  std::printf(
      "  items %lld, objects copied %lld, skipped %lld, re-derived %lld, documents "
      "written %lld, deleted %lld\n",
      static_cast<long long>(s.items), static_cast<long long>(s.objects_upserted),
      static_cast<long long>(s.objects_skipped), static_cast<long long>(s.objects_rederived),
      static_cast<long long>(s.documents_upserted), static_cast<long long>(s.documents_deleted));
  std::printf("  unchanged objects re-extracted: %lld\n",
              static_cast<long long>(s.objects_rederived - changed));
  std::printf(
      "cutover with %lld pending changes applied inside the pause: pause %lld ms "
      "(whole cutover %.3f s)\n",
      static_cast<long long>(options.pending), static_cast<long long>(after_cut.cutover_pause_ms),
      cutover_seconds);
  std::printf(
      "ingest (extract + write), %lld objects each way: logged %.0f docs/s, unlogged "
      "%.0f docs/s: the change log costs %.2f %% of ingest throughput (median over chunk "
      "pairs: %.2f %% more time per chunk)\n",
      static_cast<long long>(options.ingest), ingest.logged, ingest.unlogged,
      100.0 * (1.0 - ingest.logged / ingest.unlogged), 100.0 * ingest.median_cost);
  batch_runner.Shutdown();
  runner.Shutdown();
  live.Shutdown();
  storage->Close();
  return Status::Ok();
}

}  // namespace
}  // namespace ferry::bench

int main(int argc, char** argv) {
  ferry::bench::Options options;
  if (!ferry::bench::ParseOptions(argc, argv, &options)) {
    std::fprintf(stderr,
                 "usage: ferry-live-bench [--n N] [--changed-percent P] [--pending K] "
                 "[--ingest M] [--data-dir DIR]\n");
    return 64;
  }
  bool temp = options.data_dir.empty();
  if (temp) {
    char tmpl[] = "/tmp/ferry_live_bench_XXXXXX";
    options.data_dir = mkdtemp(tmpl);
  }
  ferry::Status st = ferry::bench::Run(options);
  if (temp) std::filesystem::remove_all(options.data_dir);
  if (!st.ok()) {
    std::fprintf(stderr, "ferry-live-bench: %s\n", st.ToString().c_str());
    return 1;
  }
  return 0;
}
