// The tokenizer against Hugging Face's own output: tests/data/hf/*/reference.json, written by
// transformers 5.17 (its BertTokenizer is the fast, Rust `tokenizers` one) with
// tokenizer(text, text_pair, max_length=32, padding="max_length", truncation=True).
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "graft/tokenizer.hpp"

namespace {

const std::string kFixtures = GRAFT_HF_FIXTURES_DIR;

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

void check_reference_cases(const std::string& model) {
  const auto tokenizer = graft::WordPieceTokenizer::from_folder(kFixtures + "/" + model);
  const auto reference = read_json(kFixtures + "/" + model + "/reference.json");
  // The legacy folder's reference has no max_length (nor tokens): it was written with the same 32.
  const auto max_length = reference.value("max_length", std::size_t{32});
  REQUIRE(max_length == 32);
  const auto& cases = reference.at("cases");
  REQUIRE(cases.size() == 15);
  for (const auto& c : cases) {
    const auto text = c.at("text").get<std::string>();
    std::optional<std::string> pair;
    if (!c.at("text_pair").is_null()) pair = c.at("text_pair").get<std::string>();
    INFO("text: " << text << (pair ? "\npair: " + *pair : std::string()));

    if (c.contains("tokens")) CHECK(tokenizer.tokenize(text) == c.at("tokens").get<std::vector<std::string>>());

    std::vector<graft::Encoding> batch{tokenizer.encode(text, pair, max_length)};
    tokenizer.pad(batch, graft::Padding::MaxLength, max_length);
    const auto& encoding = batch.front();
    CHECK(encoding.input_ids == c.at("input_ids").get<std::vector<std::int64_t>>());
    CHECK(encoding.token_type_ids == c.at("token_type_ids").get<std::vector<std::int64_t>>());
    CHECK(encoding.attention_mask == c.at("attention_mask").get<std::vector<std::int64_t>>());
    REQUIRE(encoding.tokens.size() == encoding.input_ids.size());
    for (std::size_t i = 0; i < encoding.tokens.size(); ++i) {
      CHECK(tokenizer.token_to_id(encoding.tokens[i]) == encoding.input_ids[i]);
    }
  }
}

}  // namespace

TEST_CASE("every case of the Hugging Face reference is reproduced exactly", "[tokenizer][reference]") {
  check_reference_cases("bert-tiny-uncased");
}

TEST_CASE("the ids of the legacy-keys folder reference are reproduced exactly", "[tokenizer][reference]") {
  check_reference_cases("bert-tiny-uncased-legacy-keys");
}

TEST_CASE("from_folder reads the settings of tokenizer_config.json", "[tokenizer][reference]") {
  const auto tokenizer = graft::WordPieceTokenizer::from_folder(kFixtures + "/bert-tiny-uncased");
  const auto& options = tokenizer.options();
  CHECK(options.do_lower_case);
  CHECK_FALSE(options.strip_accents.has_value());  // null in the file: follows do_lower_case
  CHECK(options.tokenize_chinese_chars);
  CHECK(options.unk_token == "[UNK]");
  CHECK(tokenizer.vocabulary_size() == 2726);
  // bert-base-uncased's ids, which the fixture vocabulary keeps.
  CHECK(tokenizer.pad_id() == 0);
  CHECK(tokenizer.token_to_id("[UNK]") == 100);
  CHECK(tokenizer.token_to_id("[CLS]") == 101);
  CHECK(tokenizer.token_to_id("[SEP]") == 102);
  CHECK(tokenizer.token_to_id("[MASK]") == 103);
  CHECK(tokenizer.id_to_token(102) == "[SEP]");
  CHECK(tokenizer.token_to_id("no-such-token") == 100);
  CHECK_THROWS_AS(tokenizer.id_to_token(2726), std::out_of_range);
  CHECK_THROWS_AS(tokenizer.id_to_token(-1), std::out_of_range);
}
