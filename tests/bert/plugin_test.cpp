// The bert plugin as graft loads it: raw texts through collate() and the tokenizer give
// transformers' ids and outputs; heads, presets, checkpoints, errors and layer groups.
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include <set>
#include <thread>

#include "bert_fixtures.hpp"
#include "builtin.hpp"
#include "graft/errors.hpp"
#include "graft/model.hpp"
#include "graft/safetensors.hpp"
#include "graft/state_dict.hpp"
#include "graft/text_model.hpp"
#include "support/capture_stderr.hpp"
#include "support/temp_folder.hpp"

using namespace graft;
using namespace graft::testing;
namespace fs = std::filesystem;

namespace {

using Overrides = std::vector<std::pair<std::string, ParamValue>>;

TaskSpec task_with(std::size_t classes) {
  TaskSpec task;
  for (std::size_t index = 0; index < classes; ++index) task.class_names.push_back("c" + std::to_string(index));
  return task;
}

std::shared_ptr<Model> bert_model(const Overrides& overrides, std::size_t classes = 3) {
  auto model = make_plugin<Model>("bert", overrides);
  model->build(task_with(classes));
  model->module().eval();
  return model;
}

Overrides tiny(Overrides more = {}) {
  more.emplace_back("pretrained", tiny_folder().string());
  return more;
}

std::string error_of(const Overrides& overrides, std::size_t classes = 3) {
  try {
    bert_model(overrides, classes);
  } catch (const InputError& error) {
    return error.what();
  }
  return "no error";
}

Example example_of(const nlohmann::json& item, std::int64_t label = 0) {
  Example example;
  example.text = item["text"].get<std::string>();
  if (!item["text_pair"].is_null()) example.text_pair = item["text_pair"].get<std::string>();
  example.label = label;
  return example;
}

std::vector<Example> all_examples(const nlohmann::json& cases) {
  std::vector<Example> examples;
  for (std::size_t index = 0; index < cases.size(); ++index) {
    examples.push_back(example_of(cases[index], static_cast<std::int64_t>(index % 3)));
  }
  return examples;
}

at::Tensor logits_of(Model& model, const Batch& batch) {
  torch::NoGradGuard no_grad;
  return model.forward(batch);
}

void copy_tokenizer_files(const fs::path& to) {
  fs::create_directories(to);
  for (const char* file : {"vocab.txt", "tokenizer_config.json"}) fs::copy_file(tiny_folder() / file, to / file);
}

}  // namespace

TEST_CASE("Raw texts through collate give transformers' ids, logits and pooler output for every case") {
  auto model = bert_model(tiny({{"max_length", std::int64_t{32}}, {"padding", std::string("max_length")}}));
  const auto& cases = tiny_cases();
  const auto batch = model->collate(all_examples(cases), CollateOptions{});
  REQUIRE(batch.inputs.sizes() == at::IntArrayRef({15, 32}));
  CHECK(batch.inputs.scalar_type() == at::kLong);
  torch::NoGradGuard no_grad;
  const auto features = model->features(batch);
  const auto logits = model->head(features);
  for (std::size_t index = 0; index < cases.size(); ++index) {
    const auto& item = cases[index];
    const auto row = static_cast<std::int64_t>(index);
    INFO("case " << index << ": " << item["text"].dump());
    CHECK(torch::equal(batch.inputs[row], ids_of(item["input_ids"])));
    CHECK(torch::equal(batch.extra.at("token_type_ids")[row], ids_of(item["token_type_ids"])));
    CHECK(torch::equal(batch.extra.at("attention_mask")[row], ids_of(item["attention_mask"])));
    CHECK(batch.labels[row].item<std::int64_t>() == row % 3);
    CHECK(tracked(max_difference(logits[row], tensor_of(item["logits"]))) <= 1e-4);
    CHECK(tracked(max_difference(features[row], tensor_of(item["pooler_output"]))) <= 1e-4);
  }
  report_worst("bert-tiny-uncased, raw texts through collate");
}

TEST_CASE("Dynamic padding pads to the batch's longest encoding, with the same logits") {
  auto model = bert_model(tiny());  // padding = longest, max_length = 128
  const auto& cases = tiny_cases();
  const std::vector<Example> examples = {example_of(cases[0]), example_of(cases[11]), example_of(cases[12])};
  const auto batch = model->collate(examples, CollateOptions{});
  const auto longest = std::max({ids_of(cases[0]["attention_mask"]).sum().item<std::int64_t>(),
                                 ids_of(cases[11]["attention_mask"]).sum().item<std::int64_t>(),
                                 ids_of(cases[12]["attention_mask"]).sum().item<std::int64_t>()});
  CHECK(batch.inputs.size(1) == longest);
  CHECK(batch.extra.at("attention_mask")[1].sum().item<std::int64_t>() == 2);  // "" is [CLS] [SEP]
  const auto logits = logits_of(*model, batch);
  CHECK(max_difference(logits[0], tensor_of(cases[0]["logits"])) <= 1e-4);
  CHECK(max_difference(logits[1], tensor_of(cases[11]["logits"])) <= 1e-4);
  CHECK(max_difference(logits[2], tensor_of(cases[12]["logits"])) <= 1e-4);
}

