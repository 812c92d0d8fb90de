// torchvision.transforms on tensors. Where torchvision rounds or draws random numbers, this code
// does it the same way and in the same order (see the comments), so that the same seed gives the
// same crops: tests/vision compares with values torchvision computed.
#include <cmath>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <fmt/format.h>
#include <torch/nn/functional/upsampling.h>

#include "graft/batch.hpp"
#include "graft/errors.hpp"
#include "graft/image_transforms.hpp"

namespace graft::image {
namespace {

// Python's round(): halves go to the even neighbour (std::nearbyint in the default rounding mode).
std::int64_t python_round(double value) { return static_cast<std::int64_t>(std::nearbyint(value)); }

std::int64_t height_of(const at::Tensor& image) { return image.size(-2); }
std::int64_t width_of(const at::Tensor& image) { return image.size(-1); }

}  // namespace

at::Tensor to_float_image(const at::Tensor& image) {
  if (image.scalar_type() != at::kByte || (image.dim() != 2 && image.dim() != 3)) {
    throw InputError(fmt::format("an image must be a uint8 tensor [C, H, W] or [H, W], got {} with {} dimension(s)",
                                 c10::toString(image.scalar_type()), image.dim()));
  }
  const at::Tensor chw = image.dim() == 2 ? image.unsqueeze(0) : image;
  return chw.to(at::kFloat).div_(255.0);
}

at::Tensor adapt_channels(const at::Tensor& image, std::int64_t channels) {
  constexpr std::int64_t kChannelDim = -3;  // [C, H, W] or [N, C, H, W]
  at::Tensor adapted = image;
  if (adapted.size(kChannelDim) == 4 && channels != 4) adapted = adapted.narrow(kChannelDim, 0, 3);  // drop alpha
  const std::int64_t have = adapted.size(kChannelDim);
  if (have == channels) return adapted;
  if (have == 1 && channels == 3) {
    auto sizes = adapted.sizes().vec();
    sizes[sizes.size() - 3] = 3;
    return adapted.expand(sizes);
  }
  if (have == 3 && channels == 1) {
    const auto plane = [&](std::int64_t c) { return adapted.select(kChannelDim, c); };
    return (0.299 * plane(0) + 0.587 * plane(1) + 0.114 * plane(2)).unsqueeze(kChannelDim);
  }
  throw InputError(
      fmt::format("an image has {} channel(s) but the model takes {}: only grayscale (1), RGB (3) and "
                  "RGBA (4) images can be adapted to 1 or 3 channels",
                  image.size(kChannelDim), channels));
}

std::vector<std::int64_t> shorter_side_size(std::int64_t height, std::int64_t width, std::int64_t shorter) {
  // torchvision: new_long = int(requested_new_short * long / short), a truncation.
  const bool portrait = width <= height;
  const std::int64_t short_side = portrait ? width : height;
  const std::int64_t long_side = portrait ? height : width;
  const auto new_long =
      static_cast<std::int64_t>(static_cast<double>(shorter * long_side) / static_cast<double>(short_side));
  return portrait ? std::vector<std::int64_t>{new_long, shorter} : std::vector<std::int64_t>{shorter, new_long};
}

at::Tensor resize(const at::Tensor& image, std::int64_t height, std::int64_t width) {
  if (height_of(image) == height && width_of(image) == width) return image;
  namespace F = torch::nn::functional;
  // LibTorch's antialiased bilinear kernel is PIL's: a triangle filter widened by the scale
  // factor when shrinking, weights normalised at the borders.
  const auto options = F::InterpolateFuncOptions()
                           .size(std::vector<std::int64_t>{height, width})
                           .mode(torch::kBilinear)
                           .align_corners(false)
                           .antialias(true);
  if (image.dim() == 4) return F::interpolate(image, options);  // a batch
  return F::interpolate(image.unsqueeze(0), options).squeeze(0);
}

at::Tensor resize_shorter_side(const at::Tensor& image, std::int64_t shorter) {
  const auto size = shorter_side_size(height_of(image), width_of(image), shorter);
  return resize(image, size[0], size[1]);
}

at::Tensor crop(const at::Tensor& image, const CropBox& box) {
  return image.narrow(-2, box.top, box.height).narrow(-1, box.left, box.width);
}

CropBox center_crop_box(std::int64_t height, std::int64_t width, std::int64_t size) {
  return {python_round(static_cast<double>(height - size) / 2.0), python_round(static_cast<double>(width - size) / 2.0),
          size, size};
}

at::Tensor center_crop(const at::Tensor& image, std::int64_t size) {
  at::Tensor source = image;
  const std::int64_t height = height_of(image);
  const std::int64_t width = width_of(image);
  if (size > height || size > width) {
    // torchvision pads the missing rows and columns with zeros, the odd one at the right / bottom.
    const std::int64_t pad_width = std::max<std::int64_t>(size - width, 0);
    const std::int64_t pad_height = std::max<std::int64_t>(size - height, 0);
    source = at::constant_pad_nd(image, {pad_width / 2, (pad_width + 1) / 2, pad_height / 2, (pad_height + 1) / 2}, 0);
  }
  return crop(source, center_crop_box(height_of(source), width_of(source), size));
}

at::Tensor horizontal_flip(const at::Tensor& image) { return image.flip({-1}); }

at::Tensor normalize(const at::Tensor& image, const std::vector<double>& mean, const std::vector<double>& std) {
  const auto channels = static_cast<std::size_t>(image.size(-3));
  if (mean.size() != channels || std.size() != channels) {
    throw InputError(
        fmt::format("normalisation needs one mean and one std per channel: the image has {} channel(s), "
                    "got {} mean(s) and {} std(s)",
                    channels, mean.size(), std.size()));
  }
  // torchvision's Normalize holds mean and std in the image's type (float32), so do we.
  const auto as_column = [&](const std::vector<double>& values) {
    return at::tensor(values, at::kDouble).to(image.scalar_type()).view({-1, 1, 1});
  };
  return (image - as_column(mean)) / as_column(std);
}

at::Generator seeded_generator(std::uint64_t seed) { return at::detail::createCPUGenerator(seed); }

at::Generator example_generator(const CollateOptions& options, std::size_t position) {
  return seeded_generator(options.example_seed(position));
}

CropBox random_resized_crop_box(std::int64_t height, std::int64_t width, at::Generator& generator,
                                const RandomResizedCropRange& range) {
  // Line by line RandomResizedCrop.get_params of torchvision 0.14: the same tensor types (float32
  // draws, a float32 log of the ratios), the same draws in the same order.
  const double area = static_cast<double>(height * width);
  const at::Tensor log_ratio =
      at::log(at::tensor(std::vector<double>{range.ratio_min, range.ratio_max}, at::kDouble).to(at::kFloat));
  for (int attempt = 0; attempt < 10; ++attempt) {
    const double target_area =
        area * at::empty({1}, at::kFloat).uniform_(range.scale_min, range.scale_max, generator).item<double>();
    const double aspect_ratio =
        at::exp(
            at::empty({1}, at::kFloat).uniform_(log_ratio[0].item<double>(), log_ratio[1].item<double>(), generator))
            .item<double>();
    const std::int64_t w = python_round(std::sqrt(target_area * aspect_ratio));
    const std::int64_t h = python_round(std::sqrt(target_area / aspect_ratio));
    if (0 < w && w <= width && 0 < h && h <= height) {
      const auto top = at::randint(0, height - h + 1, {1}, generator, at::kLong).item<std::int64_t>();
      const auto left = at::randint(0, width - w + 1, {1}, generator, at::kLong).item<std::int64_t>();
      return {top, left, h, w};
    }
  }
  // Fallback: the largest centred box whose aspect ratio is within the range.
  const double in_ratio = static_cast<double>(width) / static_cast<double>(height);
  std::int64_t w = width;
  std::int64_t h = height;
  if (in_ratio < range.ratio_min) {
    h = python_round(static_cast<double>(w) / range.ratio_min);
  } else if (in_ratio > range.ratio_max) {
    w = python_round(static_cast<double>(h) * range.ratio_max);
  }
  return {(height - h) / 2, (width - w) / 2, h, w};
}

bool draw_horizontal_flip(at::Generator& generator, double p) {
  // torch.rand(1) < p: a float32 draw compared in float32.
  return at::rand({1}, generator).item<float>() < static_cast<float>(p);
}

at::Tensor evaluation_crop(const at::Tensor& image, std::int64_t resize_size, std::int64_t crop_size) {
  return center_crop(resize_shorter_side(image, resize_size), crop_size);
}

at::Tensor training_crop(const at::Tensor& image, std::int64_t crop_size, at::Generator& generator) {
  const CropBox box = random_resized_crop_box(height_of(image), width_of(image), generator);
  const bool flip = draw_horizontal_flip(generator);
  const at::Tensor cropped = resize(crop(image, box), crop_size, crop_size);
  return flip ? horizontal_flip(cropped) : cropped;
}

}  // namespace graft::image
