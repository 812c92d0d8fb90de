// Before Catch: LibTorch headers define a CHECK macro of their own, which Catch must override.
#include <ATen/ATen.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <fstream>
#include <thread>

#include "graft/errors.hpp"
#include "graft/image_io.hpp"
#include "support/temp_folder.hpp"

using namespace graft;
using graft::testing::TempFolder;

namespace {

const std::filesystem::path kFixtures = GRAFT_IMAGE_FIXTURES_DIR;

at::Tensor random_image(std::int64_t channels, std::int64_t height, std::int64_t width) {
  auto generator = at::make_generator<at::CPUGeneratorImpl>(/*seed=*/7);
  return at::randint(0, 256, {channels, height, width}, generator, at::kByte);
}

// Gradients, as in photographs: what JPEG is made for (noise would not survive quality 95 well).
at::Tensor smooth_image() {
  const auto y = at::arange(24, at::kFloat).view({24, 1}).expand({24, 32});
  const auto x = at::arange(32, at::kFloat).view({1, 32}).expand({24, 32});
  return at::stack({x * 8, y * 10, (x + y) * 4.5}).to(at::kByte);
}

double max_difference(const at::Tensor& a, const at::Tensor& b) {
  return (a.to(at::kInt) - b.to(at::kInt)).abs().max().item<double>();
}

double mean_difference(const at::Tensor& a, const at::Tensor& b) {
  return (a.to(at::kFloat) - b.to(at::kFloat)).abs().mean().item<double>();
}

// A fixture's expected pixels (<name>.chw, written by data/make_fixtures.py), shaped like `like`.
at::Tensor expected_pixels(const std::string& name, const at::Tensor& like) {
  const auto path = (kFixtures / name).replace_extension(".chw");
  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(static_cast<std::int64_t>(bytes.size()) == like.numel());
  return at::from_blob(bytes.data(), like.sizes(), at::kByte).clone();
}

void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// An image file ("png" or "jpg") whose header is intact but whose pixel data stops half way.
std::filesystem::path truncated(const TempFolder& folder, const std::string& extension) {
  const auto whole = folder / ("whole." + extension);
  if (extension == "png") {
    write_png(whole, random_image(3, 20, 20));
  } else {
    write_jpeg(whole, random_image(3, 20, 20));
  }
  const auto bytes = read_bytes(whole);
  const auto cut = folder / ("truncated." + extension);
  write_bytes(cut, bytes.substr(0, bytes.size() / 2));
  return cut;
}

}  // namespace

TEST_CASE("PNG round trips grayscale and RGB images exactly") {
  TempFolder folder("image-io-png");
  for (std::int64_t channels : {1, 3}) {
    const auto image = random_image(channels, 13, 17);
    const auto path = folder / ("image" + std::to_string(channels) + ".png");
    write_png(path, image);
    const auto read = read_image(path);
    CHECK(read.scalar_type() == at::kByte);
    CHECK(read.sizes() == image.sizes());
    CHECK(at::equal(read, image));
  }
  // [H, W] is written as grayscale and read back as [1, H, W].
  const auto plane = random_image(1, 5, 6)[0];
  write_png(folder / "plane.png", plane);
  CHECK(at::equal(read_image(folder / "plane.png"), plane.unsqueeze(0)));
}

TEST_CASE("JPEG round trips within the loss of quality 95") {
  TempFolder folder("image-io-jpeg");
  const auto image = smooth_image();
  write_jpeg(folder / "colour.jpg", image, 95);
  const auto read = read_image(folder / "colour.jpg");
  REQUIRE(read.sizes() == image.sizes());
  CHECK(mean_difference(read, image) < 1.5);
  CHECK(max_difference(read, image) <= 8);

  // stb_image_write always writes colour JPEGs: gray comes back as three (near) equal planes.
  const auto gray = image.narrow(0, 0, 1);
  write_jpeg(folder / "gray.jpg", gray, 95);
  const auto read_gray = read_image(folder / "gray.jpg");
  REQUIRE(read_gray.sizes() == at::IntArrayRef({3, 24, 32}));
  for (std::int64_t c = 0; c < 3; ++c) CHECK(mean_difference(read_gray[c], gray[0]) < 1.5);
}

TEST_CASE("alpha channels are dropped") {
  TempFolder folder("image-io-alpha");
  const auto rgba = random_image(4, 9, 11);
  write_png(folder / "rgba.png", rgba);
  CHECK(at::equal(read_image(folder / "rgba.png"), rgba.narrow(0, 0, 3)));

  const auto gray_alpha = random_image(2, 9, 11);
  write_png(folder / "gray_alpha.png", gray_alpha);
  CHECK(at::equal(read_image(folder / "gray_alpha.png"), gray_alpha.narrow(0, 0, 1)));
}

TEST_CASE("progressive JPEGs decode as Pillow decodes them") {
  for (const std::string name : {"progressive_rgb.jpg", "progressive_gray.jpg"}) {
    INFO(name);
    const auto read = read_image(kFixtures / name);
    CHECK(read.size(0) == (name == "progressive_rgb.jpg" ? 3 : 1));
    CHECK(read.sizes().slice(1) == at::IntArrayRef({16, 24}));
    // libjpeg and stb_image upsample chroma and round the IDCT differently: close, not equal.
    const auto expected = expected_pixels(name, read);
    CHECK(mean_difference(read, expected) < 0.5);
    CHECK(max_difference(read, expected) <= 4);
  }
}

