// WordPieceTokenizer::from_folder: a Hugging Face tokenizer folder as save_pretrained writes it,
// vocab.txt and (optionally) tokenizer_config.json. Every problem is an InputError that names the
// file, says what is wrong and what to do.
#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "graft/errors.hpp"
#include "graft/tokenizer.hpp"
#include "sdk/text_normalizer.hpp"

namespace graft {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string read_file(const fs::path& path, const char* what_it_is) {
  std::error_code error;
  const auto status = fs::status(path, error);
  if (!fs::exists(status)) {
    throw InputError(fmt::format("{}: no such file; a BERT tokenizer folder needs {}", path.string(), what_it_is));
  }
  if (fs::is_directory(status)) {
    throw InputError(fmt::format("{}: is a folder, not a file; it should be {}", path.string(), what_it_is));
  }
  std::ifstream in(path, std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    throw InputError(fmt::format("{}: cannot read the file; check its permissions", path.string()));
  }
  return content;
}

// One token per line, id = line number. Lines lose their line break and trailing whitespace, as
// `tokenizers`' WordPiece::read_file does (Rust's lines() then trim_end()).
std::vector<std::string> read_vocabulary(const fs::path& path) {
  const auto content = read_file(path, "vocab.txt, the WordPiece vocabulary (one token per line)");
  if (const auto bad = text::find_invalid_utf8(content); bad != std::string::npos) {
    const auto line = 1 + std::count(content.begin(), content.begin() + static_cast<std::ptrdiff_t>(bad), '\n');
    throw InputError(fmt::format("{}: line {} is not valid UTF-8 (byte offset {}); save the vocabulary as UTF-8",
                                 path.string(), line, bad));
  }
  std::vector<std::string> tokens;
  std::size_t begin = 0;
  while (begin < content.size()) {
    auto end = content.find('\n', begin);
    if (end == std::string::npos) end = content.size();
    auto token = content.substr(begin, end - begin);
    while (!token.empty() && (token.back() == ' ' || (token.back() >= '\t' && token.back() <= '\r'))) token.pop_back();
    tokens.push_back(std::move(token));
    begin = end + 1;
  }
  if (tokens.empty()) {
    throw InputError(fmt::format("{}: the vocabulary is empty; it should list one WordPiece token per line",
                                 path.string()));
  }
  return tokens;
}

// A boolean setting: absent or null keeps the default.
void read_bool(const json& config, const char* key, const fs::path& path, bool& value) {
  const auto it = config.find(key);
  if (it == config.end() || it->is_null()) return;
  if (!it->is_boolean()) {
    throw InputError(fmt::format("{}: \"{}\" must be true or false, not {}; fix it or remove it for BERT's default",
                                 path.string(), key, it->dump()));
  }
  value = it->get<bool>();
}

// A special token: a string, or the {"content": ...} object older transformers versions wrote.
void read_token(const json& config, const char* key, const fs::path& path, std::string& value) {
  const auto it = config.find(key);
  if (it == config.end() || it->is_null()) return;
  if (it->is_string()) {
    value = it->get<std::string>();
    return;
  }
  if (it->is_object()) {
    const auto content = it->find("content");
    if (content != it->end() && content->is_string()) {
      value = content->get<std::string>();
      return;
    }
  }
  throw InputError(fmt::format(
      "{}: \"{}\" must be a token string (or an object with a \"content\" string), not {}; fix it or remove it "
      "for BERT's default",
      path.string(), key, it->dump()));
}

TokenizerOptions read_config(const fs::path& path) {
  TokenizerOptions options;
  std::error_code error;
  if (!fs::exists(path, error)) return options;  // optional: BERT's defaults (uncased)
  const auto content = read_file(path, "tokenizer_config.json");
  json config;
  try {
    config = json::parse(content);
  } catch (const json::parse_error& e) {
    throw InputError(fmt::format("{}: not valid JSON ({}); fix the file, or delete it to use BERT's defaults",
                                 path.string(), e.what()));
  }
  if (!config.is_object()) {
    throw InputError(fmt::format("{}: must be a JSON object of tokenizer settings, not {}; fix the file, or delete "
                                 "it to use BERT's defaults",
                                 path.string(), config.type_name()));
  }
  read_bool(config, "do_lower_case", path, options.do_lower_case);
  if (const auto it = config.find("strip_accents"); it != config.end() && !it->is_null()) {
    bool strip = false;
    read_bool(config, "strip_accents", path, strip);
    options.strip_accents = strip;
  }  // null or absent: follow do_lower_case
  read_bool(config, "tokenize_chinese_chars", path, options.tokenize_chinese_chars);
  read_token(config, "unk_token", path, options.unk_token);
  read_token(config, "cls_token", path, options.cls_token);
  read_token(config, "sep_token", path, options.sep_token);
  read_token(config, "pad_token", path, options.pad_token);
  read_token(config, "mask_token", path, options.mask_token);
  return options;
}

}  // namespace

WordPieceTokenizer WordPieceTokenizer::from_folder(const fs::path& dir) {
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    throw InputError(fmt::format("{}: no such folder; give the tokenizer's folder (the one save_pretrained wrote, "
                                 "with vocab.txt)",
                                 dir.string()));
  }
  const auto vocab_path = dir / "vocab.txt";
  auto vocabulary = read_vocabulary(vocab_path);
  auto options = read_config(dir / "tokenizer_config.json");
  try {
    return WordPieceTokenizer(std::move(vocabulary), std::move(options));
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: {}", vocab_path.string(), e.what()));
  }
}

}  // namespace graft
