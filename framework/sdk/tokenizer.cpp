// WordPieceTokenizer: special tokens written in the text, then normalisation, pre-tokenisation
// and WordPiece for the text between them; then [CLS] a [SEP] (b [SEP]), longest-first
// truncation and padding, all as Hugging Face's fast BertTokenizer (`tokenizers`) does them.
// Reading a tokenizer folder is in tokenizer_files.cpp.
#include "graft/tokenizer.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "graft/errors.hpp"
#include "sdk/text_normalizer.hpp"
#include "sdk/wordpiece.hpp"

namespace graft {

struct WordPieceTokenizer::Impl {
  // A special token as the text may spell it: matched on the raw text, before normalisation.
  struct Special {
    std::u32string text;
    std::int64_t id;
  };

  Impl(std::vector<std::string> tokens, TokenizerOptions options_)
      : options(std::move(options_)), vocabulary(std::move(tokens)) {}
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  TokenizerOptions options;
  text::Vocabulary vocabulary;
  text::NormalizerSettings normalizer;
  std::vector<Special> specials;  // longest first, so that the first match is the longest
  std::array<bool, 128> starts_special{};  // ASCII code points that start a special token
  std::int64_t unk_id = 0;
  std::int64_t cls_id = 0;
  std::int64_t sep_id = 0;
  std::int64_t pad_id = 0;

  // The id of a special token, or an InputError naming the option that set it.
  std::int64_t special_id(const std::string& token, const char* option) const {
    if (const auto id = vocabulary.find(token)) return *id;
    throw InputError(fmt::format(
        "the {} \"{}\" is not in the vocabulary ({} tokens): add it to the vocabulary, or set {} (in "
        "tokenizer_config.json) to a token the vocabulary has",
        option, token, vocabulary.size(), option));
  }

  // The special token that starts at `at`, the longest when several do (the leftmost-longest
  // match of `tokenizers`' added-token split), or null.
  const Special* special_at(std::u32string_view text, std::size_t at) const {
    if (text[at] < 128 && !starts_special[text[at]]) return nullptr;  // most characters
    for (const auto& special : specials) {
      if (text[at] == special.text[0] && text.size() - at >= special.text.size() &&
          text.compare(at, special.text.size(), special.text) == 0) {
        return &special;
      }
    }
    return nullptr;
  }

  // Buffers reused across the chunks and segments of one call: a call allocates per text (and
  // little of that), not per word.
  struct Scratch {
    std::u32string decoded;
    std::u32string normalized;
    std::vector<text::WordSpan> words;
  };

  // Normalises, pre-tokenises and splits text that holds no special token.
  void append_segment_ids(std::u32string_view segment, Scratch& scratch, std::vector<std::int64_t>& ids) const {
    if (segment.empty()) return;
    text::normalize(segment, normalizer, scratch.normalized);
    scratch.words.clear();
    text::pre_tokenize(scratch.normalized, scratch.words);
    const std::u32string_view normalized = scratch.normalized;
    for (const auto& word : scratch.words) {
      text::split_word(normalized.substr(word.begin, word.end - word.begin), vocabulary, unk_id,
                       options.max_input_chars_per_word, ids);
    }
  }

  // Special tokens written in the text are cut out of the raw text first, as `tokenizers` does
  // with added tokens that are not normalised, so "[MASK]." keeps its [MASK] and a lowercase
  // "[mask]" is ordinary text. The rest goes through append_segment_ids.
  void append_chunk_ids(std::string_view utf8, Scratch& scratch, std::vector<std::int64_t>& ids) const {
    scratch.decoded.clear();
    text::decode_utf8(utf8, scratch.decoded);
    const std::u32string_view text = scratch.decoded;
    std::size_t segment_begin = 0;
    for (std::size_t i = 0; i < text.size();) {
      const Special* special = special_at(text, i);
      if (!special) {
        ++i;
        continue;
      }
      append_segment_ids(text.substr(segment_begin, i - segment_begin), scratch, ids);
      ids.push_back(special->id);
      i += special->text.size();
      segment_begin = i;
    }
    append_segment_ids(text.substr(segment_begin), scratch, ids);
  }

  // Where the chunk of `utf8` that starts at `begin` ends: just after the first space, tab or
  // line break at least kChunkBytes on. Those always end a word (the cleaning makes them ' '
  // and the pre-tokeniser splits there), never sit inside a special token (chunking is off when
  // one has them) nor inside a UTF-8 sequence, and NFD never reorders across them: so chunks
  // tokenize independently, to the same tokens as the whole text.
  std::size_t chunk_end(std::string_view utf8, std::size_t begin) const {
    constexpr std::size_t kChunkBytes = 512;
    if (!chunkable || utf8.size() - begin <= kChunkBytes) return utf8.size();
    const auto at = utf8.find_first_of(kChunkBreaks, begin + kChunkBytes);
    return at == std::string_view::npos ? utf8.size() : at + 1;
  }

