// Image files <-> uint8 [C, H, W] tensors with stb_image and stb_image_write (Debian's libstb).
//
// Thread safety: stb keeps a few settings in globals (flip on load, iPhone PNG handling, PNG
// compression level, ...); this file never sets them, so every call uses the defaults. The one
// piece of state stb writes on every call, the failure reason, is thread-local in Debian's
// libstb.so (stb_image >= 2.24 declares it STBI_THREAD_LOCAL unless STBI_NO_THREAD_LOCALS; the
// library's TLS segment and its stbi_failure_reason, which calls __tls_get_addr, confirm it), so
// a decoding error on one loader thread cannot report another thread's reason.
#include "graft/image_io.hpp"

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <system_error>
#include <vector>

#include <ATen/ATen.h>
#include <fmt/format.h>
#include <stb_image.h>
#include <stb_image_write.h>

#include "graft/errors.hpp"

namespace graft {
namespace {

namespace fs = std::filesystem;

using File = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;
using Pixels = std::unique_ptr<stbi_uc, void (*)(void*)>;

// The format a file's first bytes announce: "PNG", "JPEG", or "" for anything else.
std::string announced_format(const fs::path& path) {
  static const std::string kPngSignature = "\x89PNG\r\n\x1a\n";
  static const std::string kJpegStart = "\xff\xd8\xff";
  std::string head(kPngSignature.size(), '\0');
  std::ifstream in(path, std::ios::binary);
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  if (head == kPngSignature) return "PNG";
  if (head.compare(0, kJpegStart.size(), kJpegStart) == 0) return "JPEG";
  return "";
}

// What went wrong after stb failed on `path`, in words a user can act on.
std::string decode_problem(const fs::path& path) {
  const auto format = announced_format(path);
  std::string reason = stbi_failure_reason() ? stbi_failure_reason() : "";
  // stb checks for a PNG signature first on every file, setting "bad png sig" for all others; a
  // decoder that fails later without a reason of its own (a truncated JPEG) leaves that one.
  if (reason == "bad png sig" && format != "PNG") reason.clear();
  const auto detail = reason.empty() ? std::string() : " (stb_image: " + reason + ")";
  if (format.empty()) return fmt::format("{}: not a PNG or JPEG image{}", path.string(), detail);
  return fmt::format("{}: cannot decode the {} image, it is truncated or corrupt{}", path.string(), format, detail);
}

// Opens `path` for stb, or says why it cannot (the message read_image throws).
File open_image(const fs::path& path, std::string& problem) {
  std::error_code error;
  const auto status = fs::status(path, error);
  if (!fs::exists(status)) {
    problem = fmt::format("{}: no such image file", path.string());
  } else if (fs::is_directory(status)) {
    problem = fmt::format("{}: is a folder, not an image file", path.string());
  } else if (fs::file_size(path, error) == 0) {
    problem = fmt::format("{}: the image file is empty (0 bytes)", path.string());
  } else {
    File file(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (file) return file;
    const int cause = errno;
    problem = fmt::format("{}: cannot open ({})", path.string(), std::generic_category().message(cause));
  }
  return File(nullptr, &std::fclose);
}

int decoded_channels(int file_channels) { return file_channels >= 3 ? 3 : 1; }

// uint8 [C, H, W] or [H, W] -> contiguous [H, W, C] on the CPU, the layout stb writes.
at::Tensor interleaved(const at::Tensor& image) {
  if (!image.defined() || image.scalar_type() != at::kByte) {
    throw std::invalid_argument("write_png/write_jpeg: expected a uint8 image tensor");
  }
  const auto chw = image.dim() == 2 ? image.unsqueeze(0) : image;
  if (chw.dim() != 3 || chw.size(0) < 1 || chw.size(0) > 4 || chw.size(1) < 1 || chw.size(2) < 1) {
    throw std::invalid_argument(fmt::format("write_png/write_jpeg: expected [C, H, W] with C in 1..4 or [H, W], got {}",
                                            fmt::join(image.sizes(), "x")));
  }
  return chw.to(at::kCPU).permute({1, 2, 0}).contiguous();
}

void append_bytes(void* buffer, void* data, int size) {
  auto* bytes = static_cast<std::vector<char>*>(buffer);
  bytes->insert(bytes->end(), static_cast<char*>(data), static_cast<char*>(data) + size);
}

void write_file(const fs::path& path, const std::vector<char>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw InputError(fmt::format("cannot write {}", path.string()));
}

// Encodes with `encode(callback, buffer, width, height, channels, pixels)` into memory, then writes
// the file: our own stream reports a failed write, which stb's fopen-based writers would not say.
template <class Encode>
void write_image(const fs::path& path, const at::Tensor& image, const char* format, Encode encode) {
  const auto pixels = interleaved(image);
  std::vector<char> bytes;
  const int height = static_cast<int>(pixels.size(0));
  const int width = static_cast<int>(pixels.size(1));
  const int channels = static_cast<int>(pixels.size(2));
  if (!encode(&append_bytes, &bytes, width, height, channels, pixels.data_ptr<std::uint8_t>())) {
    throw InputError(fmt::format("cannot encode {} as {}", path.string(), format));
  }
  write_file(path, bytes);
}

}  // namespace

bool probe_image(const fs::path& path, ImageInfo* info, std::string* problem) {
  std::string why;
  auto file = open_image(path, why);
  int width = 0, height = 0, channels = 0;
  if (file && !stbi_info_from_file(file.get(), &width, &height, &channels)) why = decode_problem(path);
  if (!why.empty()) {
    if (problem) *problem = why;
    return false;
  }
  if (info) *info = ImageInfo{width, height, decoded_channels(channels)};
  return true;
}

at::Tensor read_image(const fs::path& path) {
  std::string problem;
  auto file = open_image(path, problem);
  if (!file) throw InputError(problem);
  int width = 0, height = 0, file_channels = 0;
  // Decoded as stored (1..4 channels); alpha is dropped below, without stb's format conversion.
  Pixels pixels(stbi_load_from_file(file.get(), &width, &height, &file_channels, 0), &stbi_image_free);
  if (!pixels) throw InputError(decode_problem(path));
  const auto hwc = at::from_blob(pixels.get(), {height, width, file_channels}, at::kByte);
  // A copy that owns its memory, so stb's buffer can be freed when `pixels` goes. Not contiguous():
  // with one channel the permuted view already counts as contiguous and would not be copied.
  return hwc.narrow(2, 0, decoded_channels(file_channels)).permute({2, 0, 1}).clone(at::MemoryFormat::Contiguous);
}

void write_png(const fs::path& path, const at::Tensor& image) {
  write_image(path, image, "PNG", [](auto callback, void* buffer, int width, int height, int channels, const void* data) {
    return stbi_write_png_to_func(callback, buffer, width, height, channels, data, width * channels);
  });
}

void write_jpeg(const fs::path& path, const at::Tensor& image, int quality) {
  if (quality < 1 || quality > 100) {
    throw std::invalid_argument(fmt::format("write_jpeg: quality must be in 1..100, got {}", quality));
  }
  write_image(path, image, "JPEG", [quality](auto callback, void* buffer, int width, int height, int channels,
                                             const void* data) {
    return stbi_write_jpg_to_func(callback, buffer, width, height, channels, data, quality);
  });
}

}  // namespace graft
