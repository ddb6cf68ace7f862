// stb_image's implementation, compiled for Ferry (see stb_image_guard.h for why):
// assertions throw and allocations are tracked, JPEG and PNG only.
#include "extract/stb_image_guard.h"

#define STBI_ASSERT(x) ((x) ? (void)0 : ::ferry::extract::stb_guard::AssertionFailed())
#define STBI_MALLOC(size) ::ferry::extract::stb_guard::Malloc(size)
#define STBI_REALLOC(p, size) ::ferry::extract::stb_guard::Realloc(p, size)
#define STBI_FREE(p) ::ferry::extract::stb_guard::Free(p)
#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>
