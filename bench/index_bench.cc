// ferry-index-bench: exact vs HNSW cosine search on seeded random unit vectors.
// Prints build times, queries/s, HNSW recall@10 against exact at several ef_search
// values, and peak RSS. Results: docs/index-benchmarks.md.
//
//   ferry-index-bench [--n 100000] [--dim 128] [--queries 1000] [--ef 64,128,256]
//                     [--data uniform|clustered]

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "index/exact_index.h"
#include "index/hnsw_index.h"
#include "index/random_vectors.h"
#include "index/vector_math.h"

namespace ferry::index {
namespace {

constexpr size_t kTopK = 10;

struct BenchOptions {
  size_t n = 100'000;
  size_t dim = 128;
  size_t queries = 1000;
  std::vector<size_t> ef_values = {64, 128, 256};
  // "uniform": directions uniform on the sphere, the worst case for graph search (no
  // structure). "clustered": 1000 Gaussian clusters, nearer to real embeddings.
  std::string data = "uniform";
};

bool ParseArgs(int argc, char** argv, BenchOptions& options) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--n") {
      options.n = std::strtoull(value, nullptr, 10);
    } else if (flag == "--dim") {
      options.dim = std::strtoull(value, nullptr, 10);
    } else if (flag == "--queries") {
      options.queries = std::strtoull(value, nullptr, 10);
    } else if (flag == "--data") {
      options.data = value;
    } else if (flag == "--ef") {
      options.ef_values.clear();
      for (char* p = const_cast<char*>(value); *p != '\0'; p += (*p == ',')) {
        options.ef_values.push_back(std::strtoull(p, &p, 10));
      }
    } else {
      return false;
    }
  }
  return argc % 2 == 1 && options.n > 0 && options.dim > 0 && options.queries > 0 &&
         (options.data == "uniform" || options.data == "clustered");
}

// `count` unit vectors around kClusters random centres: centre + Gaussian noise of
// expected norm 0.5, normalised. Queries come from the same clusters (another seed).
std::vector<float> ClusteredUnitVectors(size_t count, size_t dim, uint64_t seed) {
  constexpr size_t kClusters = 1000;
  const std::vector<float> centres = RandomUnitVectors(kClusters, dim, 7);
  std::vector<float> out = RandomUnitVectors(count, dim, seed);  // noise directions
  std::mt19937_64 rng(seed + 1);
  for (size_t i = 0; i < count; ++i) {
    std::span<float> row = std::span<float>(out).subspan(i * dim, dim);
    const size_t c = rng() % kClusters;
    for (size_t d = 0; d < dim; ++d) row[d] = centres[c * dim + d] + 0.5f * row[d];
    Normalize(row);
  }
  return out;
}

std::vector<float> Vectors(const std::string& data, size_t count, size_t dim, uint64_t seed) {
  return data == "clustered" ? ClusteredUnitVectors(count, dim, seed)
                             : RandomUnitVectors(count, dim, seed);
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

long PeakRssMib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

std::string Id(size_t row) { return std::to_string(row); }

// Adds every row; returns seconds taken, or a negative number on failure.
double Build(VectorIndex& index, const std::vector<float>& rows, size_t dim) {
  const auto start = std::chrono::steady_clock::now();
  for (size_t row = 0; row < rows.size() / dim; ++row) {
    Status st = index.Add(Id(row), std::span<const float>(rows).subspan(row * dim, dim));
    if (!st.ok()) {
      std::fprintf(stderr, "add failed: %s\n", st.ToString().c_str());
      return -1.0;
    }
  }
  return Seconds(start);
}

// Runs every query; fills `results` and returns queries per second.
double RunQueries(const VectorIndex& index, const std::vector<float>& queries, size_t dim,
                  std::vector<std::vector<Hit>>& results) {
  results.clear();
  const auto start = std::chrono::steady_clock::now();
  for (size_t q = 0; q < queries.size() / dim; ++q) {
    auto hits = index.Search(std::span<const float>(queries).subspan(q * dim, dim), kTopK);
    results.push_back(hits.ok() ? std::move(hits).value() : std::vector<Hit>{});
  }
  return static_cast<double>(results.size()) / Seconds(start);
}

double MeanRecall(const std::vector<std::vector<Hit>>& exact,
                  const std::vector<std::vector<Hit>>& approx) {
  double sum = 0.0;
  for (size_t q = 0; q < exact.size(); ++q) {
    size_t found = 0;
    for (const Hit& e : exact[q]) {
      for (const Hit& a : approx[q]) found += a.id == e.id;
    }
    sum += exact[q].empty() ? 1.0 : static_cast<double>(found) / exact[q].size();
  }
  return sum / exact.size();
}

int Run(const BenchOptions& o) {
  std::printf("data=%s n=%zu dim=%zu queries=%zu k=%zu\n", o.data.c_str(), o.n, o.dim, o.queries,
              kTopK);
  const std::vector<float> rows = Vectors(o.data, o.n, o.dim, 1);
  const std::vector<float> queries = Vectors(o.data, o.queries, o.dim, 2);
  ExactIndex exact(o.dim);
  const double exact_build = Build(exact, rows, o.dim);
  auto hnsw = HnswIndex::Create(o.dim, HnswOptions{.initial_capacity = o.n});
  if (!hnsw.ok() || exact_build < 0) return 1;
  const double hnsw_build = Build(**hnsw, rows, o.dim);
  if (hnsw_build < 0) return 1;
  std::printf("build   exact %.2f s, hnsw %.2f s (%.0f inserts/s)\n", exact_build, hnsw_build,
              o.n / hnsw_build);
  std::vector<std::vector<Hit>> truth;
  std::vector<std::vector<Hit>> approx;
  std::printf("exact   %.1f queries/s\n", RunQueries(exact, queries, o.dim, truth));
  for (size_t ef : o.ef_values) {
    if (!(*hnsw)->SetEfSearch(ef).ok()) return 1;
    const double qps = RunQueries(**hnsw, queries, o.dim, approx);
    std::printf("hnsw    ef_search=%zu recall@10=%.4f %.1f queries/s\n", ef,
                MeanRecall(truth, approx), qps);
  }
  std::printf("peak RSS %ld MiB\n", PeakRssMib());
  return 0;
}

}  // namespace
}  // namespace ferry::index

int main(int argc, char** argv) {
  ferry::index::BenchOptions options;
  if (!ferry::index::ParseArgs(argc, argv, options)) {
    std::fprintf(stderr,
                 "usage: ferry-index-bench [--n 100000] [--dim 128] [--queries 1000] "
                 "[--ef 64,128,256] [--data uniform|clustered]\n");
    return 2;
  }
  return ferry::index::Run(options);
}
