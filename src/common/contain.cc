#include "common/contain.h"

#include <cxxabi.h>

#include <cstdlib>
#include <exception>
#include <new>
#include <string>
#include <typeinfo>

namespace ferry::internal {
namespace {

// "std::out_of_range" for the mangled "St12out_of_range"; the mangled name if that fails.
std::string Demangle(const char* mangled) {
  int status = 0;
  char* name = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  std::string out = status == 0 && name != nullptr ? name : mangled;
  std::free(name);  // NOLINT: __cxa_demangle allocates with malloc
  return out;
}

// The type of the exception being handled.
std::string CurrentExceptionType() {
  try {
    throw;
  } catch (const std::exception& e) {
    return Demangle(typeid(e).name());
  } catch (...) {
    const std::type_info* type = abi::__cxa_current_exception_type();
    return type != nullptr ? Demangle(type->name()) : "unknown exception";
  }
}

}  // namespace

Status ContainedException(const Logger* logger, std::string_view what) noexcept {
  try {
    std::string type = CurrentExceptionType();
    if (logger != nullptr) {
      logger->Error("exception contained", {{"work", std::string(what)}, {"exception", type}});
    }
    return Status::Internal(std::string(what) + " failed: internal error (" + type + ")");
  } catch (...) {  // out of memory even for the message: the code says enough
    return Status(StatusCode::kInternal, std::string());
  }
}

}  // namespace ferry::internal
