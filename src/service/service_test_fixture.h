#pragma once
// The fixture of the service tests: real embedded storage in a temporary directory, the
// built-in extractors, and a seeded namespace (MakeFixture).

#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "service/bucket_service.h"
#include "service/collection_service.h"
#include "service/namespace_service.h"
#include "storage/sqlite/sqlite_storage_engine.h"

namespace ferry::service {

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ferry_service_test_XXXXXX";
    dir_ = mkdtemp(tmpl);
    storage_ = std::move(storage::sqlite::SqliteStorageEngine::Open(dir_)).value();
    extractors_ = extract::ExtractorRegistry::CreateBuiltin();
    deps_ = std::make_unique<ServiceDeps>(ServiceDeps{*storage_, *extractors_, clock_, logger_});
  }
  void TearDown() override {
    storage_->Close();
    std::filesystem::remove_all(dir_);
  }

  // A namespace with bucket "b" (text property "content") and a text_extractor v1
  // collection over it; returns the handle.
  NamespaceHandle MakeFixture(const Caller& caller) {
    NamespaceService namespaces(*deps_);
    model::NamespaceCreate nc;
    nc.namespace_name = "fixture";
    nc.feature_extractors = {{"text_extractor", "v1", {}}};
    auto ns = namespaces.Create(caller, nc);
    EXPECT_TRUE(ns.ok()) << ns.status().ToString();
    auto h = std::move(namespaces.Resolve(caller, ns->namespace_id)).value();
    BucketService buckets(*deps_);
    model::BucketCreate bc;
    bc.bucket_name = "b";
    bc.schema.properties.push_back({"content", model::FieldType::kText, false, {}});
    model::ValidationIssues issues;
    bucket_ = std::move(buckets.Create(h, bc, &issues)).value();
    CollectionService collections(*deps_);
    model::CollectionCreate cc;
    cc.collection_name = "texts";
    cc.source.bucket_ids = {bucket_.bucket_id};
    cc.extractor.name = "text_extractor";
    cc.extractor.version = "v1";
    auto col = collections.Create(h, cc, &issues);
    EXPECT_TRUE(col.ok()) << col.status().ToString();
    collection_ = *col;
    for (const char* text : {"alpha beta", "gamma delta", "epsilon"}) {
      model::ObjectCreate oc;
      model::BlobCreate blob;
      blob.property = "content";
      blob.type = model::FieldType::kText;
      blob.data = model::Value(text);
      oc.blobs.push_back(blob);
      object_ids_.push_back(std::move(buckets.CreateObject(h, "b", oc, &issues)).value().object_id);
    }
    return h;
  }

  std::string dir_;
  SystemClock clock_;
  Logger logger_{LogLevel::kError};
  std::unique_ptr<storage::sqlite::SqliteStorageEngine> storage_;
  std::unique_ptr<extract::ExtractorRegistry> extractors_;
  std::unique_ptr<ServiceDeps> deps_;
  model::Bucket bucket_;
  model::Collection collection_;
  std::vector<std::string> object_ids_;
};

// A text extractor that hangs on the text "hang" until the test releases it.
class HangingExtractor final : public extract::FeatureExtractor {
 public:
  explicit HangingExtractor(std::shared_future<void> release) : release_(std::move(release)) {
    info_.name = "hang_extractor";
    info_.version = "v1";
    info_.input_name = "text";
    info_.input_type = "text";
    info_.dimensions = 2;
    info_.default_parameters = model::Value(model::ValueObject{});
  }
  const extract::ExtractorInfo& info() const override { return info_; }
  Status ValidateParameters(const model::Value&) const override { return Status::Ok(); }
  Result<std::vector<extract::ExtractedDocument>> Extract(const extract::ExtractorInput& in,
                                                          const model::Value&) const override {
    if (in.text == "hang") release_.wait();
    model::ValueObject fields;
    fields.Set("text", in.text);
    return std::vector<extract::ExtractedDocument>{{model::Value(fields), {1.0f, 0.0f}}};
  }

 private:
  extract::ExtractorInfo info_;
  std::shared_future<void> release_;
};

}  // namespace ferry::service
