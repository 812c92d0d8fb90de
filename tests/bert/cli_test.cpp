// `graft tokenize` and `graft predict --text` as a user runs them on a Hugging Face folder:
// transformers' ids, logits and pooler outputs; bad input refused with status 2.
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include <fstream>

#include "bert_fixtures.hpp"
#include "support/run_graft.hpp"
#include "support/temp_folder.hpp"

using namespace graft::testing;

namespace {

std::vector<std::size_t> single_cases() {
  std::vector<std::size_t> indices;
  for (std::size_t index = 0; index < tiny_cases().size(); ++index) {
    if (tiny_cases()[index]["text_pair"].is_null()) indices.push_back(index);
  }
  return indices;
}

std::vector<std::size_t> pair_cases() {
  std::vector<std::size_t> indices;
  for (std::size_t index = 0; index < tiny_cases().size(); ++index) {
    if (!tiny_cases()[index]["text_pair"].is_null()) indices.push_back(index);
  }
  return indices;
}

Finished run_in(const TempFolder& folder, const std::vector<std::string>& args) {
  auto finished = run_graft(folder.path(), args);
  return finished;
}

nlohmann::json parsed(const Finished& finished) {
  INFO(finished.err);
  REQUIRE(finished.status == 0);
  return nlohmann::json::parse(finished.out);
}

void check_encoding(const nlohmann::json& got, const nlohmann::json& item) {
  CHECK(got["input_ids"] == item["input_ids"]);
  CHECK(got["token_type_ids"] == item["token_type_ids"]);
  CHECK(got["attention_mask"] == item["attention_mask"]);
  const auto& tokens = got["tokens"];
  CHECK(tokens.front() == "[CLS]");
  const auto real = item["attention_mask"].get<std::vector<int>>();
  const auto length = static_cast<std::size_t>(std::count(real.begin(), real.end(), 1));
  if (item["text_pair"].is_null() && item["tokens"].size() + 2 == length) {  // not truncated
    for (std::size_t index = 0; index < item["tokens"].size(); ++index) CHECK(tokens[index + 1] == item["tokens"][index]);
  }
  if (length < tokens.size()) CHECK(tokens[length] == "[PAD]");
}

double difference(const nlohmann::json& got, const nlohmann::json& want) {
  return max_difference(tensor_of(got), tensor_of(want));
}

}  // namespace

TEST_CASE("graft tokenize --json gives transformers' ids for every reference case") {
  TempFolder folder("bert-cli");
  std::vector<std::string> args{"tokenize", "--model", "bert", "--weights", tiny_folder().string(),
                                "--max-length", "32", "--json"};
  for (auto index : single_cases()) args.insert(args.end(), {"--text", tiny_cases()[index]["text"].get<std::string>()});
  const auto singles = parsed(run_in(folder, args));
  REQUIRE(singles.size() == single_cases().size());
  for (std::size_t position = 0; position < singles.size(); ++position) {
    const auto& item = tiny_cases()[single_cases()[position]];
    INFO("case " << single_cases()[position] << ": " << item["text"].dump());
    CHECK(singles[position]["text"] == item["text"]);
    check_encoding(singles[position], item);
  }

  args = {"tokenize", "--weights", tiny_folder().string(), "--max-length", "32", "--json"};  // model from config.json
  for (auto index : pair_cases()) {
    args.insert(args.end(), {"--text", tiny_cases()[index]["text"].get<std::string>(), "--text-pair",
                             tiny_cases()[index]["text_pair"].get<std::string>()});
  }
  const auto pairs = parsed(run_in(folder, args));
  REQUIRE(pairs.size() == pair_cases().size());
  for (std::size_t position = 0; position < pairs.size(); ++position) {
    const auto& item = tiny_cases()[pair_cases()[position]];
    INFO("case " << pair_cases()[position]);
    CHECK(pairs[position]["text_pair"] == item["text_pair"]);
    check_encoding(pairs[position], item);
  }
}

TEST_CASE("graft tokenize without --max-length truncates to the model's max_length and does not pad") {
  TempFolder folder("bert-cli");
  const auto& long_case = tiny_cases()[14];
  const auto encodings = parsed(run_in(folder, {"tokenize", "--model", "bert", "--weights", tiny_folder().string(),
                                               "--set", "model.max_length=20", "--json", "--text", "Hello, World!",
                                               "--text", long_case["text"].get<std::string>()}));
  REQUIRE(encodings.size() == 2);
  CHECK(encodings[0]["tokens"] ==
        nlohmann::json::array({"[CLS]", "hell", "##o", ",", "world", "!", "[SEP]"}));
  CHECK(encodings[0]["attention_mask"].size() == 7);
  CHECK(encodings[1]["input_ids"].size() == 20);
  CHECK(encodings[1]["tokens"].back() == "[SEP]");

  const auto table = run_in(folder, {"tokenize", "--model", "bert", "--weights", tiny_folder().string(), "--text",
                                    "Hello, World!"});
  INFO(table.err);
  REQUIRE(table.status == 0);
  CHECK(table.out.find("text 1: Hello, World!") != std::string::npos);
  CHECK(table.out.find("token_type_id") != std::string::npos);
  CHECK(table.out.find("[CLS]") != std::string::npos);
  CHECK(table.out.find("##o") != std::string::npos);
}