TEST_CASE("collate is safe from several threads at once and deterministic") {
  auto model = bert_model(tiny());
  const auto examples = all_examples(tiny_cases());
  const auto expected = model->collate(examples, CollateOptions{});
  std::vector<std::thread> threads;
  std::vector<bool> same(4, false);
  for (std::size_t t = 0; t < same.size(); ++t) {
    threads.emplace_back([&, t] {
      bool all = true;
      for (int round = 0; round < 5; ++round) {
        const auto batch = model->collate(examples, CollateOptions{Mode::Train, static_cast<std::uint64_t>(round)});
        all = all && torch::equal(batch.inputs, expected.inputs) &&
              torch::equal(batch.extra.at("attention_mask"), expected.extra.at("attention_mask"));
      }
      same[t] = all;
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(same == std::vector<bool>(4, true));
}

TEST_CASE("The legacy-keys folder loads its encoder and gets a new head, said in the log") {
  CaptureStderr capture;
  auto model = bert_model({{"pretrained", legacy_folder().string()}, {"max_length", std::int64_t{32}},
                           {"padding", std::string("max_length")}},
                          4);
  const auto log = capture.text();
  CHECK_THAT(log, Catch::Contains("has no classifier") && Catch::Contains("new head for 4 classes"));
  const auto& cases = legacy_cases();
  const auto batch = model->collate(all_examples(cases), CollateOptions{});
  torch::NoGradGuard no_grad;
  const auto features = model->features(batch);
  CHECK(model->head(features).sizes() == at::IntArrayRef({15, 4}));
  for (std::size_t index = 0; index < cases.size(); ++index) {
    INFO("case " << index);
    const auto row = static_cast<std::int64_t>(index);
    CHECK(torch::equal(batch.inputs[row], ids_of(cases[index]["input_ids"])));
    CHECK(tracked(max_difference(features[row], tensor_of(cases[index]["pooler_output"]))) <= 1e-4);
  }
  const auto classifier = state_dict(model->module());
  CHECK(classifier.at("classifier.bias").abs().max().item<double>() == 0.0);
  CHECK(classifier.at("classifier.weight").std().item<double>() > 0.05);  // normal(0, 0.2)
  report_worst("bert-tiny-uncased-legacy-keys, raw texts through collate");
}

TEST_CASE("Another class count than the checkpoint's head: a new head on the checkpoint's encoder") {
  auto reference = bert_model(tiny());
  CaptureStderr capture;
  auto model = bert_model(tiny(), 5);
  CHECK_THAT(capture.text(), Catch::Contains("the pre-trained head has 3 classes and the task 5"));
  const auto loaded = state_dict(model->module());
  const auto original = state_dict(reference->module());
  CHECK(loaded.at("classifier.weight").sizes() == at::IntArrayRef({5, 32}));
  for (const auto& [name, tensor] : loaded) {
    if (name.rfind("classifier.", 0) == 0) continue;
    INFO(name);
    CHECK(torch::equal(tensor, original.at(name)));
  }
  CHECK_THAT(error_of(tiny({{"pretrained_head", std::string("keep")}}), 5),
             Catch::Contains("pretrained_head = \"keep\"") && Catch::Contains("has a classifier for 3 classes"));
  CaptureStderr again;
  auto renewed = bert_model(tiny({{"pretrained_head", std::string("new")}}), 3);
  CHECK_THAT(again.text(), Catch::Contains("pretrained_head = \"new\""));
  CHECK_FALSE(torch::equal(state_dict(renewed->module()).at("classifier.weight"), original.at("classifier.weight")));
}

TEST_CASE("A task without classes takes the checkpoint's head") {
  auto model = make_plugin<Model>("bert", tiny());
  model->build(TaskSpec{});
  CHECK(state_dict(model->module()).at("classifier.weight").size(0) == 3);
  auto scratch = make_plugin<Model>("bert", {{"tokenizer", tiny_folder().string()}, {"preset", std::string("tiny")}});
  CHECK_THROWS_WITH(scratch->build(TaskSpec{}), Catch::Contains("the task names no classes"));
}

TEST_CASE("A model from a preset: the miniature's sizes, the tokenizer's vocabulary, seeded initialisation") {
  const Overrides overrides = {{"tokenizer", tiny_folder().string()}, {"preset", std::string("tiny")}};
  torch::manual_seed(3);
  auto first = bert_model(overrides, 2);
  torch::manual_seed(3);
  auto second = bert_model(overrides, 2);
  const auto tensors = state_dict(first->module());
  CHECK(tensors.at("bert.embeddings.word_embeddings.weight").sizes() == at::IntArrayRef({2726, 128}));
  CHECK(tensors.at("bert.encoder.layer.1.intermediate.dense.weight").sizes() == at::IntArrayRef({512, 128}));
  CHECK(tensors.count("bert.encoder.layer.2.output.dense.weight") == 0);
  CHECK(tensors.at("bert.embeddings.position_embeddings.weight").size(0) == 512);
  CHECK(tensors.at("bert.embeddings.word_embeddings.weight")[0].abs().max().item<double>() == 0.0);  // [PAD]
  for (const auto& [name, tensor] : state_dict(second->module())) {
    INFO(name);
    CHECK(torch::equal(tensor, tensors.at(name)));
  }
  const auto batch = first->collate(all_examples(tiny_cases()), CollateOptions{});
  CHECK(logits_of(*first, batch).sizes() == at::IntArrayRef({15, 2}));

  auto sized = bert_model({{"tokenizer", tiny_folder().string()},
                           {"preset", std::string("tiny")},
                           {"num_hidden_layers", std::int64_t{1}},
                           {"hidden_size", std::int64_t{64}},
                           {"hidden_act", std::string("gelu_new")}},
                          2);
  CHECK(state_dict(sized->module()).at("bert.encoder.layer.0.intermediate.dense.weight").sizes() ==
        at::IntArrayRef({256, 64}));
  CHECK(logits_of(*sized, batch).sizes() == at::IntArrayRef({15, 2}));
}

TEST_CASE("Params that cannot work are refused when the model is created") {
  CHECK_THAT(error_of(tiny({{"max_length", std::int64_t{65}}})),
             Catch::Contains("bert.max_length = 65 is more than the model's max_position_embeddings (64"));
  CHECK_THAT(error_of({{"preset", std::string("tiny")}}), Catch::Contains("bert.tokenizer: set it to a folder"));
  CHECK_THAT(error_of(tiny({{"hidden_size", std::int64_t{64}}})),
             Catch::Contains("bert.hidden_size is for models built from a preset"));
  CHECK_THAT(error_of(tiny({{"hidden_act", std::string("relu")}})),
             Catch::Contains("bert.hidden_act is for models built from a preset"));
  CHECK_THAT(error_of({{"pretrained", std::string("/no/such/folder")}}),
             Catch::Contains("/no/such/folder is neither a folder"));
  CHECK_THAT(error_of({{"tokenizer", tiny_folder().string()},
                       {"preset", std::string("tiny")},
                       {"hidden_size", std::int64_t{100}},
                       {"num_attention_heads", std::int64_t{3}}}),
             Catch::Contains("hidden_size (100) must be a multiple of num_attention_heads (3)"));
}

TEST_CASE("Checkpoint errors through the plugin: a missing tensor, pytorch_model.bin only") {
  TempFolder folder("bert-plugin-errors");
  copy_tokenizer_files(folder / "missing");
  fs::copy_file(tiny_folder() / "config.json", folder / "missing" / "config.json");
  auto tensors = load_safetensors(tiny_folder() / "model.safetensors");
  tensors.erase("bert.embeddings.token_type_embeddings.weight");
  save_safetensors(folder / "missing" / "model.safetensors", tensors);
  CHECK_THAT(error_of({{"pretrained", (folder / "missing").string()}}),
             Catch::StartsWith("bert.pretrained = " + (folder / "missing" / "model.safetensors").string()) &&
                 Catch::Contains("bert.embeddings.token_type_embeddings.weight"));

  copy_tokenizer_files(folder / "bin");
  for (const char* file : {"config.json", "pytorch_model.bin"}) {
    fs::copy_file(legacy_folder() / file, folder / "bin" / file);
  }
  CHECK_THAT(error_of({{"pretrained", (folder / "bin").string()}}),
             Catch::Contains("torch's pickle format") && Catch::Contains("save_file"));

  copy_tokenizer_files(folder / "noconfig");
  CHECK_THAT(error_of({{"pretrained", (folder / "noconfig").string()}}),
             Catch::Contains("no config.json in the folder"));
}

TEST_CASE("Layer groups: embeddings, one per encoder layer, the pooler, then the head") {
  auto model = bert_model(tiny());
  const auto groups = model->layer_groups();
  std::vector<std::string> names;
  for (const auto& group : groups) names.push_back(group.name);
  CHECK(names == std::vector<std::string>{"embeddings", "layer0", "layer1", "pooler", "head"});
  std::set<const void*> seen;
  std::size_t count = 0;
  for (const auto& group : groups) {
    for (const auto& parameter : group.parameters()) {
      seen.insert(parameter.data_ptr());
      ++count;
    }
  }
  CHECK(count == seen.size());
  CHECK(count == model->module().parameters().size());
  const auto head = groups.back().parameters();
  REQUIRE(head.size() == 2);
  CHECK(head[0].sizes() == at::IntArrayRef({3, 32}));

  // A frozen backbone: features computed without gradients, the head still trains.
  for (std::size_t index = 0; index + 1 < groups.size(); ++index) {
    groups[index].set_trainable(false);
    groups[index].set_training(false);
  }
  model->module().train();
  for (std::size_t index = 0; index + 1 < groups.size(); ++index) groups[index].set_training(false);
  const auto batch = model->collate(all_examples(tiny_cases()), CollateOptions{});
  const auto loss = model->forward(batch).logsumexp(1).mean();
  loss.backward();
  CHECK(groups.back().parameters()[0].grad().defined());
  CHECK_FALSE(groups[0].parameters()[0].grad().defined());
}

TEST_CASE("A checkpoint of module() loads back as pretrained with equal outputs") {
  TempFolder folder("bert-roundtrip");
  auto trained = bert_model(tiny(), 4);  // a new head: weights differ from the file's
  const auto batch = trained->collate(all_examples(tiny_cases()), CollateOptions{});
  const auto expected = logits_of(*trained, batch);

  // As a Hugging Face folder: config.json, vocab.txt and the state dict as model.safetensors.
  copy_tokenizer_files(folder / "hf");
  fs::copy_file(tiny_folder() / "config.json", folder / "hf" / "config.json");
  save_safetensors(folder / "hf" / "model.safetensors", state_dict(trained->module()));
  auto restored = bert_model({{"pretrained", (folder / "hf").string()}}, 4);
  CHECK(torch::equal(logits_of(*restored, batch), expected));
  for (const auto& [name, tensor] : state_dict(restored->module())) {
    INFO(name);
    CHECK(torch::equal(tensor, state_dict(trained->module()).at(name)));
  }

  // As a bare state dict file (a graft checkpoint) of a preset model, with the tokenizer param.
  const Overrides preset = {{"tokenizer", tiny_folder().string()}, {"preset", std::string("tiny")}};
  auto scratch = bert_model(preset, 2);
  save_safetensors(folder / "best.safetensors", state_dict(scratch->module()));
  auto overrides = preset;
  overrides.emplace_back("pretrained", (folder / "best.safetensors").string());
  auto reloaded = bert_model(overrides, 2);
  CHECK(torch::equal(logits_of(*reloaded, batch), logits_of(*scratch, batch)));
}

TEST_CASE("bert is a TextModel with its tokenizer and max_length, and a preprocessing key") {
  auto model = bert_model(tiny({{"max_length", std::int64_t{40}}}));
  auto* text = dynamic_cast<TextModel*>(model.get());
  REQUIRE(text != nullptr);
  CHECK(text->max_length() == 40);
  // The default 128 becomes the model's max_position_embeddings (64) when that is smaller.
  CHECK(dynamic_cast<TextModel*>(bert_model(tiny()).get())->max_length() == 64);
  CHECK(text->tokenizer().vocabulary_size() == 2726);
  const auto encoding = text->tokenizer().encode("Hello, World!", std::nullopt, 0);
  CHECK(encoding.tokens.front() == "[CLS]");

  const auto key = model->preprocessing_key(Mode::Train);
  CHECK_FALSE(key.empty());
  CHECK(key == model->preprocessing_key(Mode::Eval));
  CHECK(key.find("bert") == 0);
  CHECK(key.find("max_length=40") != std::string::npos);
  CHECK(key != bert_model(tiny({{"max_length", std::int64_t{41}}}))->preprocessing_key(Mode::Eval));
  CHECK(key != bert_model(tiny({{"max_length", std::int64_t{40}}, {"padding", std::string("max_length")}}))
                   ->preprocessing_key(Mode::Eval));
}

TEST_CASE("A dataset of images is refused by collate with a message") {
  auto model = bert_model(tiny());
  Example image;
  image.image = torch::zeros({3, 8, 8}, torch::kUInt8);
  CHECK_THROWS_WITH(model->collate({image}, CollateOptions{}), Catch::Contains("has an image and no text"));
}
