#pragma once
// BERT's tokenizer exactly as Hugging Face runs it (BertTokenizer / BertTokenizerFast with the
// same settings): text cleaning, CJK spacing, lowercasing and accent stripping, punctuation
// split, greedy longest-match WordPiece, special tokens written in the text kept whole; then
// [CLS] a [SEP] (b [SEP]) with token type ids, longest-first truncation, padding and attention
// masks. Unicode properties come from ICU (libicu, private to libgraft_sdk). No torch here: text
// models turn encodings into tensors themselves.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "graft/export.hpp"

namespace graft {

// tokenizer_config.json's settings that change the output.
struct TokenizerOptions {
  bool do_lower_case = true;
  std::optional<bool> strip_accents;  // unset: strip when lowercasing (Hugging Face's rule)
  bool tokenize_chinese_chars = true;
  std::string unk_token = "[UNK]";
  std::string cls_token = "[CLS]";
  std::string sep_token = "[SEP]";
  std::string pad_token = "[PAD]";
  std::string mask_token = "[MASK]";
  std::size_t max_input_chars_per_word = 100;  // longer words become unk_token
};

// One encoded input (or pair). All four vectors have the same length.
struct Encoding {
  std::vector<std::string> tokens;  // with specials and padding: "[CLS]", ..., "[SEP]", "[PAD]"
  std::vector<std::int64_t> input_ids;
  std::vector<std::int64_t> token_type_ids;  // 0 for the first text and its specials, 1 for the pair
  std::vector<std::int64_t> attention_mask;  // 1 for real tokens, 0 for padding
};

enum class Padding {
  None,       // each encoding as long as it is
  Longest,    // to the longest encoding of the batch
  MaxLength,  // to max_length
};

class GRAFT_SDK_API WordPieceTokenizer {
 public:
  // Reads `dir`/vocab.txt (one token per line, id = line number) and, when present,
  // `dir`/tokenizer_config.json. Throws InputError naming the file for a missing or bad one.
  static WordPieceTokenizer from_folder(const std::filesystem::path& dir);

  // Throws InputError when a special token is not in the vocabulary.
  WordPieceTokenizer(std::vector<std::string> vocabulary, TokenizerOptions options);
  ~WordPieceTokenizer();
  WordPieceTokenizer(const WordPieceTokenizer&);
  WordPieceTokenizer& operator=(const WordPieceTokenizer&);
  WordPieceTokenizer(WordPieceTokenizer&&) noexcept;
  WordPieceTokenizer& operator=(WordPieceTokenizer&&) noexcept;

  // Word pieces of `text` (UTF-8; invalid bytes are replaced as U+FFFD, then dropped by the
  // cleaning), without specials: "Hello, world" -> hell ##o , world.
  std::vector<std::string> tokenize(std::string_view text) const;

  // [CLS] text [SEP] (pair [SEP]), truncated longest-first so that the whole fits max_length
  // (max_length 0: no truncation), not padded. Throws InputError for a max_length (not 0) below
  // the special tokens' 2 (3 with a pair).
  Encoding encode(std::string_view text, std::optional<std::string_view> pair, std::size_t max_length) const;

  // Pads encodings as `padding` says (MaxLength pads to max_length; Longest to the longest).
  void pad(std::vector<Encoding>& encodings, Padding padding, std::size_t max_length) const;

  std::int64_t token_to_id(std::string_view token) const;  // the unk id for an unknown token
  const std::string& id_to_token(std::int64_t id) const;   // throws std::out_of_range
  std::size_t vocabulary_size() const;
  std::int64_t pad_id() const;
  const TokenizerOptions& options() const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;  // immutable after construction: copies share it, threads may too
};

}  // namespace graft