TEST_CASE("graft predict --text gives transformers' logits, and the pooler output as features") {
  TempFolder folder("bert-cli");
  std::vector<std::string> args{"predict", "--json", "--features", "--weights", tiny_folder().string()};
  for (auto index : single_cases()) args.insert(args.end(), {"--text", tiny_cases()[index]["text"].get<std::string>()});
  {
    std::ofstream pairs(folder / "pairs.tsv");
    for (auto index : pair_cases()) {
      pairs << tiny_cases()[index]["text"].get<std::string>() << '\t'
            << tiny_cases()[index]["text_pair"].get<std::string>() << "\n\n";
    }
  }
  args.insert(args.end(), {"--input-file", (folder / "pairs.tsv").string(), "--set", "model.max_length=32"});
  const auto output = parsed(run_in(folder, args));
  CHECK(output["model"] == "bert");
  CHECK(output["classes"] == nlohmann::json::array({"LABEL_0", "LABEL_1", "LABEL_2"}));  // config.json's id2label
  auto order = single_cases();
  for (auto index : pair_cases()) order.push_back(index);
  const auto& predictions = output["predictions"];
  REQUIRE(predictions.size() == order.size());
  for (std::size_t position = 0; position < order.size(); ++position) {
    const auto& item = tiny_cases()[order[position]];
    const auto& prediction = predictions[position];
    INFO("case " << order[position] << ": " << item["text"].dump());
    CHECK(prediction["input"] == item["text"]);
    if (!item["text_pair"].is_null()) CHECK(prediction["text_pair"] == item["text_pair"]);
    CHECK(tracked(difference(prediction["logits"], item["logits"])) <= 1e-4);
    CHECK(tracked(difference(prediction["features"], item["pooler_output"])) <= 1e-4);
    const auto logits = item["logits"].get<std::vector<double>>();
    CHECK(prediction["index"] == std::max_element(logits.begin(), logits.end()) - logits.begin());
  }
  report_worst("graft predict --text");

  const auto table = run_in(folder, {"predict", "--model", "bert", "--weights", tiny_folder().string(), "--top", "2",
                                    "--text", "Hello, World! This is a TEST."});
  INFO(table.err);
  REQUIRE(table.status == 0);
  CHECK(table.out.find("Hello, World! This is a TEST.") != std::string::npos);
  CHECK(table.out.find("LABEL_1") != std::string::npos);  // the reference's best class
}

TEST_CASE("graft tokenize and predict refuse bad input with status 2 and a message") {
  TempFolder folder("bert-cli");
  const auto tiny = tiny_folder().string();
  auto refused = [&](const std::vector<std::string>& args, const std::string& message) {
    const auto finished = run_in(folder, args);
    INFO(finished.err);
    CHECK(finished.status == 2);
    CHECK(finished.err.find(message) != std::string::npos);
  };
  refused({"predict", "--model", "bert", "--weights", tiny, "image.png"}, "model 'bert' reads text");
  refused({"predict", "--model", "bert", "--weights", tiny}, "nothing to predict");
  refused({"predict", "--weights", tiny, "--text", "a", "--text-pair", "b", "--text-pair", "c"},
          "2 --text-pair for 1 --text");
  refused({"predict", "--weights", tiny, "--input-file", "missing.tsv"}, "missing.tsv: cannot read the file");
  refused({"predict", "--model", "bert", "--weights", "/no/such/folder", "--text", "a"},
          "/no/such/folder is neither a folder");
  refused({"predict", "--weights", tiny, "--set", "model.max_length=65", "--text", "a"},
          "max_length = 65 is more than the model's max_position_embeddings (64");
  refused({"predict", "--model", "small_cnn", "--text", "a"}, "model 'small_cnn' reads images, not text");
  refused({"tokenize", "--model", "small_cnn", "--text", "a"}, "model 'small_cnn' is not a text model");
  refused({"tokenize", "--model", "bert", "--weights", tiny, "--set", "model.max_lenght=3", "--text", "a"},
          "did you mean 'max_length'");
  refused({"tokenize", "--model", "bert", "--text", "a"}, "bert.tokenizer: set it to a folder");
  refused({"tokenize", "--text", "a"}, "give --model PLUGIN");
}