  // The ids of `utf8` without [CLS]/[SEP]; only the first `limit` when that many exist: the rest
  // would be truncated away, and a long text's tail is then never tokenized.
  std::vector<std::int64_t> ids(std::string_view utf8, std::size_t limit = kNoLimit) const {
    std::vector<std::int64_t> result;
    if (limit == 0) return result;
    result.reserve(std::min(limit, utf8.size() / 4 + 4));
    Scratch scratch;
    for (std::size_t begin = 0; begin < utf8.size();) {
      const std::size_t end = chunk_end(utf8, begin);
      append_chunk_ids(utf8.substr(begin, end - begin), scratch, result);
      begin = end;
      if (result.size() >= limit) {
        result.resize(limit);  // a word's pieces are tokens like any other: truncation cuts them too
        break;
      }
    }
    return result;
  }

  static constexpr std::size_t kNoLimit = static_cast<std::size_t>(-1);
  static constexpr std::string_view kChunkBreaks = " \t\n\r";
  bool chunkable = true;  // no special token contains one of kChunkBreaks
};

namespace {

// `tokenizers`' truncate_encodings with the LongestFirst strategy: the lengths the two sequences
// keep (at most their own) when together they must fit `budget` (max_length less the special
// tokens). The shorter keeps all it has when the longer can take the rest; otherwise each gets
// half, the odd one going to the longer (to the pair when they are as long).
std::pair<std::size_t, std::size_t> longest_first(std::size_t first, std::size_t second, bool has_pair,
                                                  std::size_t budget) {
  if (budget == 0) return {0, 0};  // tokenizers' max_length 0 after the specials: both emptied
  if (first + second <= budget) return {first, second};
  if (!has_pair) return {budget, 0};
  std::size_t n1 = first;
  std::size_t n2 = second;
  const bool swapped = n1 > n2;
  if (swapped) std::swap(n1, n2);  // n1: the shorter
  n2 = n1 > budget ? n1 : std::max(n1, budget - n1);
  if (n1 + n2 > budget) {
    n1 = budget / 2;
    n2 = n1 + budget % 2;
  }
  if (swapped) std::swap(n1, n2);
  return {std::min(first, n1), std::min(second, n2)};
}

void append(Encoding& encoding, const std::string& token, std::int64_t id, std::int64_t type_id, std::int64_t mask) {
  encoding.tokens.push_back(token);
  encoding.input_ids.push_back(id);
  encoding.token_type_ids.push_back(type_id);
  encoding.attention_mask.push_back(mask);
}

}  // namespace

WordPieceTokenizer::WordPieceTokenizer(std::vector<std::string> vocabulary, TokenizerOptions options) {
  auto impl = std::make_shared<Impl>(std::move(vocabulary), std::move(options));
  const auto& o = impl->options;
  impl->normalizer.handle_chinese_chars = o.tokenize_chinese_chars;
  impl->normalizer.lowercase = o.do_lower_case;
  impl->normalizer.strip_accents = o.strip_accents.value_or(o.do_lower_case);  // BertNormalizer's rule
  impl->unk_id = impl->special_id(o.unk_token, "unk_token");
  impl->cls_id = impl->special_id(o.cls_token, "cls_token");
  impl->sep_id = impl->special_id(o.sep_token, "sep_token");
  impl->pad_id = impl->special_id(o.pad_token, "pad_token");
  const std::pair<const std::string*, const char*> specials[] = {{&o.unk_token, "unk_token"},
                                                                 {&o.cls_token, "cls_token"},
                                                                 {&o.sep_token, "sep_token"},
                                                                 {&o.pad_token, "pad_token"},
                                                                 {&o.mask_token, "mask_token"}};
  for (const auto& [token, option] : specials) {
    if (token->empty()) continue;  // cannot be written in a text; the id check above still applies
    Impl::Special special{{}, impl->special_id(*token, option)};
    text::decode_utf8(*token, special.text);
    const bool known = std::any_of(impl->specials.begin(), impl->specials.end(),
                                   [&](const Impl::Special& s) { return s.text == special.text; });
    if (!known) impl->specials.push_back(std::move(special));
  }
  for (const auto& special : impl->specials) {
    if (special.text[0] < 128) impl->starts_special[special.text[0]] = true;
    for (const char32_t c : special.text) {
      if (c < 128 && Impl::kChunkBreaks.find(static_cast<char>(c)) != std::string_view::npos) impl->chunkable = false;
    }
  }
  std::stable_sort(impl->specials.begin(), impl->specials.end(),
                   [](const Impl::Special& a, const Impl::Special& b) { return a.text.size() > b.text.size(); });
  impl_ = std::move(impl);
}

WordPieceTokenizer::~WordPieceTokenizer() = default;
WordPieceTokenizer::WordPieceTokenizer(const WordPieceTokenizer&) = default;
WordPieceTokenizer& WordPieceTokenizer::operator=(const WordPieceTokenizer&) = default;
WordPieceTokenizer::WordPieceTokenizer(WordPieceTokenizer&&) noexcept = default;
WordPieceTokenizer& WordPieceTokenizer::operator=(WordPieceTokenizer&&) noexcept = default;

std::vector<std::string> WordPieceTokenizer::tokenize(std::string_view text) const {
  const auto ids = impl_->ids(text);
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (const auto id : ids) tokens.push_back(impl_->vocabulary.token(id));
  return tokens;
}

Encoding WordPieceTokenizer::encode(std::string_view text, std::optional<std::string_view> pair,
                                    std::size_t max_length) const {
  const Impl& impl = *impl_;
  const std::size_t n_specials = pair ? 3 : 2;
  if (max_length > 0 && max_length < n_specials) {
    // tokenizers would subtract in unsigned arithmetic and silently not truncate at all.
    throw InputError(fmt::format(
        "max_length {} is too short: [CLS] text [SEP]{} alone take {} tokens; give a max_length of at least {}, "
        "or 0 for no truncation",
        max_length, pair ? " pair [SEP]" : "", n_specials, n_specials));
  }
  const std::size_t budget = max_length - n_specials;  // tokens left for the texts when truncating
  // A single text keeps its first `budget` tokens, so only those are computed; a pair's
  // truncation depends on both full lengths.
  auto first = impl.ids(text, max_length > 0 && !pair ? budget : Impl::kNoLimit);
  std::vector<std::int64_t> second;
  if (pair) second = impl.ids(*pair);
  if (max_length > 0) {
    const auto [keep_first, keep_second] = longest_first(first.size(), second.size(), pair.has_value(), budget);
    first.resize(keep_first);  // right truncation: the end of a text goes first
    second.resize(keep_second);
  }

  Encoding encoding;
  const std::size_t length = first.size() + second.size() + (pair ? 3 : 2);
  encoding.tokens.reserve(length);
  encoding.input_ids.reserve(length);
  encoding.token_type_ids.reserve(length);
  encoding.attention_mask.reserve(length);
  const auto& vocabulary = impl.vocabulary;
  append(encoding, vocabulary.token(impl.cls_id), impl.cls_id, 0, 1);
  for (const auto id : first) append(encoding, vocabulary.token(id), id, 0, 1);
  append(encoding, vocabulary.token(impl.sep_id), impl.sep_id, 0, 1);
  if (pair) {
    for (const auto id : second) append(encoding, vocabulary.token(id), id, 1, 1);
    append(encoding, vocabulary.token(impl.sep_id), impl.sep_id, 1, 1);
  }
  return encoding;
}

void WordPieceTokenizer::pad(std::vector<Encoding>& encodings, Padding padding, std::size_t max_length) const {
  std::size_t target = 0;
  switch (padding) {
    case Padding::None:
      return;
    case Padding::MaxLength:
      target = max_length;
      break;
    case Padding::Longest:
      for (const auto& encoding : encodings) target = std::max(target, encoding.input_ids.size());
      break;
  }
  const std::string& pad_token = impl_->vocabulary.token(impl_->pad_id);
  for (auto& encoding : encodings) {
    // Longer encodings stay as they are: padding never truncates. Padding is on the right, with
    // token type 0 and attention 0, as `tokenizers`' defaults.
    while (encoding.input_ids.size() < target) append(encoding, pad_token, impl_->pad_id, 0, 0);
  }
}

std::int64_t WordPieceTokenizer::token_to_id(std::string_view token) const {
  return impl_->vocabulary.find(token).value_or(impl_->unk_id);
}

const std::string& WordPieceTokenizer::id_to_token(std::int64_t id) const {
  if (id < 0 || static_cast<std::size_t>(id) >= impl_->vocabulary.size()) {
    throw std::out_of_range(
        fmt::format("token id {} is outside the vocabulary (ids 0 to {})", id, impl_->vocabulary.size() - 1));
  }
  return impl_->vocabulary.token(id);
}

std::size_t WordPieceTokenizer::vocabulary_size() const { return impl_->vocabulary.size(); }

std::int64_t WordPieceTokenizer::pad_id() const { return impl_->pad_id; }

const TokenizerOptions& WordPieceTokenizer::options() const { return impl_->options; }

}  // namespace graft
