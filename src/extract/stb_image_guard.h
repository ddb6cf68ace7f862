#pragma once
// stb_image runs inside a guard. Debian's libstb keeps stb's assert()s, and its 2022
// snapshot lets a malformed JPEG reach one (stbi__jpeg_huff_decode: a Huffman code that
// is not in its table; found by fuzz/image_decoder_fuzzer) — an abort of the whole
// server from one uploaded file; without the assert the same code reads past the table.
// So Ferry compiles stb_image itself (stb_image_impl.cc, JPEG and PNG only) with:
// - STBI_ASSERT throwing StbAssertionFailed, which DecodeAndSample turns into a failed
//   item, and
// - stb's allocations recorded by the innermost StbAllocationScope of the thread, which
//   frees whatever the unwound decoder left behind.

#include <cstddef>
#include <unordered_set>

namespace ferry::extract {

struct StbAssertionFailed {};

// Every allocation stb makes on this thread while the scope lives is freed at its end
// unless stb freed it first. Scopes do not nest.
class StbAllocationScope {
 public:
  StbAllocationScope();
  ~StbAllocationScope();
  StbAllocationScope(const StbAllocationScope&) = delete;
  StbAllocationScope& operator=(const StbAllocationScope&) = delete;

 private:
  std::unordered_set<void*> live_;
};

namespace stb_guard {
[[noreturn]] void AssertionFailed();
void* Malloc(size_t size);
void* Realloc(void* p, size_t size);
void Free(void* p);
}  // namespace stb_guard

}  // namespace ferry::extract
