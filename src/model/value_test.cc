#include "model/value.h"

#include <gtest/gtest.h>

namespace ferry::model {
namespace {

TEST(ValueTest, EncodeDecodeRoundTripsEveryKind) {
  ValueObject inner;
  inner.Set("b", true);
  inner.Set("n", nullptr);
  ValueArray arr{Value(1), Value(-7), Value(2.5), Value("x")};
  ValueObject root;
  root.Set("arr", arr);
  root.Set("inner", inner);
  root.Set("big", int64_t{-9223372036854775807LL});
  Value v(root);
  Value back;
  ASSERT_TRUE(DecodeValue(EncodeValue(v), &back));
  EXPECT_EQ(v, back);
  EXPECT_EQ(back.GetPath("inner.b")->as_bool(), true);
  EXPECT_EQ(back.Get("big")->as_int(), -9223372036854775807LL);
}

TEST(ValueTest, DecodeRejectsTruncatedInput) {
  ValueObject o;
  o.Set("key", "a long string value");
  std::string bytes = EncodeValue(Value(o));
  Value back;
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(DecodeValue(std::string_view(bytes).substr(0, n), &back)) << n;
  }
}

TEST(ValueTest, CopyOnWriteDoesNotAliasCopies) {
  ValueObject o;
  o.Set("a", 1);
  Value v1(o);
  Value v2 = v1;
  v2.mutable_object().Set("a", 2);
  EXPECT_EQ(v1.Get("a")->as_int(), 1);
  EXPECT_EQ(v2.Get("a")->as_int(), 2);
}

}  // namespace
}  // namespace ferry::model
