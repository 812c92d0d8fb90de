#pragma once
// What torchvision.transforms does to an image, on tensors, for models whose pre-trained weights
// expect torchvision's preprocessing. Images are float [C, H, W] with values in [0, 1] after
// to_float_image(); every function returns a new tensor and keeps no state, so loader threads may
// call them at once. The deterministic ones (adapt_channels, resize, center_crop, normalize,
// evaluation_crop) also take a batch of same-sized images, [N, C, H, W], with the same result per
// image as one at a time.
//
// Random transforms draw from an explicit generator in exactly the order torchvision draws from
// torch's global one: a generator made by seeded_generator(s) gives the same crops and flips as
// torchvision after torch.manual_seed(s).
#include <cstdint>
#include <vector>

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include "graft/export.hpp"

namespace graft {
struct CollateOptions;
}

namespace graft::image {

// A region of an image, in pixels.
struct CropBox {
  std::int64_t top = 0;
  std::int64_t left = 0;
  std::int64_t height = 0;
  std::int64_t width = 0;
};

// uint8 [C, H, W] or [H, W] -> float [C, H, W] in [0, 1] (ToTensor). Other types: InputError.
GRAFT_SDK_API at::Tensor to_float_image(const at::Tensor& image);

// `channels` channels from 1, 3 or 4: grayscale is replicated to RGB; RGB becomes grayscale with
// ITU-R 601 weights (0.299, 0.587, 0.114, PIL's convert("L")); an alpha channel is dropped.
// Anything else: InputError.
GRAFT_SDK_API at::Tensor adapt_channels(const at::Tensor& image, std::int64_t channels);

// The size after resizing the shorter side to `shorter` (the longer side scaled and truncated, as
// torchvision's Resize(int)): {height, width}.
GRAFT_SDK_API std::vector<std::int64_t> shorter_side_size(std::int64_t height, std::int64_t width,
                                                          std::int64_t shorter);

// Bilinear resize to height x width, antialiased when shrinking (what PIL does and torchvision
// does on PIL images). The image itself when the size is already right.
GRAFT_SDK_API at::Tensor resize(const at::Tensor& image, std::int64_t height, std::int64_t width);

// Resize(shorter): the shorter side becomes `shorter`, the aspect ratio is kept.
GRAFT_SDK_API at::Tensor resize_shorter_side(const at::Tensor& image, std::int64_t shorter);

GRAFT_SDK_API at::Tensor crop(const at::Tensor& image, const CropBox& box);

// Where CenterCrop(size) cuts an image at least as large: offsets rounded half to even (Python's
// round(), which torchvision uses).
GRAFT_SDK_API CropBox center_crop_box(std::int64_t height, std::int64_t width, std::int64_t size);

// CenterCrop(size); an image smaller than `size` is first padded with zeros as torchvision does.
GRAFT_SDK_API at::Tensor center_crop(const at::Tensor& image, std::int64_t size);

GRAFT_SDK_API at::Tensor horizontal_flip(const at::Tensor& image);

// (image - mean[c]) / std[c] per channel (Normalize); one value per channel.
GRAFT_SDK_API at::Tensor normalize(const at::Tensor& image, const std::vector<double>& mean,
                                   const std::vector<double>& std);

// A CPU generator seeded as torch.manual_seed(seed) seeds torch's.
GRAFT_SDK_API at::Generator seeded_generator(std::uint64_t seed);

// The generator for the example at `position` of the batch `options` collate: seeded from
// CollateOptions::example_seed, so an example's draws depend on the pass and the example, never on
// which thread, batch or rank collates it.
GRAFT_SDK_API at::Generator example_generator(const CollateOptions& options, std::size_t position);

// RandomResizedCrop.get_params: ten tries at a box of a random area (a fraction of the image in
// [scale_min, scale_max]) and aspect ratio (log-uniform in [ratio_min, ratio_max]), then the
// centre fallback. Draws from `generator` exactly as torchvision draws from torch's.
struct RandomResizedCropRange {
  double scale_min = 0.08;
  double scale_max = 1.0;
  double ratio_min = 3.0 / 4.0;
  double ratio_max = 4.0 / 3.0;
};
GRAFT_SDK_API CropBox random_resized_crop_box(std::int64_t height, std::int64_t width, at::Generator& generator,
                                              const RandomResizedCropRange& range = {});

// RandomHorizontalFlip's draw: true with probability p.
GRAFT_SDK_API bool draw_horizontal_flip(at::Generator& generator, double p = 0.5);

// The ImageNet pipelines of torchvision's reference scripts, without ToTensor's conversion and
// Normalize (the caller adapts channels first and normalises after):
// evaluation: Resize(resize_size), CenterCrop(crop_size).
GRAFT_SDK_API at::Tensor evaluation_crop(const at::Tensor& image, std::int64_t resize_size, std::int64_t crop_size);
// training: RandomResizedCrop(crop_size), RandomHorizontalFlip(), drawing in that order.
GRAFT_SDK_API at::Tensor training_crop(const at::Tensor& image, std::int64_t crop_size, at::Generator& generator);

}  // namespace graft::image
