// ferry-bench: builds a namespace of N text objects, runs a copy and a re_extract
// migration in-process, and compares them with two baselines measured in the same run
// (see baselines.h; on PostgreSQL, --storage, pg_baselines.h). Prints a table;
// docs/benchmarks.md has the figures and the method.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>

#include "baselines.h"
#include "bench_options.h"
#include "common/ids.h"
#include "migration/migration_runner.h"
#include "migration/migration_service.h"
#include "migration_timing.h"
#include "pg_baselines.h"
#include "pg_copy_ceiling.h"
#include "process_memory.h"
#include "service/auth_service.h"
#include "source_namespace.h"
#include "storage/postgres/pg_storage_engine.h"
#include "storage/sqlite/sqlite_storage_engine.h"
#include "writer_baseline.h"

namespace ferry::bench {
namespace {

// Copy must reach this share of the store's own INSERT … SELECT (SQLite's, or
// PostgreSQL's with --storage); re_extract this share of the extractor alone (the issues'
// targets).
constexpr double kCopyTarget = 0.5;
constexpr double kReExtractTarget = 0.8;

struct Results {
  int64_t n = 0;
  int64_t workers = 0;
  int64_t batch_size = 0;
  int threads = 0;
  double setup_seconds = 0;
  MigrationRun copy;
  std::optional<MigrationRun> re_extract;  // absent with --no-re-extract
  // The same two migrations of a reference namespace (--reference-n), run first.
  int64_t reference_n = 0;
  std::optional<MigrationRun> reference_copy;
  std::optional<MigrationRun> reference_re_extract;
  std::optional<SqliteBaselines> sqlite;    // embedded store
  std::optional<PgBaselines> pg;            // --storage postgresql://…
  std::optional<BaselineRun> copy_ceiling;  // C, on PostgreSQL
  BaselineRun extractor;
  std::optional<BaselineRun> writer;  // W, after a re_extract
};

double Rate(int64_t items, double seconds) {
  return seconds > 0 ? static_cast<double>(items) / seconds : 0;
}

double Mib(int64_t kib) { return static_cast<double>(kib) / 1024.0; }

std::string PhaseRss(const MigrationRun& r) {
  if (!r.phase_peak_rss_kib) return "n/a";
  char buf[96];
  std::snprintf(buf, sizeof buf, "peak %.1f MiB (start %.1f, +%.1f)", Mib(*r.phase_peak_rss_kib),
                Mib(r.rss_before_kib), Mib(*r.phase_peak_rss_kib - r.rss_before_kib));
  return buf;
}

void PrintCopyBaseline(const Results& r, double copy_rate) {
  const BaselineRun& a = r.sqlite ? r.sqlite->insert_select : r.pg->insert_select;
  const double copy_ratio = copy_rate / a.per_second();
  std::printf("\nbaseline A row size: %lld bytes (fields + vector)\n",
              static_cast<long long>(r.sqlite ? r.sqlite->row_bytes : r.pg->row_bytes));
  std::printf("copy / A          = %.3f  (target >= %.1f: %s)\n", copy_ratio, kCopyTarget,
              copy_ratio >= kCopyTarget ? "met" : "MISSED");
  if (r.sqlite) {
    std::printf("copy / A'         = %.3f\n", copy_rate / r.sqlite->row_by_row.per_second());
  }
  if (r.copy_ceiling && r.copy_ceiling->per_second() > 0) {
    // C produces the copy's rows and indexes with nothing of the migration around them.
    std::printf("C / A             = %.3f  [the ceiling of copy / A on this machine]\n",
                r.copy_ceiling->per_second() / a.per_second());
    std::printf("copy / C          = %.3f  [the share of C the migration keeps]\n",
                copy_rate / r.copy_ceiling->per_second());
  }
}

// A re_extract writes through one document writer: W bounds it on any number of cores.
// B grows with the cores; 0.8 × B reaches W at W / (0.8 × B per core) cores.
void PrintWriterCeiling(const Results& r, double re_docs) {
  const double w = r.writer->per_second();
  const double b_per_core = r.extractor.per_second() / r.threads;
  std::printf("re_extract / W    = %.3f  [documents/s; W: one writer, any core count]\n",
              re_docs / w);
  std::printf("0.8 x B reaches W at %.1f cores of this machine's speed\n",
              w / (kReExtractTarget * b_per_core));
}

void PrintResults(const Results& r) {
  const double copy_rate = Rate(r.copy.items_completed, r.copy.seconds);
  std::printf("\nferry-bench  N=%lld  workers=%lld  batch_size=%lld  cores=%d  storage=%s\n",
              static_cast<long long>(r.n), static_cast<long long>(r.workers),
              static_cast<long long>(r.batch_size), r.threads,
              r.pg ? "postgresql" : "sqlite (embedded)");
  std::printf("%-34s %10s %10s %12s\n", "phase", "items", "seconds", "items/s");
  auto row = [](const char* name, int64_t items, double secs) {
    std::printf("%-34s %10lld %10.2f %12.0f\n", name, static_cast<long long>(items), secs,
                Rate(items, secs));
  };
  row("setup (objects+documents)", 2 * r.n, r.setup_seconds);
  row("copy migration (objects+docs)", r.copy.items_completed, r.copy.seconds);
  if (r.sqlite) {
    row("A: sqlite INSERT..SELECT (rows)", r.sqlite->insert_select.items,
        r.sqlite->insert_select.seconds);
    row("A': same, WHERE 1 (row by row)", r.sqlite->row_by_row.items, r.sqlite->row_by_row.seconds);
  } else {
    row("A: postgresql INSERT..SELECT (rows)", r.pg->insert_select.items,
        r.pg->insert_select.seconds);
    if (r.copy_ceiling) {
      row("C: pg load + index, no migration", r.copy_ceiling->items, r.copy_ceiling->seconds);
    }
  }
  if (r.re_extract) {
    row("re_extract migration (documents)", r.re_extract->target_documents, r.re_extract->seconds);
    row("re_extract migration (objs+docs)", r.re_extract->items_completed, r.re_extract->seconds);
    row("B: text_extractor v2 alone", r.extractor.items, r.extractor.seconds);
  }
  if (r.writer) row("W: document writes alone (1 thread)", r.writer->items, r.writer->seconds);
  for (const MigrationRun* m : {&r.copy, r.re_extract ? &*r.re_extract : nullptr}) {
    if (m == nullptr) continue;
    std::printf("%s stages (s):", m == &r.copy ? "copy" : "re_extract");
    for (const auto& [name, secs] : m->stage_seconds) std::printf(" %s=%.2f", name.c_str(), secs);
    std::printf("\n");
  }
  if (r.reference_copy) {
    const double ref_copy = Rate(r.reference_copy->items_completed, r.reference_copy->seconds);
    std::printf("reference N=%lld in this process: copy %.0f items/s\n",
                static_cast<long long>(r.reference_n), ref_copy);
    std::printf("copy at N / copy at N=%lld             = %.3f\n",
                static_cast<long long>(r.reference_n), copy_rate / ref_copy);
    if (r.re_extract && r.reference_re_extract) {
      const double ref_re =
          Rate(r.reference_re_extract->target_documents, r.reference_re_extract->seconds);
      std::printf("reference re_extract %.0f docs/s; re_extract at N / at N=%lld = %.3f\n", ref_re,
                  static_cast<long long>(r.reference_n),
                  Rate(r.re_extract->target_documents, r.re_extract->seconds) / ref_re);
    }
  }
  PrintCopyBaseline(r, copy_rate);
  if (r.re_extract) {
    const double re_docs = Rate(r.re_extract->target_documents, r.re_extract->seconds);
    const double re_items = Rate(r.re_extract->items_completed, r.re_extract->seconds);
    const double re_ratio = re_docs / r.extractor.per_second();
    std::printf("re_extract / B    = %.3f  (target >= %.1f: %s)  [documents/s]\n", re_ratio,
                kReExtractTarget, re_ratio >= kReExtractTarget ? "met" : "MISSED");
    std::printf("re_extract(items) / B = %.3f  [objects+documents/s]\n",
                re_items / r.extractor.per_second());
    if (r.writer && r.writer->per_second() > 0) PrintWriterCeiling(r, re_docs);
  }
  std::printf("failed items: copy %lld, re_extract %lld\n",
              static_cast<long long>(r.copy.items_failed),
              static_cast<long long>(r.re_extract ? r.re_extract->items_failed : 0));
  std::printf("RSS during copy:       %s\n", PhaseRss(r.copy).c_str());
  if (r.re_extract) std::printf("RSS during re_extract: %s\n", PhaseRss(*r.re_extract).c_str());
  std::printf("peak RSS of the process (ru_maxrss): %.1f MiB\n", Mib(PeakRssKib()));
}

// The embedded store in data_dir, or PostgreSQL at options.storage. The webhook secret
// key is random: the bench creates no webhooks.
Result<std::unique_ptr<storage::StorageEngine>> OpenBenchStorage(const BenchOptions& options,
                                                                 const std::string& data_dir) {
  if (options.storage.empty()) {
    FERRY_ASSIGN_OR_RETURN(auto engine, storage::sqlite::SqliteStorageEngine::Open(data_dir));
    return std::unique_ptr<storage::StorageEngine>(std::move(engine));
  }
  storage::postgres::PgOptions pg;
  pg.url = options.storage;
  FERRY_ASSIGN_OR_RETURN(auto engine, storage::postgres::PgStorageEngine::Open(pg, RandomHex(16)));
  return std::unique_ptr<storage::StorageEngine>(std::move(engine));
}

// Writes back every dirty page before a timed phase, so that no phase pays for the
// writeback of the one before: a commit's fsync (A's, a checkpoint's) otherwise waits for
// the previous phase's hundreds of MB of dirty pages on ext4, and A measured 0.5 s or 2.2 s
// for the same rows depending on how fast the copy before it had run.
void Quiesce() { ::sync(); }

// Baseline A of the store the bench runs on, for the source collection.
Status RunCopyBaseline(const BenchOptions& options, const std::string& data_dir,
                       const SourceNamespace& source, Results* r) {
  if (!options.storage.empty()) {
    std::cerr << "baseline A (postgresql INSERT ... SELECT) ..." << std::endl;
    const std::string schema = storage::postgres::PgOptions{}.schema;
    FERRY_ASSIGN_OR_RETURN(
        r->pg, RunPgBaseline(options.storage, schema, source.namespace_id, source.collection_id));
    std::cerr << "baseline C (postgresql load and index, no migration) ..." << std::endl;
    Quiesce();
    FERRY_ASSIGN_OR_RETURN(r->copy_ceiling,
                           RunPgCopyCeiling(options.storage, schema, source.namespace_id));
    return Status::Ok();
  }
  std::cerr << "baseline A (sqlite INSERT ... SELECT) ..." << std::endl;
  const std::string ns_db = data_dir + "/ns/" + source.namespace_id + ".db";
  FERRY_ASSIGN_OR_RETURN(r->sqlite,
                         RunSqliteBaseline(data_dir + "/baseline.db", ns_db, source.collection_id));
  return Status::Ok();
}

Status Run(const BenchOptions& options, const std::string& data_dir) {
  Logger logger(LogLevel::kWarn);
  FERRY_ASSIGN_OR_RETURN(auto storage, OpenBenchStorage(options, data_dir));
  auto extractors = extract::ExtractorRegistry::CreateBuiltin();
  SystemClock clock;
  service::ServiceDeps deps{*storage, *extractors, clock, logger};
  const int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  Results r;
  r.n = options.n;
  r.threads = threads;
  r.workers = options.workers != 0 ? options.workers : threads;
  r.batch_size = options.batch_size;

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
  migration::MigrationRunner migration_runner(deps, validator);
  migration::MigrationService migrations(deps, validator, migration_runner);

  model::MigrationConfig config;
  config.batch_options = model::BatchOptions{options.batch_size, r.workers, true};
  SetupServices setup{namespaces, buckets, collections, batches, batch_runner};
  if (options.reference_n > 0 && options.reference_n != options.n) {
    std::cerr << "reference: " << options.reference_n << " objects ..." << std::endl;
    FERRY_ASSIGN_OR_RETURN(
        SourceNamespace reference,
        BuildSourceNamespace(deps, setup, caller, "bench-reference-" + RandomHex(4),
                             options.reference_n));
    r.reference_n = options.reference_n;
    config.source_namespace_id = reference.namespace_id;
    config.migration_type = model::MigrationType::kCopy;
    Quiesce();
    FERRY_ASSIGN_OR_RETURN(r.reference_copy,
                           RunMigration(deps, migrations, migration_runner, caller, config));
    config.migration_type = model::MigrationType::kReExtract;
    config.feature_extractors =
        std::vector<model::MigrationExtractor>{{"text_extractor", "v2", {}}};
    if (options.re_extract) {
      Quiesce();
      FERRY_ASSIGN_OR_RETURN(r.reference_re_extract,
                             RunMigration(deps, migrations, migration_runner, caller, config));
    }
    config.feature_extractors.reset();
  }
  std::cerr << "setup: " << options.n << " objects ..." << std::endl;
  auto start = std::chrono::steady_clock::now();
  std::string name = "bench-source-";
  name.append(RandomHex(4));
  FERRY_ASSIGN_OR_RETURN(SourceNamespace source,
                         BuildSourceNamespace(deps, setup, caller, name, options.n));
  r.setup_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  config.source_namespace_id = source.namespace_id;
  config.migration_type = model::MigrationType::kCopy;
  std::cerr << "copy migration ..." << std::endl;
  Quiesce();
  FERRY_ASSIGN_OR_RETURN(r.copy, RunMigration(deps, migrations, migration_runner, caller, config));

  Quiesce();
  FERRY_RETURN_IF_ERROR(RunCopyBaseline(options, data_dir, source, &r));
  if (options.re_extract) {
    config.migration_type = model::MigrationType::kReExtract;
    config.feature_extractors =
        std::vector<model::MigrationExtractor>{{"text_extractor", "v2", {}}};
    std::cerr << "re_extract migration ..." << std::endl;
    Quiesce();
    FERRY_ASSIGN_OR_RETURN(r.re_extract,
                           RunMigration(deps, migrations, migration_runner, caller, config));
    std::cerr << "baseline B (extractor alone) ..." << std::endl;
    const extract::FeatureExtractor* v2 = extractors->Find("text_extractor", "v2");
    if (v2 == nullptr) return Status::Internal("text_extractor v2 is not registered");
    Quiesce();
    FERRY_ASSIGN_OR_RETURN(r.extractor, RunExtractorBaseline(*v2, options.n, threads));
    std::cerr << "baseline W (document writes alone) ..." << std::endl;
    Quiesce();
    FERRY_ASSIGN_OR_RETURN(
        r.writer, RunWriterBaseline(deps, setup, caller, r.re_extract->target_namespace_id));
  }

  PrintResults(r);
  batch_runner.Shutdown();
  migration_runner.Shutdown();
  storage->Close();
  return Status::Ok();
}

}  // namespace
}  // namespace ferry::bench

int main(int argc, char** argv) {
  using namespace ferry::bench;
  auto options = ParseBenchOptions(argc, argv);
  if (!options.ok()) {
    std::cerr << options.status().ToString() << "\n" << BenchUsage();
    return 2;
  }
  if (options->help) {
    std::cout << BenchUsage();
    return 0;
  }
  std::string data_dir = options->data_dir;
  const bool temporary = data_dir.empty();
  if (temporary) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ferry-bench-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      std::perror("mkdtemp");
      return 1;
    }
    data_dir = tmpl;
  }
  ferry::Status st = Run(*options, data_dir);
  if (temporary) std::filesystem::remove_all(data_dir);
  if (!st.ok()) {
    std::cerr << "ferry-bench failed: " << st.ToString() << "\n";
    return 1;
  }
  return 0;
}
