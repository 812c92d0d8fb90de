// The BERT network and checkpoint loading (plugins/models/bert, compiled in) against what
// transformers computed for the reference input ids: no tokenizer involved.
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include <fstream>
#include <tuple>

#include "bert_config.hpp"
#include "bert_fixtures.hpp"
#include "bert_network.hpp"
#include "bert_weights.hpp"
#include "graft/errors.hpp"
#include "graft/safetensors.hpp"
#include "graft/state_dict.hpp"
#include "support/temp_folder.hpp"

using namespace graft;
using namespace graft::testing;
namespace fs = std::filesystem;

namespace {

std::shared_ptr<bert::SequenceClassifier> loaded_network(const fs::path& folder, std::int64_t classes, bool new_head) {
  const auto config = bert::read_config(folder / "config.json");
  auto network = std::make_shared<bert::SequenceClassifier>(config, classes);
  bert::load_weights(*network, bert::read_folder_weights(folder, "bert.pretrained"), new_head);
  network->eval();
  return network;
}

struct Inputs {
  at::Tensor ids, types, mask;
};

Inputs inputs_of(const nlohmann::json& item) {
  return {ids_of(item["input_ids"]).unsqueeze(0), ids_of(item["token_type_ids"]).unsqueeze(0),
          ids_of(item["attention_mask"]).unsqueeze(0)};
}

std::string load_error(const fs::path& folder, std::int64_t classes = 3) {
  try {
    loaded_network(folder, classes, false);
  } catch (const InputError& error) {
    return error.what();
  }
  return "no error";
}

// A copy of the tiny folder whose model.safetensors holds `tensors`.
void write_folder(const fs::path& folder, const std::map<std::string, at::Tensor>& tensors) {
  fs::create_directories(folder);
  for (const char* file : {"config.json", "vocab.txt", "tokenizer_config.json"}) {
    fs::copy_file(tiny_folder() / file, folder / file);
  }
  save_safetensors(folder / "model.safetensors", tensors);
}

}  // namespace

TEST_CASE("config.json of bert-tiny-uncased reads as transformers' BertConfig") {
  const auto config = bert::read_config(tiny_folder() / "config.json");
  CHECK(config.vocab_size == 2726);
  CHECK(config.hidden_size == 32);
  CHECK(config.num_hidden_layers == 2);
  CHECK(config.num_attention_heads == 2);
  CHECK(config.intermediate_size == 64);
  CHECK(config.hidden_act == "gelu");
  CHECK(config.max_position_embeddings == 64);
  CHECK(config.layer_norm_eps == Approx(1e-12));
  CHECK(config.initializer_range == Approx(0.2));
  CHECK_FALSE(config.classifier_dropout.has_value());
  CHECK(config.head_dropout() == Approx(0.1));
  CHECK(config.labels == std::vector<std::string>{"LABEL_0", "LABEL_1", "LABEL_2"});
  CHECK(bert::read_config(legacy_folder() / "config.json").labels.empty());
}

