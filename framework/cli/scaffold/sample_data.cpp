#include "cli/scaffold/sample_data.hpp"

#include <cstdint>
#include <random>
#include <string>

namespace graft::cli::scaffold {
namespace {

constexpr int kClasses = 3;
constexpr int kSize = 8;

struct Images {
  std::vector<std::uint8_t> pixels;  // [count, kSize, kSize]
  std::vector<std::uint8_t> labels;
};

Images band_images(int per_class, unsigned seed) {
  std::mt19937 generator(seed);
  Images images;
  for (int i = 0; i < per_class * kClasses; ++i) {
    const int label = i % kClasses;
    images.labels.push_back(static_cast<std::uint8_t>(label));
    for (int y = 0; y < kSize; ++y) {
      for (int x = 0; x < kSize; ++x) {
        const bool lit = y / (kSize / kClasses) == label;
        // `% 61` rather than a distribution: the same bytes whatever the standard library.
        images.pixels.push_back(static_cast<std::uint8_t>((lit ? 180 : 0) + generator() % 61));
      }
    }
  }
  return images;
}

// An IDX file (big-endian sizes after a 0x08 = unsigned byte type code).
std::string idx_file(const std::vector<std::uint32_t>& shape, const std::vector<std::uint8_t>& data) {
  std::string bytes = {0, 0, 0x08, static_cast<char>(shape.size())};
  for (std::uint32_t size : shape)
    for (int shift = 24; shift >= 0; shift -= 8) bytes += static_cast<char>((size >> shift) & 0xff);
  bytes.append(data.begin(), data.end());
  return bytes;
}

std::string csv_file(const Images& images) {
  std::string text = "# label, then the 64 pixel values (0-255) of an 8x8 image, row by row\n";
  const std::size_t pixels = kSize * kSize;
  for (std::size_t i = 0; i < images.labels.size(); ++i) {
    text += std::to_string(images.labels[i]);
    for (std::size_t p = 0; p < pixels; ++p) text += "," + std::to_string(images.pixels[i * pixels + p]);
    text += '\n';
  }
  return text;
}

}  // namespace

std::vector<File> sample_data(SampleData format) {
  const Images train = band_images(/*per_class=*/40, /*seed=*/7);
  const Images test = band_images(/*per_class=*/10, /*seed=*/8);
  if (format == SampleData::Csv) return {{"data/train.csv", csv_file(train)}, {"data/test.csv", csv_file(test)}};

  std::vector<File> files;
  const std::pair<const char*, const Images*> splits[] = {{"train", &train}, {"t10k", &test}};
  for (const auto& [prefix, images] : splits) {
    const auto count = static_cast<std::uint32_t>(images->labels.size());
    files.push_back({std::string("data/") + prefix + "-images-idx3-ubyte", idx_file({count, kSize, kSize}, images->pixels)});
    files.push_back({std::string("data/") + prefix + "-labels-idx1-ubyte", idx_file({count}, images->labels)});
  }
  return files;
}

}  // namespace graft::cli::scaffold
