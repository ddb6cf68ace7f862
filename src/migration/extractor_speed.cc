#include "migration/extractor_speed.h"

#include <chrono>
#include <cstdint>

namespace ferry::migration {

namespace {

uint32_t Crc32(const std::string& data, size_t begin) {
  uint32_t crc = 0xffffffffu;
  for (size_t i = begin; i < data.size(); ++i) {
    crc ^= static_cast<uint8_t>(data[i]);
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

void PutBe32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}

void Chunk(std::string* png, const char* type, const std::string& payload) {
  PutBe32(png, static_cast<uint32_t>(payload.size()));
  std::string body = type;
  body += payload;
  png->append(body);
  PutBe32(png, Crc32(body, 0));
}

// zlib stream of stored (uncompressed) deflate blocks.
std::string ZlibStored(const std::string& raw) {
  std::string z = "\x78\x01";
  uint32_t a = 1;
  uint32_t b = 0;
  for (unsigned char c : raw) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  for (size_t pos = 0; pos < raw.size() || pos == 0; pos += 65535) {
    size_t n = std::min<size_t>(65535, raw.size() - pos);
    bool last = pos + n >= raw.size();
    z.push_back(last ? 1 : 0);
    z.push_back(static_cast<char>(n & 0xff));
    z.push_back(static_cast<char>(n >> 8));
    z.push_back(static_cast<char>(~n & 0xff));
    z.push_back(static_cast<char>((~n >> 8) & 0xff));
    z.append(raw, pos, n);
    if (last) break;
  }
  PutBe32(&z, (b << 16) | a);
  return z;
}

std::string SampleText(int i) {
  static const char* kWords[] = {"ferry",  "river",   "vector", "namespace", "migration",
                                 "search", "feature", "image",  "document",  "collection",
                                 "batch",  "worker",  "index",  "quality",   "extract"};
  std::string text;
  uint32_t x = 2654435761u * static_cast<uint32_t>(i + 1);
  while (text.size() < 600) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    text += kWords[x % 15];
    text += (x % 7 == 0) ? ". " : " ";
  }
  return text;
}

}  // namespace

std::string SyntheticPng(int width, int height) {
  std::string raw;
  raw.reserve(static_cast<size_t>(height) * (1 + 3 * width));
  for (int y = 0; y < height; ++y) {
    raw.push_back(0);  // filter: none
    for (int x = 0; x < width; ++x) {
      raw.push_back(static_cast<char>(x * 255 / std::max(1, width - 1)));
      raw.push_back(static_cast<char>(y * 255 / std::max(1, height - 1)));
      raw.push_back(static_cast<char>((x ^ y) & 0xff));
    }
  }
  std::string png = "\x89PNG\r\n\x1a\n";
  std::string ihdr;
  PutBe32(&ihdr, static_cast<uint32_t>(width));
  PutBe32(&ihdr, static_cast<uint32_t>(height));
  ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit RGB
  Chunk(&png, "IHDR", ihdr);
  Chunk(&png, "IDAT", ZlibStored(raw));
  Chunk(&png, "IEND", "");
  return png;
}

double ExtractorSpeedTable::ItemsPerSecond(const extract::FeatureExtractor& fx) {
  const std::string id = fx.info().id();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = cache_.find(id); it != cache_.end()) return it->second;
  }
  if (auto known = fx.KnownItemsPerSecond()) return *known;  // a remote model: not measured here
  const bool text = fx.info().input_type == "text";
  const int items = text ? 64 : 8;
  std::vector<extract::ExtractorInput> inputs(items);
  for (int i = 0; i < items; ++i) {
    if (text) {
      inputs[i].text = SampleText(i);
    } else {
      inputs[i].bytes = SyntheticPng(256, 256);
    }
  }
  auto start = std::chrono::steady_clock::now();
  for (const auto& in : inputs) (void)fx.Extract(in, fx.info().default_parameters);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double rate = items / std::max(secs, 1e-6);
  std::lock_guard<std::mutex> lock(mu_);
  cache_[id] = rate;
  return rate;
}

}  // namespace ferry::migration
