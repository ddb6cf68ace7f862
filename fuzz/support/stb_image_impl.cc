// stb_image's decoder, compiled into image_decoder_fuzzer from the same header that
// extract/image_decoder.cc includes (Debian's libstb-dev), so that it is built with the
// fuzzer's coverage instrumentation and ASan + UBSan. The executable's definitions take
// precedence over libstb.so's (ELF symbol interposition): ferry_extract calls these.
#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>
