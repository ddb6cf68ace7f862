// Fuzzes the webhook URL guard (migration/webhooks/url_guard): URL syntax, address
// literals and the SSRF check. Input: the URL on the first line; each following line is
// an address the (fake, DNS-free) resolver returns for the URL's host.
//
// Invariants checked: a parsed URL has an http(s) scheme, a host and a port 1-65535; a
// URL accepted without allow_private resolves only to addresses classified public.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "migration/webhooks/url_guard.h"

namespace wh = ferry::migration::webhooks;

namespace {

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

void CheckParsed(const wh::WebhookTarget& t) {
  if (t.scheme != "http" && t.scheme != "https") std::abort();
  if (t.host.empty() || t.port < 1 || t.port > 65535) std::abort();
  if (t.path.empty() || t.path.front() != '/') std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> lines = SplitLines(text);
  const std::string& url = lines.front();
  std::vector<std::string> addresses(lines.begin() + 1, lines.end());

  auto parsed = wh::ParseWebhookUrl(url);
  if (parsed.ok()) CheckParsed(*parsed);
  (void)wh::ClassifyAddress(url);
  for (const auto& a : addresses) (void)wh::ClassifyAddress(a);
  if (size >= 16) {
    std::array<uint8_t, 16> v6;
    std::memcpy(v6.data(), data, 16);
    (void)wh::AddressScopeName(wh::ClassifyIpv6(v6));
    (void)wh::ClassifyIpv4({data[0], data[1], data[2], data[3]});
  }

  auto resolve = [&](const std::string&) -> ferry::Result<std::vector<std::string>> {
    if (addresses.empty()) return ferry::Status::Unavailable("no address");
    return addresses;
  };
  ferry::Status strict = wh::CheckWebhookUrl(url, /*allow_private=*/false, resolve);
  ferry::Status lax = wh::CheckWebhookUrl(url, /*allow_private=*/true, resolve);
  if (strict.ok()) {
    if (!parsed.ok() || !lax.ok()) std::abort();
    // Every address the host resolved to must be a public address literal.
    for (const auto& a : addresses) {
      auto scope = wh::ClassifyAddress(a);
      if (!scope.ok() || *scope != wh::AddressScope::kPublic) std::abort();
    }
  }
  return 0;
}
