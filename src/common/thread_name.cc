#include "common/thread_name.h"

#include <pthread.h>

namespace ferry {

namespace {
constexpr size_t kMaxNameBytes = 15;  // the kernel's TASK_COMM_LEN minus the NUL
}  // namespace

void NameCurrentThread(std::string_view name) {
  const std::string kept(name.substr(0, kMaxNameBytes));
  pthread_setname_np(pthread_self(), kept.c_str());
}

std::string CurrentThreadName() {
  char buf[kMaxNameBytes + 1] = {};
  if (pthread_getname_np(pthread_self(), buf, sizeof(buf)) != 0) return "";
  return buf;
}

}  // namespace ferry
