// url_guard.h: parsing webhook URLs and checking where they lead.

#include "migration/webhooks/url_guard.h"

#include <algorithm>
#include <cctype>

namespace ferry::migration::webhooks {
namespace {

Status Malformed(std::string_view why) {
  std::string message = "invalid webhook_url: ";
  return Status::InvalidArgument(message.append(why));
}

std::string Lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool HasSpaceOrControl(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](unsigned char c) { return c <= 0x20 || c == 0x7f; });
}

// "host", "host:port", "[v6]" or "[v6]:port" into target->host / port.
Status ParseAuthority(std::string_view authority, WebhookTarget* target) {
  if (authority.find('@') != std::string_view::npos) return Malformed("credentials in the URL");
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return Malformed("unterminated IPv6 literal");
    target->host = Lowercase(authority.substr(1, close - 1));
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return Malformed("junk after IPv6 literal");
    if (!rest.empty()) port = rest.substr(1);
  } else {
    const size_t colon = authority.find(':');
    target->host = Lowercase(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (target->host.empty()) return Malformed("no host");
  if (target->host.find('%') != std::string::npos) return Malformed("zone id in the host");
  if (port.empty()) return Status::Ok();
  if (port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return Malformed("bad port");
  }
  target->port = std::stoi(std::string(port));
  if (target->port < 1 || target->port > 65535) return Malformed("port out of range");
  return Status::Ok();
}

}  // namespace

Result<WebhookTarget> ParseWebhookUrl(std::string_view url) {
  if (HasSpaceOrControl(url)) return Malformed("whitespace or control characters");
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos) return Malformed("not an absolute URL");
  WebhookTarget target;
  target.scheme = Lowercase(url.substr(0, sep));
  if (target.scheme != "http" && target.scheme != "https") {
    return Malformed("scheme must be http or https");
  }
  target.port = target.scheme == "https" ? 443 : 80;
  std::string_view rest = url.substr(sep + 3);
  const size_t end = rest.find_first_of("/?#");
  FERRY_RETURN_IF_ERROR(ParseAuthority(rest.substr(0, end), &target));
  // An empty path, or one that starts with the query, is the root.
  const std::string_view tail = end == std::string_view::npos ? "" : rest.substr(end);
  if (tail.empty() || tail.front() != '/') target.path.push_back('/');
  target.path.append(tail);
  return target;
}

Status CheckWebhookUrl(std::string_view url, bool allow_private, const HostResolver& resolve) {
  FERRY_ASSIGN_OR_RETURN(WebhookTarget target, ParseWebhookUrl(url));
  if (allow_private) return Status::Ok();
  FERRY_ASSIGN_OR_RETURN(std::vector<std::string> addresses, resolve(target.host));
  for (const std::string& address : addresses) {
    FERRY_ASSIGN_OR_RETURN(AddressScope scope, ClassifyAddress(address));
    if (scope == AddressScope::kPublic) continue;
    return Status::InvalidArgument("webhook_url host " + target.host + " resolves to a " +
                                   AddressScopeName(scope) + " address (" + address +
                                   "); set webhooks.allow_private_targets to allow it");
  }
  return Status::Ok();
}

}  // namespace ferry::migration::webhooks
