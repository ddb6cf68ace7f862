#include "migration/webhooks/url_guard.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace ferry::migration::webhooks {
namespace {

AddressScope ScopeOf(const std::string& literal) {
  Result<AddressScope> scope = ClassifyAddress(literal);
  EXPECT_TRUE(scope.ok()) << literal;
  return scope.ok() ? *scope : AddressScope::kPublic;
}

TEST(UrlGuardTest, ParsesHttpAndHttpsUrls) {
  Result<WebhookTarget> t = ParseWebhookUrl("HTTPS://Hooks.Example.com/in?x=1");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->scheme, "https");
  EXPECT_EQ(t->host, "hooks.example.com");
  EXPECT_EQ(t->port, 443);
  EXPECT_EQ(t->path, "/in?x=1");

  t = ParseWebhookUrl("http://[2001:db8::1]:8080");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->host, "2001:db8::1");
  EXPECT_EQ(t->port, 8080);
  EXPECT_EQ(t->path, "/");
}

TEST(UrlGuardTest, RefusesMalformedUrls) {
  for (const char* url :
       {"ftp://example.com/", "file:///etc/passwd", "gopher://x", "example.com/hook",
        "http://user:pw@example.com/", "http://example.com@10.0.0.1/", "http:///path",
        "http://example.com:0/", "http://example.com:65536/", "http://example.com:8x/",
        "http://[::1/", "http://[fe80::1%25eth0]/", "http://exa mple.com/", "http://[::1]x/",
        "http://example.com/\n"}) {
    Result<WebhookTarget> t = ParseWebhookUrl(url);
    EXPECT_FALSE(t.ok()) << url;
    if (!t.ok()) {
      EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument) << url;
    }
  }
}

TEST(UrlGuardTest, ClassifiesIpv4Ranges) {
  const std::map<std::string, AddressScope> cases = {
      {"127.0.0.1", AddressScope::kLoopback},       {"127.255.1.2", AddressScope::kLoopback},
      {"10.1.2.3", AddressScope::kPrivate},         {"172.16.0.1", AddressScope::kPrivate},
      {"172.31.255.255", AddressScope::kPrivate},   {"172.32.0.1", AddressScope::kPublic},
      {"172.15.0.1", AddressScope::kPublic},        {"192.168.1.1", AddressScope::kPrivate},
      {"100.64.0.1", AddressScope::kPrivate},       {"169.254.169.254", AddressScope::kLinkLocal},
      {"0.0.0.0", AddressScope::kUnspecified},      {"224.0.0.1", AddressScope::kMulticast},
      {"255.255.255.255", AddressScope::kReserved}, {"8.8.8.8", AddressScope::kPublic},
      {"203.0.113.5", AddressScope::kPublic},
  };
  for (const auto& [literal, scope] : cases) {
    EXPECT_EQ(ScopeOf(literal), scope) << literal;
  }
}

TEST(UrlGuardTest, ClassifiesIpv6RangesAndEmbeddedIpv4) {
  const std::map<std::string, AddressScope> cases = {
      {"::1", AddressScope::kLoopback},
      {"::", AddressScope::kUnspecified},
      {"fc00::1", AddressScope::kPrivate},
      {"fdab::1", AddressScope::kPrivate},
      {"fe80::1", AddressScope::kLinkLocal},
      {"febf::1", AddressScope::kLinkLocal},
      {"ff02::1", AddressScope::kMulticast},
      {"2001:db8::1", AddressScope::kPublic},
      {"::ffff:127.0.0.1", AddressScope::kLoopback},
      {"::ffff:10.0.0.1", AddressScope::kPrivate},
      {"::ffff:169.254.169.254", AddressScope::kLinkLocal},
      {"::ffff:8.8.8.8", AddressScope::kPublic},
      {"64:ff9b::192.168.0.1", AddressScope::kPrivate},
      {"2002:7f00:1::", AddressScope::kLoopback},
      {"::10.0.0.1", AddressScope::kPrivate},
  };
  for (const auto& [literal, scope] : cases) {
    EXPECT_EQ(ScopeOf(literal), scope) << literal;
  }
  EXPECT_EQ(ClassifyAddress("not-an-ip").status().code(), StatusCode::kInvalidArgument);
}

TEST(UrlGuardTest, RefusesPrivateTargetsUnlessAllowed) {
  for (const char* url : {"http://127.0.0.1:8080/hook", "http://[::1]/", "http://10.0.0.7/",
                          "https://169.254.169.254/latest/meta-data",
                          "http://[::ffff:192.168.0.1]/", "http://0.0.0.0/"}) {
    const Status refused = CheckWebhookUrl(url, /*allow_private=*/false);
    EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument) << url;
    EXPECT_NE(refused.message().find("allow_private_targets"), std::string::npos) << url;
    EXPECT_TRUE(CheckWebhookUrl(url, /*allow_private=*/true).ok()) << url;
  }
  EXPECT_TRUE(CheckWebhookUrl("https://203.0.113.5/hook", false).ok());
  EXPECT_TRUE(CheckWebhookUrl("https://[2001:db8::5]/hook", false).ok());
}

TEST(UrlGuardTest, RefusesAHostWhenAnyOfItsAddressesIsPrivate) {
  const HostResolver resolver = [](const std::string& host) -> Result<std::vector<std::string>> {
    if (host == "mixed.example") return std::vector<std::string>{"203.0.113.9", "10.0.0.1"};
    if (host == "public.example") return std::vector<std::string>{"203.0.113.9"};
    return Status::Unavailable("no such host");
  };
  const Status mixed = CheckWebhookUrl("https://mixed.example/", false, resolver);
  EXPECT_EQ(mixed.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(mixed.message().find("private"), std::string::npos) << mixed.message();
  EXPECT_TRUE(CheckWebhookUrl("https://public.example/", false, resolver).ok());
  EXPECT_EQ(CheckWebhookUrl("https://gone.example/", false, resolver).code(),
            StatusCode::kUnavailable);  // may resolve later: retried, not abandoned
}

}  // namespace
}  // namespace ferry::migration::webhooks
