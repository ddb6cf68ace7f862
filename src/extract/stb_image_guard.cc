#include "extract/stb_image_guard.h"

#include <cstdlib>

namespace ferry::extract {
namespace {
thread_local std::unordered_set<void*>* t_live = nullptr;
}  // namespace

StbAllocationScope::StbAllocationScope() { t_live = &live_; }

StbAllocationScope::~StbAllocationScope() {
  t_live = nullptr;
  for (void* p : live_) std::free(p);
}

namespace stb_guard {

void AssertionFailed() { throw StbAssertionFailed{}; }

void* Malloc(size_t size) {
  void* p = std::malloc(size);
  if (p != nullptr && t_live != nullptr) t_live->insert(p);
  return p;
}

void* Realloc(void* p, size_t size) {
  void* q = std::realloc(p, size);
  if (q != nullptr && t_live != nullptr) {
    if (p != nullptr) t_live->erase(p);
    t_live->insert(q);
  }
  return q;
}

void Free(void* p) {
  if (p != nullptr && t_live != nullptr) t_live->erase(p);
  std::free(p);
}

}  // namespace stb_guard
}  // namespace ferry::extract