TEST_CASE("palette and 16-bit PNGs decode to 8-bit gray or RGB exactly") {
  for (const std::string name : {"palette.png", "palette_alpha.png", "gray16.png"}) {
    INFO(name);
    const auto read = read_image(kFixtures / name);
    CHECK(read.size(0) == (name == "gray16.png" ? 1 : 3));
    CHECK(at::equal(read, expected_pixels(name, read)));
  }
}

TEST_CASE("probe_image reads the size and channels from the header") {
  TempFolder folder("image-io-probe");
  write_png(folder / "rgba.png", random_image(4, 7, 5));
  write_jpeg(folder / "rgb.jpg", smooth_image());
  write_png(folder / "gray.png", random_image(1, 3, 2));
  const std::vector<std::pair<std::filesystem::path, ImageInfo>> cases = {
      {folder / "rgba.png", {5, 7, 3}},
      {folder / "rgb.jpg", {32, 24, 3}},
      {folder / "gray.png", {2, 3, 1}},
      {kFixtures / "progressive_gray.jpg", {24, 16, 1}},
      {kFixtures / "palette_alpha.png", {24, 16, 3}},
  };
  for (const auto& [path, expected] : cases) {
    INFO(path.string());
    ImageInfo info;
    REQUIRE(probe_image(path, &info));
    CHECK(info.width == expected.width);
    CHECK(info.height == expected.height);
    CHECK(info.channels == expected.channels);
    // The probe promises what read_image returns.
    CHECK(read_image(path).sizes() == at::IntArrayRef({info.channels, info.height, info.width}));
  }
}

TEST_CASE("unreadable files are input errors naming the file and the problem") {
  TempFolder folder("image-io-bad");
  write_bytes(folder / "notes.png", "these are notes, not pixels\n");
  write_bytes(folder / "empty.jpg", "");
  std::filesystem::create_directories(folder / "folder.png");
  const std::vector<std::pair<std::filesystem::path, std::string>> cases = {
      {folder / "missing.png", "no such image file"},
      {folder / "notes.png", "not a PNG or JPEG image"},
      {folder / "empty.jpg", "is empty"},
      {folder / "folder.png", "is a folder"},
  };
  for (const auto& [path, problem] : cases) {
    INFO(path.string());
    CHECK_THROWS_AS(read_image(path), InputError);
    CHECK_THROWS_WITH(read_image(path), Catch::StartsWith(path.string() + ": ") && Catch::Contains(problem));
    ImageInfo info;
    std::string why;
    CHECK_FALSE(probe_image(path, &info, &why));
    CHECK_THAT(why, Catch::StartsWith(path.string() + ": ") && Catch::Contains(problem));
  }
}

TEST_CASE("truncated PNG and JPEG files pass the probe but fail to decode") {
  TempFolder folder("image-io-truncated");
  for (const auto& [extension, format] : {std::pair{"png", "PNG"}, std::pair{"jpg", "JPEG"}}) {
    const auto path = truncated(folder, extension);
    INFO(path.string());
    CHECK(probe_image(path, nullptr));
    CHECK_THROWS_AS(read_image(path), InputError);
    // stb leaves its PNG-signature complaint behind when its JPEG decoder fails without a reason.
    CHECK_THROWS_WITH(read_image(path), Catch::StartsWith(path.string() + ": cannot decode the " + format +
                                                          " image, it is truncated or corrupt") &&
                                            !Catch::Contains("png sig"));
  }
}

TEST_CASE("decoding errors on concurrent threads each report their own file and reason") {
  // stb keeps its failure reason in a thread-local: with a shared one, a thread could report the
  // reason of another thread's failure.
  TempFolder folder("image-io-threads");
  const auto truncated_file = truncated(folder, "png");
  const auto garbage = folder / "garbage.png";
  write_bytes(garbage, std::string(100, 'x'));
  const auto good = folder / "whole.png";
  const std::string truncated_reason = [&] {
    try {
      read_image(truncated_file);
    } catch (const InputError& error) {
      return std::string(error.what());
    }
    return std::string();
  }();
  REQUIRE_FALSE(truncated_reason.empty());

  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        const auto& path = (i + t) % 3 == 0 ? truncated_file : (i + t) % 3 == 1 ? garbage : good;
        std::string problem;
        const bool readable = probe_image(path, nullptr, &problem);
        try {
          read_image(path);
          if (path != good) ++wrong;
        } catch (const InputError& error) {
          const std::string message = error.what();
          if (path == truncated_file && message != truncated_reason) ++wrong;
          if (path == garbage && (readable || message != problem || message.find("not a PNG or JPEG") == std::string::npos)) {
            ++wrong;
          }
          if (path == good) ++wrong;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(wrong == 0);
}

TEST_CASE("writing reports a bad destination or tensor") {
  TempFolder folder("image-io-write");
  const auto image = random_image(3, 4, 4);
  CHECK_THROWS_AS(write_png(folder / "no" / "such" / "folder.png", image), InputError);
  CHECK_THROWS_WITH(write_jpeg(folder / "no" / "such" / "folder.jpg", image), Catch::Contains("cannot write"));
  CHECK_THROWS_AS(write_png(folder / "float.png", image.to(at::kFloat)), std::invalid_argument);
  CHECK_THROWS_AS(write_png(folder / "five.png", random_image(5, 4, 4)), std::invalid_argument);
  CHECK_THROWS_AS(write_jpeg(folder / "q.jpg", image, 0), std::invalid_argument);
}