TEST_CASE("config.json errors name the file and the problem") {
  TempFolder folder("bert-config");
  auto error_of = [&](const std::string& text) {
    std::ofstream(folder / "config.json") << text;
    try {
      bert::read_config(folder / "config.json");
    } catch (const InputError& error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(error_of("{\"model_type\": \"roberta\"}"), Catch::Contains("model_type is \"roberta\""));
  CHECK_THAT(error_of("{\"hidden_size\": 30, \"num_attention_heads\": 4}"),
             Catch::Contains("hidden_size (30) must be a multiple of num_attention_heads (4)"));
  CHECK_THAT(error_of("{\"hidden_act\": \"swish\"}"), Catch::Contains("hidden_act \"swish\" is not supported"));
  CHECK_THAT(error_of("{\"hidden_size\": \"big\"}"), Catch::Contains("\"hidden_size\" has the wrong type"));
  CHECK_THAT(error_of("{nope"), Catch::Contains("config.json: not valid JSON"));
  CHECK(error_of("{\"num_labels\": 4}") == "no error");
}

TEST_CASE("Presets are Google's BERT miniatures") {
  const std::vector<std::tuple<std::string, std::int64_t, std::int64_t, std::int64_t>> presets = {
      {"tiny", 2, 128, 2}, {"mini", 4, 256, 4}, {"small", 4, 512, 8}, {"medium", 8, 512, 8}, {"base", 12, 768, 12}};
  for (const auto& [name, layers, hidden, heads] : presets) {
    const auto config = bert::preset_config(name);
    INFO(name);
    CHECK(config.num_hidden_layers == layers);
    CHECK(config.hidden_size == hidden);
    CHECK(config.num_attention_heads == heads);
    CHECK(config.intermediate_size == 4 * hidden);
  }
  CHECK_THROWS_AS(bert::preset_config("huge"), InputError);
}

TEST_CASE("Modules are registered under Hugging Face's names, with the shapes of the checkpoint") {
  const auto network = loaded_network(tiny_folder(), 3, false);
  std::ifstream in(tiny_folder() / "state_dict_shapes.json");
  const auto shapes = nlohmann::json::parse(in);
  const auto tensors = state_dict(*network);
  CHECK(tensors.size() == shapes.size());
  for (const auto& [name, shape] : shapes.items()) {
    INFO(name);
    REQUIRE(tensors.count(name) == 1);
    CHECK(tensors.at(name).sizes().vec() == shape.get<std::vector<std::int64_t>>());
  }
}

TEST_CASE("bert-tiny-uncased gives transformers' logits, pooler output and hidden states for every case") {
  torch::NoGradGuard no_grad;
  const auto network = loaded_network(tiny_folder(), 3, false);
  const auto& cases = tiny_cases();
  REQUIRE(cases.size() == 15);
  for (std::size_t index = 0; index < cases.size(); ++index) {
    const auto& item = cases[index];
    INFO("case " << index << ": " << item["text"].dump());
    const auto in = inputs_of(item);
    const auto outputs = network->bert->forward(in.ids, in.types, in.mask);
    const auto logits = network->head(outputs.pooler_output);
    CHECK(tracked(max_difference(logits[0], tensor_of(item["logits"]))) <= 1e-4);
    CHECK(tracked(max_difference(outputs.pooler_output[0], tensor_of(item["pooler_output"]))) <= 1e-4);
    CHECK(tracked(max_difference(outputs.last_hidden_state[0][0], tensor_of(item["last_hidden_state_cls"]))) <= 1e-4);
    if (item.contains("embedding_output")) {
      CHECK(tracked(max_difference(outputs.embedding_output[0], tensor_of(item["embedding_output"]))) <= 1e-4);
      CHECK(tracked(max_difference(outputs.last_hidden_state[0], tensor_of(item["last_hidden_state"]))) <= 1e-4);
    }
  }
  CHECK(cases[0].contains("embedding_output"));
  CHECK(cases[2].contains("last_hidden_state"));
  report_worst("bert-tiny-uncased, reference ids");
}

TEST_CASE("Batched, and without the padding, the reference cases give the same logits") {
  torch::NoGradGuard no_grad;
  const auto network = loaded_network(tiny_folder(), 3, false);
  std::vector<at::Tensor> ids, types, masks, logits;
  for (const auto& item : tiny_cases()) {
    const auto in = inputs_of(item);
    ids.push_back(in.ids);
    types.push_back(in.types);
    masks.push_back(in.mask);
    logits.push_back(tensor_of(item["logits"]));

    // Dynamic padding: only the real tokens.
    const auto length = in.mask.sum().item<std::int64_t>();
    const auto trimmed = network->bert->forward(in.ids.narrow(1, 0, length), in.types.narrow(1, 0, length),
                                                in.mask.narrow(1, 0, length));
    CHECK(tracked(max_difference(network->head(trimmed.pooler_output)[0], logits.back())) <= 1e-4);
  }
  const auto outputs = network->bert->forward(at::cat(ids), at::cat(types), at::cat(masks));
  CHECK(tracked(max_difference(network->head(outputs.pooler_output), at::stack(logits))) <= 1e-4);
}

TEST_CASE("Legacy checkpoint names load: gamma and beta, position_ids, pre-training heads, no classifier") {
  torch::NoGradGuard no_grad;
  const auto network = loaded_network(legacy_folder(), 2, /*new_head=*/true);
  const auto& cases = legacy_cases();
  REQUIRE(cases.size() == 15);
  for (std::size_t index = 0; index < cases.size(); ++index) {
    const auto& item = cases[index];
    INFO("case " << index << ": " << item["text"].dump());
    const auto in = inputs_of(item);
    const auto outputs = network->bert->forward(in.ids, in.types, in.mask);
    CHECK(tracked(max_difference(outputs.pooler_output[0], tensor_of(item["pooler_output"]))) <= 1e-4);
    CHECK(tracked(max_difference(outputs.last_hidden_state[0][0], tensor_of(item["last_hidden_state_cls"]))) <= 1e-4);
  }
  report_worst("bert-tiny-uncased-legacy-keys, reference ids");
  // Without its new head, the legacy checkpoint lacks the classifier.
  CHECK_THAT(load_error(legacy_folder()), Catch::Contains("missing: classifier.bias, classifier.weight"));
}

TEST_CASE("Renaming: legacy names, BertModel names without the bert. prefix, DataParallel's module.") {
  const auto t = at::zeros({1});
  const auto renamed = bert::to_classifier_names({{"bert.embeddings.LayerNorm.gamma", t},
                                                  {"bert.encoder.layer.0.output.LayerNorm.beta", t},
                                                  {"bert.embeddings.position_ids", t},
                                                  {"cls.predictions.bias", t},
                                                  {"classifier.weight", t}});
  std::vector<std::string> names;
  for (const auto& entry : renamed) names.push_back(entry.first);
  CHECK(names == std::vector<std::string>{"bert.embeddings.LayerNorm.weight",
                                          "bert.encoder.layer.0.output.LayerNorm.bias", "classifier.weight"});

  const auto bare = bert::to_classifier_names(
      {{"module.embeddings.word_embeddings.weight", t}, {"module.pooler.dense.bias", t}, {"module.classifier.bias", t}});
  names.clear();
  for (const auto& entry : bare) names.push_back(entry.first);
  CHECK(names == std::vector<std::string>{"bert.embeddings.word_embeddings.weight", "bert.pooler.dense.bias",
                                          "classifier.bias"});
}

TEST_CASE("A BertModel checkpoint (no bert. prefix, no classifier) loads into the encoder") {
  torch::NoGradGuard no_grad;
  TempFolder folder("bert-bare");
  std::map<std::string, at::Tensor> bare;
  for (const auto& [name, tensor] : load_safetensors(tiny_folder() / "model.safetensors")) {
    if (name.rfind("bert.", 0) == 0) bare.emplace(name.substr(5), tensor);
  }
  write_folder(folder / "bare", bare);
  const auto network = loaded_network(folder / "bare", 3, /*new_head=*/true);
  const auto& item = tiny_cases()[0];
  const auto in = inputs_of(item);
  CHECK(max_difference(network->bert->forward(in.ids, in.types, in.mask).pooler_output[0],
                       tensor_of(item["pooler_output"])) <= 1e-4);
}

TEST_CASE("A missing or misshapen tensor is named, with the file") {
  TempFolder folder("bert-missing");
  auto tensors = load_safetensors(tiny_folder() / "model.safetensors");
  tensors.erase("bert.encoder.layer.1.attention.self.key.weight");
  write_folder(folder / "missing", tensors);
  CHECK_THAT(load_error(folder / "missing"),
             Catch::Contains((folder / "missing" / "model.safetensors").string()) &&
                 Catch::Contains("missing: bert.encoder.layer.1.attention.self.key.weight"));

  tensors = load_safetensors(tiny_folder() / "model.safetensors");
  tensors["bert.pooler.dense.weight"] = at::zeros({32, 16});
  write_folder(folder / "shape", tensors);
  CHECK_THAT(load_error(folder / "shape"),
             Catch::Contains("tensor 'bert.pooler.dense.weight' has shape [32, 16] in the weights but [32, 32]"));

  tensors = load_safetensors(tiny_folder() / "model.safetensors");
  tensors["bert.encoder.layer.2.output.dense.bias"] = at::zeros({32});
  write_folder(folder / "extra", tensors);
  CHECK_THAT(load_error(folder / "extra"), Catch::Contains("bert.encoder.layer.2.output.dense.bias"));
}

TEST_CASE("A folder with only pytorch_model.bin is refused with how to convert it") {
  TempFolder folder("bert-bin");
  for (const char* file : {"config.json", "vocab.txt", "pytorch_model.bin"}) {
    fs::copy_file(legacy_folder() / file, folder / file);
  }
  const auto error = load_error(folder.path());
  CHECK_THAT(error, Catch::Contains("pytorch_model.bin, torch's pickle format") &&
                        Catch::Contains("safetensors.torch import save_file") &&
                        Catch::Contains("save_pretrained") && Catch::Contains("safe_serialization=True"));
  fs::remove(folder / "pytorch_model.bin");
  CHECK_THAT(load_error(folder.path()), Catch::Contains("no model.safetensors in the folder"));
}

TEST_CASE("Sharded checkpoints (model.safetensors.index.json) load") {
  torch::NoGradGuard no_grad;
  TempFolder folder("bert-shards");
  const auto tensors = load_safetensors(tiny_folder() / "model.safetensors");
  std::map<std::string, at::Tensor> first, second;
  nlohmann::json map;
  for (const auto& [name, tensor] : tensors) {
    const bool one = name.find("layer.1") == std::string::npos;
    (one ? first : second).emplace(name, tensor);
    map[name] = one ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
  }
  write_folder(folder / "sharded", {});
  fs::remove(folder / "sharded" / "model.safetensors");
  save_safetensors(folder / "sharded" / "model-00001-of-00002.safetensors", first);
  save_safetensors(folder / "sharded" / "model-00002-of-00002.safetensors", second);
  std::ofstream(folder / "sharded" / "model.safetensors.index.json") << nlohmann::json{{"weight_map", map}}.dump();
  const auto network = loaded_network(folder / "sharded", 3, false);
  const auto& item = tiny_cases()[1];
  const auto in = inputs_of(item);
  CHECK(max_difference(network->head(network->bert->forward(in.ids, in.types, in.mask).pooler_output)[0],
                       tensor_of(item["logits"])) <= 1e-4);
}

TEST_CASE("The attention mask adds the dtype's lowest value on masked keys") {
  const auto mask = at::tensor(std::vector<std::int64_t>{1, 1, 0}, at::kLong).unsqueeze(0);
  const auto additive = bert::additive_attention_mask(mask, at::kFloat);
  CHECK(additive.sizes() == at::IntArrayRef({1, 1, 1, 3}));
  CHECK(additive[0][0][0][0].item<float>() == 0.0f);
  CHECK(additive[0][0][0][2].item<float>() == std::numeric_limits<float>::lowest());
  CHECK(bert::additive_attention_mask(mask, at::kDouble)[0][0][0][2].item<double>() ==
        std::numeric_limits<double>::lowest());
}

TEST_CASE("Dropout acts in training mode only") {
  torch::NoGradGuard no_grad;
  auto network = loaded_network(tiny_folder(), 3, false);
  const auto in = inputs_of(tiny_cases()[0]);
  auto run = [&] { return network->head(network->bert->forward(in.ids, in.types, in.mask).pooler_output); };
  CHECK(torch::equal(run(), run()));
  network->train();
  CHECK_FALSE(torch::equal(run(), run()));
}

TEST_CASE("New networks are initialised as transformers' _init_weights") {
  torch::manual_seed(7);
  auto config = bert::preset_config("mini");
  config.vocab_size = 3000;
  config.initializer_range = 0.05;
  bert::SequenceClassifier network(config, 4);
  bert::initialise(network, config.initializer_range);
  const auto tensors = state_dict(network);
  CHECK(tensors.at("bert.embeddings.word_embeddings.weight")[0].abs().max().item<double>() == 0.0);  // padding row
  CHECK(tensors.at("bert.embeddings.word_embeddings.weight").std().item<double>() == Approx(0.05).epsilon(0.02));
  CHECK(tensors.at("bert.encoder.layer.3.intermediate.dense.weight").std().item<double>() ==
        Approx(0.05).epsilon(0.02));
  CHECK(tensors.at("bert.encoder.layer.3.intermediate.dense.bias").abs().max().item<double>() == 0.0);
  CHECK(torch::equal(tensors.at("bert.encoder.layer.0.output.LayerNorm.weight"), torch::ones({256})));
  CHECK(tensors.at("bert.encoder.layer.0.output.LayerNorm.bias").abs().max().item<double>() == 0.0);
  CHECK(tensors.at("classifier.weight").sizes() == at::IntArrayRef({4, 256}));
}

TEST_CASE("Activations: gelu (erf), gelu_new and gelu_pytorch_tanh (tanh approximation), relu") {
  torch::NoGradGuard no_grad;
  torch::manual_seed(1);
  const auto x = torch::randn({2, 5, 128}) * 3;
  auto check = [&](const std::string& name, const std::function<at::Tensor(const at::Tensor&)>& expected) {
    auto config = bert::preset_config("tiny");
    config.hidden_act = name;
    bert::Intermediate intermediate(config);
    INFO(name);
    CHECK(max_difference(intermediate.forward(x), expected(intermediate.dense->forward(x))) <= 1e-5);
  };
  check("gelu", [](const at::Tensor& y) { return 0.5 * y * (1 + torch::erf(y / std::sqrt(2.0))); });
  check("gelu_new", [](const at::Tensor& y) { return at::gelu(y, "tanh"); });
  check("gelu_pytorch_tanh", [](const at::Tensor& y) { return at::gelu(y, "tanh"); });
  check("relu", [](const at::Tensor& y) { return torch::relu(y); });
}
