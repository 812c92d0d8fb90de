// A short fine-tune of the tiny fixture on generated text, end to end through `graft run` with
// the text_table dataset and BERT's training recipe (AdamW without decay on biases and LayerNorm,
// linear warmup and decay, clipping, accumulation, length buckets): the model must learn.
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include <fstream>
#include <random>

#include <fmt/format.h>

#include "bert_fixtures.hpp"
#include "support/run_graft.hpp"
#include "support/temp_folder.hpp"

using namespace graft::testing;

namespace {

// Two topics drawn from words of the fixture's vocabulary, each sentence padded with common words
// and of random length, so batches differ in length and the topic words are what tells them apart.
void write_topics_csv(const std::filesystem::path& file) {
  const std::vector<std::string> sports = {"game", "team", "ball", "play", "player", "win", "score", "field", "season"};
  const std::vector<std::string> money = {"bank", "price", "market", "money", "pay", "cost", "tax", "trade", "stock"};
  const std::vector<std::string> common = {"the", "a", "of", "and", "was", "he", "to", "in", "it"};
  std::mt19937 random(11);
  std::ofstream out(file);
  out << "text,topic\n";
  for (int i = 0; i < 240; ++i) {
    const bool is_sports = i % 2 == 0;
    const auto& topic = is_sports ? sports : money;
    std::string text;
    const int words = 4 + static_cast<int>(random() % 20);
    for (int w = 0; w < words; ++w) {
      const auto& pool = (random() % 3 == 0) ? topic : common;
      text += (w ? " " : "") + pool[random() % pool.size()];
    }
    out << '"' << text << "\"," << (is_sports ? "sports" : "money") << "\n";
  }
}

double metric(const Finished& shown, const std::string& key) {
  return nlohmann::json::parse(shown.out)["final_metrics"].at(key)["value"].get<double>();
}

}  // namespace

TEST_CASE("fine-tuning the tiny BERT fixture on generated topics learns them") {
  TempFolder folder("bert-finetune");
  write_topics_csv(folder / "topics.csv");
  std::ofstream(folder / "finetune.toml") << fmt::format(R"([experiment]
name = "topics"
seed = 3

[model]
plugin = "bert"
pretrained = "{}"
max_length = 32

[dataset]
plugin = "text_table"
train = "topics.csv"
label_column = "topic"
test_fraction = 0.25
validation_fraction = 0.2

[scheduler]
plugin = "linear"
warmup_ratio = 0.1

[train]
epochs = 6
batch_size = 8
accumulate = 2
lr = 3e-3
weight_decay = 0.01
grad_clip_norm = 1.0
bucket_by_length = true
threads = 1
log_every_steps = 1000
)", tiny_folder().string());
  const auto finished = run_graft(folder.path(), {"run", "finetune.toml", "--no-progress"});
  INFO(finished.err);
  REQUIRE(finished.status == 0);
  CHECK_THAT(finished.err, Catch::Contains("new"));  // the fixture's 3-label head gives way to a 2-class one

  const auto shown = run_graft(folder.path(), {"show", "1", "--json"});
  REQUIRE(shown.status == 0);
  INFO(shown.out);
  CHECK(metric(shown, "best.test.accuracy") >= 0.85);
  // Chance is 0.5 on balanced topics; the untrained head starts near it.
  const auto epochs = nlohmann::json::parse(shown.out)["epochs"];
  REQUIRE(epochs.size() == 6);
  const auto loss_of = [](const nlohmann::json& epoch) { return epoch["metrics"].at("train.loss").get<double>(); };
  CHECK(loss_of(epochs.back()) < 0.6 * loss_of(epochs.front()));
}
