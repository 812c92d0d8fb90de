#include <torch/torch.h>

#include <catch2/catch.hpp>

#include "graft/errors.hpp"
#include "graft/safetensors.hpp"
#include "graft/state_dict.hpp"
#include "support/temp_folder.hpp"

using namespace graft;

namespace {

// conv (no bias) + BatchNorm: parameters and buffers, in a Sequential as torchvision nests them.
torch::nn::Sequential conv_bn() {
  return torch::nn::Sequential(torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 4, 3).bias(false)),
                               torch::nn::BatchNorm2d(4));
}

// A copy of `module`'s state dict with every floating tensor shifted, so that loading it changes something.
std::map<std::string, at::Tensor> shifted(const torch::nn::Module& module) {
  std::map<std::string, at::Tensor> tensors;
  for (const auto& [name, tensor] : state_dict(module)) {
    tensors.emplace(name, tensor.is_floating_point() ? tensor + 0.5 : tensor + 3);
  }
  return tensors;
}

std::string load_error(torch::nn::Module& module, const std::map<std::string, at::Tensor>& tensors,
                       const StateDictLoadOptions& options = {}) {
  try {
    load_state_dict(module, tensors, options);
  } catch (const InputError& error) {
    return error.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("state_dict has parameters and buffers under PyTorch's dotted names") {
  const auto tensors = state_dict(*conv_bn());
  std::vector<std::string> names;
  for (const auto& entry : tensors) names.push_back(entry.first);
  CHECK(names == std::vector<std::string>{"0.weight", "1.bias", "1.num_batches_tracked", "1.running_mean",
                                          "1.running_var", "1.weight"});
  CHECK(tensors.at("1.num_batches_tracked").scalar_type() == torch::kInt64);
  CHECK_FALSE(tensors.at("0.weight").requires_grad());
}

TEST_CASE("A state dict saved as safetensors loads back identical into a fresh module") {
  testing::TempFolder folder("state-dict");
  auto trained = conv_bn();
  load_state_dict(*trained, shifted(*trained));
  save_safetensors(folder / "checkpoint.safetensors", state_dict(*trained));

  auto fresh = conv_bn();
  load_state_dict(*fresh, load_safetensors(folder / "checkpoint.safetensors"));
  const auto expected = state_dict(*trained);
  for (const auto& [name, tensor] : state_dict(*fresh)) {
    INFO(name);
    CHECK(torch::equal(tensor, expected.at(name)));
  }
}

TEST_CASE("A tensor of the wrong shape is refused with its name and both shapes, and nothing is copied") {
  auto module = conv_bn();
  const auto before = state_dict(*module).at("1.weight").clone();
  auto tensors = shifted(*module);
  tensors["0.weight"] = torch::zeros({4, 1, 3, 3});
  const auto message = load_error(*module, tensors, {"w.safetensors", {}, {}});
  CHECK_THAT(message, Catch::StartsWith("w.safetensors: tensor '0.weight' has shape [4, 1, 3, 3] in the weights but "
                                        "[4, 3, 3, 3] in the model"));
  CHECK(torch::equal(state_dict(*module).at("1.weight"), before));
}

TEST_CASE("Missing and unexpected names are listed, five at most") {
  auto module = conv_bn();
  auto tensors = shifted(*module);
  tensors.erase("1.running_var");
  for (int extra = 0; extra < 7; ++extra) tensors.emplace("extra" + std::to_string(extra), torch::zeros({1}));
  const auto message = load_error(*module, tensors);
  CHECK_THAT(message, Catch::Contains("1 tensor(s) of the model are missing: 1.running_var"));
  CHECK_THAT(message,
             Catch::Contains("7 tensor(s) are not in the model: extra0, extra1, extra2, extra3, extra4 and 2 more"));
}

TEST_CASE("DataParallel's module. prefix is tolerated") {
  auto module = conv_bn();
  std::map<std::string, at::Tensor> prefixed;
  for (const auto& [name, tensor] : shifted(*module)) prefixed.emplace("module." + name, tensor);
  load_state_dict(*module, prefixed);
  CHECK(torch::equal(state_dict(*module).at("0.weight"), prefixed.at("module.0.weight")));
}

TEST_CASE("Half, bfloat16 and double tensors are converted to the parameter's type") {
  auto module = conv_bn();
  auto tensors = shifted(*module);
  tensors["0.weight"] = tensors["0.weight"].to(torch::kHalf);
  tensors["1.weight"] = tensors["1.weight"].to(torch::kBFloat16);
  tensors["1.bias"] = tensors["1.bias"].to(torch::kDouble);
  load_state_dict(*module, tensors);
  const auto loaded = state_dict(*module);
  CHECK(loaded.at("0.weight").scalar_type() == torch::kFloat32);
  CHECK(torch::equal(loaded.at("0.weight"), tensors["0.weight"].to(torch::kFloat32)));
  CHECK(torch::equal(loaded.at("1.weight"), tensors["1.weight"].to(torch::kFloat32)));
  CHECK(torch::allclose(loaded.at("1.bias"), tensors["1.bias"].to(torch::kFloat32)));
}

TEST_CASE("Skipped names keep the module's values, transformed tensors are loaded as transformed") {
  auto module = conv_bn();
  const auto kept_bias = state_dict(*module).at("1.bias").clone();
  auto tensors = shifted(*module);
  tensors["1.bias"] = torch::zeros({7});  // a head of another size: neither loaded nor a shape error
  tensors.erase("1.weight");              // nor missing
  StateDictLoadOptions options;
  options.skip = [](const std::string& name) { return name == "1.bias" || name == "1.weight"; };
  const auto rgb = torch::ones({4, 3, 3, 3});
  tensors["0.weight"] = torch::ones({4, 1, 3, 3});
  options.transform = [&](const std::string& name, const at::Tensor& tensor) {
    return name == "0.weight" ? tensor.expand({4, 3, 3, 3}) * 2 : tensor;
  };
  load_state_dict(*module, tensors, options);
  const auto loaded = state_dict(*module);
  CHECK(torch::equal(loaded.at("1.bias"), kept_bias));
  CHECK(torch::equal(loaded.at("0.weight"), rgb * 2));
  CHECK(torch::equal(loaded.at("1.running_mean"), tensors.at("1.running_mean")));
}
