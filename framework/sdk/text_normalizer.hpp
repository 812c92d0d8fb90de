#pragma once
// BERT's text normalisation and pre-tokenisation exactly as Hugging Face's `tokenizers` runs them
// (BertNormalizer, then BertPreTokenizer), on code points. Private to libgraft_sdk: this is the
// one file that talks to ICU, so no ICU header reaches plugins (they see graft/tokenizer.hpp).
//
// Every function is reentrant: state lives in the caller's buffers, ICU's data is immutable once
// loaded (and loaded under ICU's own once-flags), so loader threads may call them concurrently.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace graft::text {

// Appends the code points of UTF-8 `text` to `out`. Each ill-formed sequence (ICU's "maximal
// subpart" rule, as a UTF-8 decoder replacing errors does) becomes one U+FFFD, which the
// cleaning then drops like a U+FFFD written in the text.
void decode_utf8(std::string_view text, std::u32string& out);

// The byte offset of the first ill-formed sequence of `text`, or npos when it is valid UTF-8.
std::size_t find_invalid_utf8(std::string_view text);

// BertNormalizer's settings (clean_text is always on: BERT never turns it off).
struct NormalizerSettings {
  bool handle_chinese_chars = true;
  bool strip_accents = true;
  bool lowercase = true;
};

// BertNormalizer, in its order: clean (drop NUL, U+FFFD and control characters, every whitespace
// becomes ' '), spaces around CJK ideographs, then NFD and drop nonspacing marks (strip_accents),
// then the full Unicode lowercase mapping of each code point (lowercase). Replaces `out`.
void normalize(std::u32string_view text, const NormalizerSettings& settings, std::u32string& out);

// One word of the pre-tokenised text: the code points [begin, end) of the normalised text.
struct WordSpan {
  std::size_t begin;
  std::size_t end;
};

// BertPreTokenizer: splits at whitespace (dropped), then isolates every punctuation character
// (ASCII punctuation or Unicode P*) as a word of its own. Appends to `words`.
void pre_tokenize(std::u32string_view normalized, std::vector<WordSpan>& words);

}  // namespace graft::text
