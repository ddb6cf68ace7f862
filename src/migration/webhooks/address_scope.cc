// url_guard.h: classifying and resolving addresses.

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <memory>
#include <optional>

#include "migration/webhooks/url_guard.h"

namespace ferry::migration::webhooks {
namespace {

std::array<uint8_t, 4> Embedded(const std::array<uint8_t, 16>& a, size_t offset) {
  return {a[offset], a[offset + 1], a[offset + 2], a[offset + 3]};
}

bool AllZero(const std::array<uint8_t, 16>& a, size_t from, size_t to) {
  for (size_t i = from; i < to; ++i) {
    if (a[i] != 0) return false;
  }
  return true;
}

// The IPv6 forms that carry an IPv4 address, classified by that address; nullopt otherwise.
std::optional<AddressScope> ClassifyEmbeddedIpv4(const std::array<uint8_t, 16>& a) {
  const bool zero_prefix = AllZero(a, 0, 10);
  if (zero_prefix && a[10] == 0xff && a[11] == 0xff) return ClassifyIpv4(Embedded(a, 12));
  if (zero_prefix && a[10] == 0 && a[11] == 0) return ClassifyIpv4(Embedded(a, 12));
  if (a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xff && a[3] == 0x9b && AllZero(a, 4, 12)) {
    return ClassifyIpv4(Embedded(a, 12));
  }
  if (a[0] == 0x20 && a[1] == 0x02) return ClassifyIpv4(Embedded(a, 2));
  return std::nullopt;
}

}  // namespace

const char* AddressScopeName(AddressScope scope) {
  switch (scope) {
    case AddressScope::kPublic:
      return "public";
    case AddressScope::kLoopback:
      return "loopback";
    case AddressScope::kPrivate:
      return "private";
    case AddressScope::kLinkLocal:
      return "link-local";
    case AddressScope::kUnspecified:
      return "unspecified";
    case AddressScope::kMulticast:
      return "multicast";
    case AddressScope::kReserved:
      return "reserved";
  }
  return "reserved";
}

AddressScope ClassifyIpv4(std::array<uint8_t, 4> a) {
  if (a[0] == 0) return AddressScope::kUnspecified;
  if (a[0] == 127) return AddressScope::kLoopback;
  if (a[0] == 10) return AddressScope::kPrivate;
  if (a[0] == 172 && (a[1] & 0xf0) == 16) return AddressScope::kPrivate;
  if (a[0] == 192 && a[1] == 168) return AddressScope::kPrivate;
  if (a[0] == 100 && (a[1] & 0xc0) == 64) return AddressScope::kPrivate;  // carrier-grade NAT
  if (a[0] == 169 && a[1] == 254) return AddressScope::kLinkLocal;
  if ((a[0] & 0xf0) == 224) return AddressScope::kMulticast;
  if ((a[0] & 0xf0) == 240) return AddressScope::kReserved;
  return AddressScope::kPublic;
}

AddressScope ClassifyIpv6(const std::array<uint8_t, 16>& a) {
  if (AllZero(a, 0, 16)) return AddressScope::kUnspecified;
  if (AllZero(a, 0, 15) && a[15] == 1) return AddressScope::kLoopback;
  if (auto embedded = ClassifyEmbeddedIpv4(a)) return *embedded;
  if ((a[0] & 0xfe) == 0xfc) return AddressScope::kPrivate;                    // fc00::/7
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0) return AddressScope::kPrivate;    // fec0::/10
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) return AddressScope::kLinkLocal;  // fe80::/10
  if (a[0] == 0xff) return AddressScope::kMulticast;
  return AddressScope::kPublic;
}

Result<AddressScope> ClassifyAddress(std::string_view literal) {
  const std::string text(literal);
  std::array<uint8_t, 4> v4;
  if (inet_pton(AF_INET, text.c_str(), v4.data()) == 1) return ClassifyIpv4(v4);
  std::array<uint8_t, 16> v6;
  if (inet_pton(AF_INET6, text.c_str(), v6.data()) == 1) return ClassifyIpv6(v6);
  return Status::InvalidArgument("not an IP address: " + text);
}

AddressScope ClassifySockaddr(const sockaddr* address) {
  if (address->sa_family == AF_INET) {
    std::array<uint8_t, 4> v4;
    std::memcpy(v4.data(), &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, 4);
    return ClassifyIpv4(v4);
  }
  if (address->sa_family == AF_INET6) {
    std::array<uint8_t, 16> v6;
    std::memcpy(v6.data(), &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, 16);
    return ClassifyIpv6(v6);
  }
  return AddressScope::kReserved;
}

Result<std::vector<std::string>> ResolveHost(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (rc != 0) {
    return Status::Unavailable("cannot resolve " + host + ": " + gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owner(found, freeaddrinfo);
  std::vector<std::string> addresses;
  for (const addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* raw =
        ai->ai_family == AF_INET
            ? static_cast<const void*>(&reinterpret_cast<const sockaddr_in*>(ai->ai_addr)->sin_addr)
            : static_cast<const void*>(
                  &reinterpret_cast<const sockaddr_in6*>(ai->ai_addr)->sin6_addr);
    if (inet_ntop(ai->ai_family, raw, text, sizeof(text)) != nullptr) addresses.push_back(text);
  }
  if (addresses.empty()) return Status::Unavailable("no addresses for " + host);
  return addresses;
}

}  // namespace ferry::migration::webhooks
