#pragma once
// Image files as tensors: what dataset plugins decode into Example::image, and what tests and
// tools write. PNG and JPEG (baseline and progressive) are the formats graft supports; decoding
// is stb_image's (which also reads BMP, GIF, TGA and PNM, untested here).
//
// Every function may run concurrently from several threads (dataset get() runs on loader
// threads): nothing here touches stb's process-wide settings, and stb's failure reason is
// per-thread in the library graft links (see image_io.cpp).
#include <filesystem>
#include <string>

#include <ATen/core/Tensor.h>

#include "graft/export.hpp"

namespace graft {

struct ImageInfo {
  int width = 0;
  int height = 0;
  int channels = 0;  // what read_image returns for the file: 1 (grayscale) or 3 (colour)
};

// The file's pixels as uint8 [C, H, W]: C = 1 for grayscale files (gray + alpha: alpha dropped),
// 3 for colour ones (RGBA: alpha dropped; palettes expanded). 16-bit PNGs are reduced to 8 bits.
// A file that is missing, truncated, corrupt or not an image is an InputError naming the file and
// saying what is wrong.
GRAFT_SDK_API at::Tensor read_image(const std::filesystem::path& path);

// Reads only the header (cheap: no pixel is decoded). True with `info` filled when the file looks
// like an image read_image can decode; false when it is missing, unreadable or not an image, with
// `problem` (if given) set to the message read_image would throw. A file that passes may still
// fail to decode when its data is truncated or corrupt past the header.
GRAFT_SDK_API bool probe_image(const std::filesystem::path& path, ImageInfo* info, std::string* problem = nullptr);

// Write uint8 [C, H, W] (C = 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA) or [H, W] (gray) images, for
// tests, tools and predictions. PNG is lossless. JPEG (`quality` 1..100, baseline) ignores alpha
// and is always written as colour (stb_image_write's choice): a grayscale image reads back with
// C = 3, three equal planes. Throws InputError when the file cannot be written, and
// std::invalid_argument for a tensor of another type or shape.
GRAFT_SDK_API void write_png(const std::filesystem::path& path, const at::Tensor& image);
GRAFT_SDK_API void write_jpeg(const std::filesystem::path& path, const at::Tensor& image, int quality = 95);

}  // namespace graft
