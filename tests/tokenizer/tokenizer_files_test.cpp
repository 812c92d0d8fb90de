// WordPieceTokenizer::from_folder on folders written by the test: the settings it reads and the
// InputErrors (naming the file) it throws for a missing or bad one.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

#include <catch2/catch.hpp>

#include "graft/errors.hpp"
#include "graft/tokenizer.hpp"

namespace {

namespace fs = std::filesystem;
using Tokens = std::vector<std::string>;

// A fresh folder under the system's temporary folder, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("graft_tokenizer_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  void write(const std::string& name, const std::string& content) const {
    std::ofstream out(path_ / name, std::ios::binary);
    out << content;
  }

 private:
  fs::path path_;
};

const std::string kVocab = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\nHello\ncafe\nCafe\n##s\n";

}  // namespace

TEST_CASE("from_folder without tokenizer_config.json uses BERT's uncased defaults", "[tokenizer][files]") {
  TempDir dir;
  dir.write("vocab.txt", kVocab);
  const auto t = graft::WordPieceTokenizer::from_folder(dir.path());
  CHECK(t.vocabulary_size() == 10);
  CHECK(t.options().do_lower_case);
  CHECK(t.tokenize("HELLOS Caf\u00e9") == Tokens{"hello", "##s", "cafe"});
}

TEST_CASE("from_folder reads cased settings and token objects from tokenizer_config.json", "[tokenizer][files]") {
  TempDir dir;
  dir.write("vocab.txt", kVocab);
  dir.write("tokenizer_config.json", R"({
    "do_lower_case": false, "strip_accents": true, "tokenize_chinese_chars": false,
    "unk_token": {"__type": "AddedToken", "content": "[UNK]", "lstrip": false},
    "mask_token": "[MASK]", "model_max_length": 512, "tokenizer_class": "BertTokenizer"})");
  const auto t = graft::WordPieceTokenizer::from_folder(dir.path());
  CHECK_FALSE(t.options().do_lower_case);
  REQUIRE(t.options().strip_accents.has_value());
  CHECK(*t.options().strip_accents);
  CHECK_FALSE(t.options().tokenize_chinese_chars);
  CHECK(t.tokenize("Hello Caf\u00e9 hello") == Tokens{"Hello", "Cafe", "hello"});
}

TEST_CASE("vocab.txt lines lose their line breaks and trailing whitespace", "[tokenizer][files]") {
  TempDir dir;
  // CRLF endings and trailing spaces are trimmed (Rust's lines() then trim_end()); an empty line
  // is still an id; the last line needs no line break.
  dir.write("vocab.txt", "[PAD]\r\n[UNK] \r\n[CLS]\t\n[SEP]\n[MASK]\n\nhello");
  const auto t = graft::WordPieceTokenizer::from_folder(dir.path());
  CHECK(t.vocabulary_size() == 7);
  CHECK(t.token_to_id("[UNK]") == 1);
  CHECK(t.id_to_token(5).empty());
  CHECK(t.token_to_id("hello") == 6);
  CHECK(t.encode("hello", std::nullopt, 0).input_ids == std::vector<std::int64_t>{2, 6, 3});
}

TEST_CASE("from_folder errors name the file and say what to do", "[tokenizer][files]") {
  using Catch::Contains;
  SECTION("no such folder") {
    TempDir dir;
    const auto missing = (dir.path() / "nothing-here").string();
    CHECK_THROWS_AS(graft::WordPieceTokenizer::from_folder(missing), graft::InputError);
    CHECK_THROWS_WITH(graft::WordPieceTokenizer::from_folder(missing), Contains(missing) && Contains("no such folder"));
  }
  SECTION("missing vocab.txt") {
    TempDir dir;
    dir.write("tokenizer_config.json", "{}");
    CHECK_THROWS_AS(graft::WordPieceTokenizer::from_folder(dir.path()), graft::InputError);
    CHECK_THROWS_WITH(graft::WordPieceTokenizer::from_folder(dir.path()),
                      Contains(dir.file("vocab.txt")) && Contains("no such file"));
  }
  SECTION("vocab.txt is a folder") {
    TempDir dir;
    fs::create_directory(dir.path() / "vocab.txt");
    CHECK_THROWS_WITH(graft::WordPieceTokenizer::from_folder(dir.path()),
                      Contains(dir.file("vocab.txt")) && Contains("is a folder"));
  }
  SECTION("empty vocab.txt") {
    TempDir dir;
    dir.write("vocab.txt", "");
    CHECK_THROWS_WITH(graft::WordPieceTokenizer::from_folder(dir.path()),
                      Contains(dir.file("vocab.txt")) && Contains("empty"));
  }
  SECTION("vocab.txt that is not UTF-8") {
    TempDir dir;
    dir.write("vocab.txt", "[PAD]\n[UNK]\ncaf\xe9\n");  // Latin-1
    CHECK_THROWS_WITH(graft::WordPieceTokenizer::from_folder(dir.path()),
                      Contains(dir.file("vocab.txt")) && Contains("line 3") && Contains("UTF-8"));
  }
  SECTION("a special token missing from vocab.txt") {
    TempDir dir;
    dir.write("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n");
    CHECK_THROWS_AS(graft::WordPieceTokenizer::from_folder(dir.path()), graft::InputError);
    CHECK_THROWS_WITH(graft::WordPieceTokenizer::from_folder(dir.path()),
                      Contains(dir.file("vocab.txt")) && Contains("mask_token") && Contains("[MASK]") &&
                          Contains("not in the vocabulary"));
  }
  SECTION("a special token of tokenizer_config.json missing from vocab.txt") {
    TempDir dir;
    dir.write("vocab.txt", kVocab);
    dir.write("tokenizer_config.json", R"({"sep_token": "</s>"})");
    CHECK_THROWS_WITH(graft::WordPieceTokenizer::from_folder(dir.path()),
                      Contains(dir.file("vocab.txt")) && Contains("sep_token") && Contains("</s>"));
  }
  SECTION("malformed tokenizer_config.json") {
    TempDir dir;
    dir.write("vocab.txt", kVocab);
    dir.write("tokenizer_config.json", R"({"do_lower_case": true,)");
    CHECK_THROWS_AS(graft::WordPieceTokenizer::from_folder(dir.path()), graft::InputError);
    CHECK_THROWS_WITH(graft::WordPieceTokenizer::from_folder(dir.path()),
                      Contains(dir.file("tokenizer_config.json")) && Contains("not valid JSON"));
  }
  SECTION("tokenizer_config.json that is not an object") {
    TempDir dir;
    dir.write("vocab.txt", kVocab);
    dir.write("tokenizer_config.json", "[true]");
    CHECK_THROWS_WITH(graft::WordPieceTokenizer::from_folder(dir.path()),
                      Contains(dir.file("tokenizer_config.json")) && Contains("JSON object"));
  }
  SECTION("a setting of the wrong type") {
    TempDir dir;
    dir.write("vocab.txt", kVocab);
    dir.write("tokenizer_config.json", R"({"do_lower_case": "yes"})");
    CHECK_THROWS_WITH(graft::WordPieceTokenizer::from_folder(dir.path()),
                      Contains(dir.file("tokenizer_config.json")) && Contains("do_lower_case") &&
                          Contains("true or false"));
    dir.write("tokenizer_config.json", R"({"unk_token": 7})");
    CHECK_THROWS_WITH(graft::WordPieceTokenizer::from_folder(dir.path()),
                      Contains(dir.file("tokenizer_config.json")) && Contains("unk_token"));
  }
}
