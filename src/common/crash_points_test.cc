#include "common/crash_points.h"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>

#include "common/ids.h"

namespace ferry {
namespace {

TEST(CrashPointsTest, ParsesSpecsAndRefusesMalformedOnes) {
  EXPECT_TRUE(CrashPoints::Parse("").ok());
  EXPECT_TRUE(CrashPoints::Parse("bulk_copy.before_commit=3,fenced_write.before_commit=1").ok());
  for (const char* bad : {"x", "=3", "x=", "x=0", "x=-1", "x=3y", "x=1,,"}) {
    EXPECT_EQ(CrashPoints::Parse(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(CrashPointsTest, UnarmedPointsDoNothing) {
  auto points = CrashPoints::Parse("").value();
  for (int i = 0; i < 100; ++i) points->Reached("bulk_copy.before_commit");
  auto other = CrashPoints::Parse("a=1").value();
  other->Reached("b");
}

TEST(CrashPointsDeathTest, KillsTheProcessOnTheArmedVisitOnly) {
  auto points = CrashPoints::Parse("a=3").value();
  points->Reached("a");
  points->Reached("a");
  EXPECT_EXIT(points->Reached("a"), ::testing::KilledBySignal(SIGKILL), "");
}

TEST(MapResourceIdTest, IsAPureFunctionKeepingThePrefix) {
  std::string id = MapResourceId("mig_1", "doc_0123", false);
  EXPECT_EQ(id, MapResourceId("mig_1", "doc_0123", false));
  EXPECT_NE(id, MapResourceId("mig_2", "doc_0123", false));
  EXPECT_EQ(id.substr(0, 4), "doc_");
  EXPECT_EQ(id.size(), 4u + 24u);
  EXPECT_EQ(MapResourceId("mig_1", "plain", false).substr(0, 3), "id_");
  EXPECT_EQ(MapResourceId("mig_1", "doc_0123", true), "doc_0123");
}

// Known answers, shared with the crash test's Python map_id (tests/crash).
TEST(MapResourceIdTest, CanonicalIdsAreOffsetOthersHashed) {
  EXPECT_EQ(MapResourceId("mig_1", "doc_ffffffffffffffffffffffff", false),
            "doc_38342be8b4bf2813a512462b");  // wraps around 2^96
  EXPECT_EQ(MapResourceId("mig_1", "doc_000000000000000000000001", false),
            "doc_38342be8b4bf2813a512462d");
  EXPECT_EQ(MapResourceId("mig_1", "plain", false), "id_f83c166ef612d437f8ef9bb4");
  EXPECT_EQ(MapResourceId("mig_1", "doc_NOTHEX000000000000000000", false).size(), 28u);
}

TEST(MapResourceIdTest, KeepsTheOrderOfConsecutiveIds) {
  std::string previous;
  for (int i = 0; i < 200; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "obj_0000000000000000%08x", 0x1000 * i);
    std::string mapped = MapResourceId("mig_order", id, false);
    if (!previous.empty()) {
      EXPECT_LT(previous, mapped) << id;
    }
    previous = mapped;
  }
}

TEST(ShiftedIdTest, IsMapResourceIdsRuleWithAnyPrefixAndKey) {
  EXPECT_EQ(ShiftedId("doc", "obj_000000000000000000000001", "mig_1"),
            "doc_38342be8b4bf2813a512462d");  // the offset of "mig_1", as above
  EXPECT_EQ(ShiftedId("x", "doc_ffffffffffffffffffffffff", "mig_1"), "x_38342be8b4bf2813a512462b");
  EXPECT_EQ(ShiftedId("doc", "plain", "k"), std::nullopt);
  EXPECT_EQ(ShiftedId("doc", "obj_0123", "k"), std::nullopt);
  EXPECT_EQ(ShiftedId("doc", "obj_0000000000000000000000AB", "k"), std::nullopt);  // upper case
  // Interleaved keys on one thread: each call uses its own key's offset.
  const auto a = ShiftedId("d", "o_000000000000000000000001", "a");
  const auto b = ShiftedId("d", "o_000000000000000000000001", "b");
  EXPECT_NE(a, b);
  EXPECT_EQ(ShiftedId("d", "o_000000000000000000000001", "a"), a);
}

TEST(MapResourceIdTest, LineagePathsMapEachPart) {
  EXPECT_EQ(MapLineagePath("m", "bkt_1/col_2", false),
            MapResourceId("m", "bkt_1", false) + "/" + MapResourceId("m", "col_2", false));
  EXPECT_EQ(MapLineagePath("m", "", false), "");
  EXPECT_EQ(MapLineagePath("m", "bkt_1/col_2", true), "bkt_1/col_2");
}

}  // namespace
}  // namespace ferry
