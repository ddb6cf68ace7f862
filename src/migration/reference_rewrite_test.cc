#include "migration/reference_rewrite.h"

#include <gtest/gtest.h>

namespace ferry::migration {
namespace {

using model::Value;
using model::ValueArray;
using model::ValueObject;

ReferenceMap Refs() {
  return ReferenceMap({{"col_1", "col_t1"}, {"tax_1", "tax_1"}},
                      {{"mixpeek://text_extractor@v1/", "mixpeek://text_extractor@v2/"}});
}

TEST(ReferenceRewriteTest, MapsIdsAndFeatureUrisDeep) {
  ValueObject search;
  search.Set("feature_uri", "mixpeek://text_extractor@v1/embedding");
  search.Set("top_k", int64_t{5});
  ValueObject params;
  params.Set("searches", Value(ValueArray{Value(std::move(search))}));
  params.Set("collection", "col_1");
  params.Set("other", "col_2");                                   // not migrated: unchanged
  params.Set("image", "mixpeek://image_extractor@v1/embedding");  // version not changed
  Value out = Refs().Rewrite(Value(std::move(params)));
  EXPECT_EQ(out.GetPath("collection")->as_string(), "col_t1");
  EXPECT_EQ(out.GetPath("other")->as_string(), "col_2");
  EXPECT_EQ(out.GetPath("image")->as_string(), "mixpeek://image_extractor@v1/embedding");
  const auto& searches = out.GetPath("searches")->as_array();
  EXPECT_EQ(searches[0].GetPath("feature_uri")->as_string(),
            "mixpeek://text_extractor@v2/embedding");
  EXPECT_EQ(searches[0].GetPath("top_k")->as_int(), 5);
}

TEST(ReferenceRewriteTest, RewritesRetrieverDefinition) {
  model::Retriever r;
  r.retriever_id = "ret_1";
  r.collection_ids = {"col_1", "col_x"};
  model::RetrieverStage st;
  st.stage_id = "feature_search";
  ValueObject p;
  p.Set("feature_uri", "mixpeek://text_extractor@v1/embedding");
  st.parameters = Value(std::move(p));
  r.stages = {st};
  model::Retriever t = RewriteRetriever(Refs(), r, "ret_new");
  EXPECT_EQ(t.retriever_id, "ret_new");
  EXPECT_EQ(t.collection_ids, std::vector<std::string>({"col_t1", "col_x"}));
  EXPECT_EQ(t.stages[0].parameters.GetPath("feature_uri")->as_string(),
            "mixpeek://text_extractor@v2/embedding");
  // The source definition is untouched.
  EXPECT_EQ(r.stages[0].parameters.GetPath("feature_uri")->as_string(),
            "mixpeek://text_extractor@v1/embedding");
}

}  // namespace
}  // namespace ferry::migration
