#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <torch/torch.h>

#include "engine/checkpoint.hpp"
#include "graft/errors.hpp"

namespace {
struct Net : torch::nn::Module {
  Net() {
    linear = register_module("linear", torch::nn::Linear(4, 3));
    norm = register_module("norm", torch::nn::BatchNorm1d(3));
  }
  torch::nn::Linear linear{nullptr};
  torch::nn::BatchNorm1d norm{nullptr};
};

std::filesystem::path temp_folder() {
  auto folder = std::filesystem::temp_directory_path() / ("graft-checkpoint-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  return folder;
}
}  // namespace

TEST_CASE("a checkpoint restores parameters and buffers exactly") {
  const auto folder = temp_folder();
  torch::manual_seed(1);
  Net saved;
  saved.norm->forward(torch::randn({8, 3}));  // moves the running statistics away from their defaults
  graft::engine::save_checkpoint(saved, folder / "model.safetensors");
  CHECK_FALSE(std::filesystem::exists(folder / "model.pt.tmp"));

  torch::manual_seed(2);
  Net loaded;
  graft::engine::load_checkpoint(loaded, folder / "model.safetensors");
  CHECK(torch::equal(saved.linear->weight, loaded.linear->weight));
  CHECK(torch::equal(saved.norm->running_mean, loaded.norm->running_mean));
  std::filesystem::remove_all(folder);
}

TEST_CASE("a missing or corrupt checkpoint is an input error naming the file") {
  const auto folder = temp_folder();
  Net net;
  CHECK_THROWS_WITH(graft::engine::load_checkpoint(net, folder / "none.safetensors"), Catch::Contains("none.safetensors"));
  std::ofstream(folder / "bad.safetensors") << "not a checkpoint";
  CHECK_THROWS_AS(graft::engine::load_checkpoint(net, folder / "bad.safetensors"), graft::InputError);
  std::filesystem::remove_all(folder);
}
