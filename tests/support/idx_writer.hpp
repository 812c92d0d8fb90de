#pragma once
// Writes small, learnable MNIST-style IDX data sets for tests: class c lights up its own
// horizontal band of the image, plus seeded noise, so a CNN reaches high accuracy in an epoch.
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace graft::testing {

inline std::vector<std::uint8_t> idx_bytes(const std::vector<std::uint32_t>& shape, const std::vector<std::uint8_t>& data) {
  std::vector<std::uint8_t> bytes = {0, 0, 0x08, static_cast<std::uint8_t>(shape.size())};
  for (auto size : shape) {
    for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<std::uint8_t>(size >> shift));
  }
  bytes.insert(bytes.end(), data.begin(), data.end());
  return bytes;
}

inline void write_file(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes, bool gzip) {
  if (gzip) {
    gzFile file = gzopen(path.c_str(), "wb");
    gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(file);
  } else {
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                static_cast<std::streamsize>(bytes.size()));
  }
}

struct IdxSpec {
  int classes = 3;
  int train_per_class = 40;
  int test_per_class = 10;
  int size = 8;          // images are size x size
  bool gzip = true;
  unsigned seed = 7;
};

// Writes train-/t10k- images and labels into `folder` (created).
inline void write_idx_dataset(const std::filesystem::path& folder, const IdxSpec& spec = {}) {
  std::filesystem::create_directories(folder);
  std::mt19937 generator(spec.seed);
  std::uniform_int_distribution<int> noise(0, 60);
  auto write_split = [&](const std::string& prefix, int per_class) {
    const int count = per_class * spec.classes;
    std::vector<std::uint8_t> images, labels;
    for (int i = 0; i < count; ++i) {
      const int label = i % spec.classes;
      labels.push_back(static_cast<std::uint8_t>(label));
      const int band = spec.size / spec.classes;
      for (int y = 0; y < spec.size; ++y) {
        for (int x = 0; x < spec.size; ++x) {
          const bool lit = y / std::max(1, band) == label;
          images.push_back(static_cast<std::uint8_t>((lit ? 180 : 0) + noise(generator)));
        }
      }
    }
    const std::string suffix = spec.gzip ? ".gz" : "";
    const auto n = static_cast<std::uint32_t>(count), s = static_cast<std::uint32_t>(spec.size);
    write_file(folder / (prefix + "-images-idx3-ubyte" + suffix), idx_bytes({n, s, s}, images), spec.gzip);
    write_file(folder / (prefix + "-labels-idx1-ubyte" + suffix), idx_bytes({n}, labels), spec.gzip);
  };
  write_split("train", spec.train_per_class);
  write_split("t10k", spec.test_per_class);
}

}  // namespace graft::testing
