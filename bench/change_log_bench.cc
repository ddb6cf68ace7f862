// ferry-changelog-bench: what the change log (issue 13 §2) costs a document write, on the
// embedded SQLite storage, in one process. The same documents (synthetic 300–600 character
// texts with a 256-dim vector, 1 000 per write, like an ingestion batch's chunk) are
// written by two paths into two namespaces of one engine, alternating chunk by chunk:
//   logged:   DocumentStore::UpsertDocuments — a client write, with its change-log entries;
//   unlogged: BulkStore::UpsertDocumentsFenced — the same rows without entries (plus one
//             fence row per call).
// It prints both rates and the logged path's cost relative to the unlogged one: the
// change log's share of a document write. Storage only, so it bounds the cost to ingestion
// from above (an ingestion also runs the extractor). Results: docs/benchmarks.md.
//
//   ferry-changelog-bench [--n N (default 100000)] [--data-dir DIR (default: a temp dir)]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "model/resources.h"
#include "storage/sqlite/sqlite_storage_engine.h"
#include "synthetic_text.h"

namespace {

using ferry::Status;
using ferry::storage::NamespaceStore;
using Clock = std::chrono::steady_clock;

constexpr int kChunk = 1000;
constexpr int kDims = 256;

ferry::model::Document MakeDocument(const std::string& collection_id, int64_t i) {
  ferry::model::Document d;
  char id[32];
  std::snprintf(id, sizeof id, "doc_%024llx", static_cast<unsigned long long>(i));
  d.document_id = id;
  d.collection_id = collection_id;
  ferry::model::ValueObject fields;
  fields.Set("text", ferry::bench::SyntheticText(i));
  d.fields = ferry::model::Value(std::move(fields));
  ferry::model::FeatureVector v;
  v.feature_uri = "mixpeek://text_extractor@v1/text_embedding";
  v.values.resize(kDims);
  for (int k = 0; k < kDims; ++k) v.values[k] = static_cast<float>((i * 31 + k) % 97) / 97.0f;
  d.vectors.push_back(std::move(v));
  d.lineage.root_object_id = "obj_" + std::string(id + 4);
  d.lineage.root_bucket_id = "bkt_1";
  d.lineage.source_object_id = d.lineage.root_object_id;
  d.modality = "text";
  d.batch_id = "btch_1";
  d.created_at = d.updated_at = 1'700'000'000'000 + i;
  return d;
}

bool Check(const Status& st, const char* what) {
  if (st.ok()) return true;
  std::fprintf(stderr, "%s: %s\n", what, st.ToString().c_str());
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t n = 100'000;
  std::string dir;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--n") {
      n = std::atoll(argv[i + 1]);
    } else if (flag == "--data-dir") {
      dir = argv[i + 1];
    } else {
      std::fprintf(stderr, "usage: %s [--n N] [--data-dir DIR]\n", argv[0]);
      return 64;
    }
  }
  const bool temp = dir.empty();
  if (temp) {
    dir = (std::filesystem::temp_directory_path() / "ferry-changelog-bench-XXXXXX").string();
    if (mkdtemp(dir.data()) == nullptr) return 1;
  }
  auto engine = ferry::storage::sqlite::SqliteStorageEngine::Open(dir);
  if (!engine.ok()) return Check(engine.status(), "open") ? 0 : 1;
  std::shared_ptr<NamespaceStore> stores[2];
  const char* names[2] = {"ns_logged", "ns_unlogged"};
  for (int s = 0; s < 2; ++s) {
    if (!Check((*engine)->CreateNamespaceData(names[s]), "create namespace")) return 1;
    auto store = (*engine)->OpenNamespace(names[s]);
    if (!store.ok()) return Check(store.status(), "open namespace") ? 0 : 1;
    stores[s] = *store;
    ferry::model::Collection c;
    c.collection_id = "col_1";
    c.collection_name = "texts";
    if (!Check(stores[s]->InsertCollection(c), "collection")) return 1;
  }
  double seconds[2] = {0, 0};
  for (int64_t start = 0, round = 0; start < n; start += kChunk, ++round) {
    std::vector<ferry::model::Document> chunk;
    for (int64_t i = start; i < std::min(n, start + kChunk); ++i) {
      chunk.push_back(MakeDocument("col_1", i));
    }
    for (int k = 0; k < 2; ++k) {
      const int s = (round + k) % 2;  // alternate which path goes first
      auto t0 = Clock::now();
      Status st = s == 0 ? stores[0]->UpsertDocuments(chunk)
                         : stores[1]->UpsertDocumentsFenced({"bench/1", 1}, chunk);
      seconds[s] += std::chrono::duration<double>(Clock::now() - t0).count();
      if (!Check(st, names[s])) return 1;
    }
  }
  auto logged = stores[0]->LatestChangeSeq();
  std::printf("ferry-changelog-bench  N=%lld  chunk=%d  storage=sqlite (embedded)\n",
              static_cast<long long>(n), kChunk);
  std::printf("logged   (UpsertDocuments)        %8.2f s  %9.0f docs/s  (%lld log entries)\n",
              seconds[0], n / seconds[0], logged.ok() ? static_cast<long long>(*logged) : -1LL);
  std::printf("unlogged (UpsertDocumentsFenced)  %8.2f s  %9.0f docs/s\n", seconds[1],
              n / seconds[1]);
  std::printf("change log cost = %.1f%% of a document write's time (logged/unlogged rate %.3f)\n",
              100.0 * (seconds[0] - seconds[1]) / seconds[0], seconds[1] / seconds[0]);
  stores[0].reset();
  stores[1].reset();
  engine->reset();
  if (temp) std::filesystem::remove_all(dir);
  return 0;
}
