#include <catch2/catch.hpp>

#include <fstream>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "graft/errors.hpp"
#include "graft/safetensors.hpp"
#include "support/temp_folder.hpp"

using namespace graft;

namespace {

std::vector<std::uint8_t> read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                              static_cast<std::streamsize>(bytes.size()));
}

// A file with the given JSON header and `data_bytes` zero bytes of data.
std::vector<std::uint8_t> file_with_header(const std::string& header, std::size_t data_bytes) {
  std::vector<std::uint8_t> bytes(8, 0);
  for (int i = 0; i < 8; ++i) bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>((header.size() >> (8 * i)) & 0xff);
  bytes.insert(bytes.end(), header.begin(), header.end());
  bytes.insert(bytes.end(), data_bytes, 0);
  return bytes;
}

std::string header_error(const std::string& header, std::size_t data_bytes) {
  const auto bytes = file_with_header(header, data_bytes);
  try {
    parse_safetensors_header(bytes.data(), bytes.size(), bytes.size(), "f");
  } catch (const InputError& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a safetensors file written by Hugging Face loads with every name, shape and dtype") {
  const std::filesystem::path folder = GRAFT_TEST_DATA_DIR "/hf/bert-tiny-uncased";
  const auto tensors = load_safetensors(folder / "model.safetensors");
  const auto shapes = nlohmann::json::parse(std::ifstream(folder / "state_dict_shapes.json"));
  REQUIRE(tensors.size() == shapes.size());
  for (const auto& [name, shape] : shapes.items()) {
    INFO(name);
    REQUIRE(tensors.count(name) == 1);
    CHECK(tensors.at(name).sizes().vec() == shape.get<std::vector<std::int64_t>>());
    CHECK(tensors.at(name).scalar_type() == at::kFloat);
  }
}

TEST_CASE("save_safetensors round-trips tensors of every dtype and the metadata") {
  graft::testing::TempFolder folder("safetensors");
  std::map<std::string, at::Tensor> saved = {
      {"f32", torch::randn({3, 4})},
      {"f16", torch::randn({5}).to(torch::kHalf)},
      {"i64", torch::arange(7)},
      {"u8", torch::randint(0, 255, {2, 2}).to(torch::kByte)},
      {"flag", torch::tensor({true, false})},
      {"strided", torch::randn({4, 3}).t()},
      {"empty", torch::zeros({0, 3})},
  };
  save_safetensors(folder / "x.safetensors", saved, {{"format", "pt"}});
  const auto loaded = load_safetensors(folder / "x.safetensors");
  REQUIRE(loaded.size() == saved.size());
  for (const auto& [name, tensor] : saved) {
    INFO(name);
    CHECK(torch::equal(loaded.at(name), tensor));
  }
  const auto bytes = read_bytes(folder / "x.safetensors");
  CHECK(parse_safetensors_header(bytes.data(), bytes.size(), bytes.size(), "x").metadata.at("format") == "pt");
}

TEST_CASE("truncated or malformed safetensors files are input errors that say what is wrong") {
  graft::testing::TempFolder folder("safetensors-bad");
  save_safetensors(folder / "good.safetensors", {{"w", torch::ones({16})}});
  auto bytes = read_bytes(folder / "good.safetensors");
  bytes.resize(bytes.size() - 10);
  write_bytes(folder / "cut.safetensors", bytes);
  CHECK_THROWS_WITH(load_safetensors(folder / "cut.safetensors"), Catch::Contains("truncated safetensors file"));
  bytes.resize(20);
  write_bytes(folder / "head.safetensors", bytes);
  CHECK_THROWS_WITH(load_safetensors(folder / "head.safetensors"), Catch::Contains("truncated safetensors file"));

  CHECK(header_error("[1, 2]", 0) == "f: safetensors header is not a JSON object");
  CHECK_THAT(header_error("{\"a\":", 0), Catch::StartsWith("f: safetensors header is not valid JSON"));
  CHECK(header_error(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}})", 4) ==
        "f: tensor 'a': data_offsets cover 4 bytes, its shape and dtype need 8");
  CHECK(header_error(R"({"a": {"dtype": "Q4", "shape": [2], "data_offsets": [0, 8]}})", 8) ==
        "f: tensor 'a': dtype Q4 is not supported");
  CHECK(header_error(R"({"a": {"dtype": "U8", "shape": [2], "data_offsets": [0, 2]},)"
                     R"( "b": {"dtype": "U8", "shape": [2], "data_offsets": [1, 3]}})", 3) ==
        "f: tensor 'b' starts at byte 1 of the data, expected 2 (overlap or hole)");
  CHECK(header_error(R"({"a": {"dtype": "U8", "shape": [-2], "data_offsets": [0, 2]}})", 2) ==
        "f: tensor 'a': a dimension of its shape is not a non-negative integer");
  CHECK(header_error(R"({"a": {"dtype": "U8", "shape": [2], "data_offsets": [0, 2]}})", 5) ==
        "f: malformed safetensors file: the tensors need 2 bytes of data, the file has 5");
  const std::vector<std::uint8_t> huge = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f};
  CHECK_THROWS_WITH(parse_safetensors_header(huge.data(), huge.size(), 8, "f"), Catch::Contains("implausible"));
}

TEST_CASE("a checkpoint that names a base file loads as the base's tensors updated with its own") {
  graft::testing::TempFolder folder("safetensors-parts");
  const auto base = folder / "backbone.safetensors";
  const auto part = folder / "best.safetensors";
  save_safetensors(base, {{"conv.weight", torch::ones({2, 2})}, {"conv.bias", torch::zeros({2})}},
                   {{kSafetensorsPartId, "id-1"}});
  save_safetensors(part, {{"head.weight", torch::full({3, 2}, 2.0)}, {"conv.bias", torch::ones({2})}},
                   {{kSafetensorsBaseFile, "backbone.safetensors"}, {kSafetensorsBaseId, "id-1"}});
  const auto loaded = load_safetensors(part);
  REQUIRE(loaded.size() == 3);
  CHECK(torch::equal(loaded.at("conv.weight"), torch::ones({2, 2})));
  CHECK(torch::equal(loaded.at("conv.bias"), torch::ones({2})));  // the checkpoint's own wins
  CHECK(torch::equal(loaded.at("head.weight"), torch::full({3, 2}, 2.0)));
  CHECK(read_safetensors_header(part).metadata.at(kSafetensorsBaseFile) == "backbone.safetensors");

  // A base rewritten with other weights since, a missing base, a path instead of a file name.
  save_safetensors(base, {{"conv.weight", torch::ones({2, 2})}}, {{kSafetensorsPartId, "id-2"}});
  CHECK_THROWS_WITH(load_safetensors(part), Catch::Contains("was written against another") &&
                                                Catch::Contains("id id-1, the file has id-2"));
  std::filesystem::remove(base);
  CHECK_THROWS_WITH(load_safetensors(part), Catch::Contains("which is missing"));
  save_safetensors(part, {{"w", torch::ones({1})}}, {{kSafetensorsBaseFile, "../elsewhere.safetensors"}});
  CHECK_THROWS_AS(load_safetensors(part), InputError);
}
