#pragma once
// Thread names, as `top -H`, `ps -L`, perf and gdb show them: every long-lived thread of
// ferryd says what it is for ("ferry-extract", "ferry-docwriter", …).

#include <string>
#include <string_view>

namespace ferry {

// Names the calling thread. Linux keeps the first 15 bytes.
void NameCurrentThread(std::string_view name);
// The calling thread's name ("" when it cannot be read).
std::string CurrentThreadName();

}  // namespace ferry
