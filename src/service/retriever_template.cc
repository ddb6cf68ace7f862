#include "service/retriever_template.h"

#include <algorithm>
#include <string_view>

namespace ferry::service {
namespace {

using model::Value;

// Appends `piece` unless that makes `out` longer than the limit.
bool Append(std::string_view piece, std::string* out) {
  if (out->size() + piece.size() > kMaxRenderedTemplateBytes) return false;
  out->append(piece);
  return true;
}

// Appends the value of one "{{ … }}" expression (`expr`, braces included): the input it
// names, or the expression verbatim when it names none.
bool AppendExpression(std::string_view expr, const Value& inputs, std::string* out) {
  std::string_view inner = expr.substr(2, expr.size() - 4);
  inner.remove_prefix(std::min(inner.size(), inner.find_first_not_of(' ')));
  inner.remove_suffix(inner.size() - (inner.find_last_not_of(' ') + 1));
  std::string_view name;
  for (std::string_view prefix : {"inputs.", "INPUT.", "INPUTS.", "input."}) {
    if (inner.starts_with(prefix)) name = inner.substr(prefix.size());
  }
  if (name.empty()) return Append(expr, out);  // not an input reference: kept verbatim
  const Value* v = inputs.GetPath(name);
  if (v == nullptr) return true;
  if (v->is_string()) return Append(v->as_string(), out);
  if (v->is_int()) return Append(std::to_string(v->as_int()), out);
  if (v->is_double()) return Append(std::to_string(v->as_double()), out);
  if (v->is_bool()) return Append(v->as_bool() ? "true" : "false", out);
  return true;
}

}  // namespace

Result<std::string> RenderTemplate(const std::string& text, const Value& inputs) {
  std::string out;
  bool fits = true;
  for (size_t pos = 0; fits;) {
    const size_t open = text.find("{{", pos);
    const size_t close = open == std::string::npos ? open : text.find("}}", open + 2);
    if (close == std::string::npos) {
      fits = Append(std::string_view(text).substr(pos), &out);
      break;
    }
    const std::string_view all(text);
    fits = Append(all.substr(pos, open - pos), &out) &&
           AppendExpression(all.substr(open, close + 2 - open), inputs, &out);
    pos = close + 2;
  }
  if (!fits) {
    return Status::InvalidArgument("the query template renders to more than " +
                                   std::to_string(kMaxRenderedTemplateBytes) +
                                   " bytes, the limit (each {{inputs.NAME}} adds its input again)");
  }
  return out;
}

}  // namespace ferry::service
