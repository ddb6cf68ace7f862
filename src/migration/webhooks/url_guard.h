#pragma once
// Which webhook targets Ferry may call. A receiver is named by an http(s) URL; its host
// must resolve only to public addresses, so a tenant cannot make Ferry reach loopback,
// private-network or link-local services (SSRF), unless the operator allows private
// targets (FERRY_WEBHOOK_ALLOW_PRIVATE=1, config webhooks.allow_private_targets).
// Everything here is thread-safe.

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

struct sockaddr;

namespace ferry::migration::webhooks {

// A parsed webhook URL. The host is lowercase, without brackets for IPv6 literals.
struct WebhookTarget {
  std::string scheme;  // "http" | "https"
  std::string host;
  int port = 0;      // explicit, or 80 / 443
  std::string path;  // path and query, "/" when empty
};

// Syntax only (no DNS): http or https, a host, an optional port 1–65535; refuses
// userinfo ("user@host"), IPv6 zone ids, whitespace and control characters.
// InvalidArgument says why.
Result<WebhookTarget> ParseWebhookUrl(std::string_view url);

enum class AddressScope {
  kPublic,
  kLoopback,     // 127/8, ::1
  kPrivate,      // 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7, fec0::/10
  kLinkLocal,    // 169.254/16, fe80::/10
  kUnspecified,  // 0/8, ::
  kMulticast,    // 224/4, ff00::/8
  kReserved,     // 240/4 (includes the broadcast address)
};
const char* AddressScopeName(AddressScope scope);

// `address` in network byte order. IPv6 forms that embed an IPv4 address (mapped
// ::ffff:0:0/96, compatible ::/96, NAT64 64:ff9b::/96, 6to4 2002::/16) are classified by
// the embedded address.
AddressScope ClassifyIpv4(std::array<uint8_t, 4> address);
AddressScope ClassifyIpv6(const std::array<uint8_t, 16>& address);
// A literal "203.0.113.5" or "2001:db8::1"; InvalidArgument when it is neither.
Result<AddressScope> ClassifyAddress(std::string_view literal);
// An AF_INET / AF_INET6 socket address; other families are kReserved.
AddressScope ClassifySockaddr(const sockaddr* address);

// Resolves a host name (or literal) to its address literals. Injectable for tests.
using HostResolver = std::function<Result<std::vector<std::string>>(const std::string& host)>;
// getaddrinfo; Unavailable when resolution fails (it may succeed later). Blocks on DNS.
Result<std::vector<std::string>> ResolveHost(const std::string& host);

// Parses `url` and resolves its host; InvalidArgument when the URL is malformed or any
// address is not public (unless `allow_private`), Unavailable when resolution fails.
Status CheckWebhookUrl(std::string_view url, bool allow_private,
                       const HostResolver& resolve = ResolveHost);

}  // namespace ferry::migration::webhooks
