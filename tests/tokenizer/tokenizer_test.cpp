// Edge cases of the tokenizer beyond the reference fixtures. Every expected value follows the
// algorithm of Hugging Face's fast BertTokenizer (the Rust `tokenizers` library: special tokens
// cut out of the raw text, BertNormalizer, BertPreTokenizer, WordPiece, TemplateProcessing,
// truncate_encodings); the comments say which step decides. They were also checked against
// `tokenizers` 0.22 itself, run on the same vocabulary.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "graft/errors.hpp"
#include "graft/tokenizer.hpp"

namespace {

using Tokens = std::vector<std::string>;
using Ids = std::vector<std::int64_t>;

// A small vocabulary whose entries make each case's outcome visible. BERT's special tokens first.
const std::vector<std::string> kVocabulary = {
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",                                 // 0-4
    "a", "b", "c", "d", "x", "y", "hello", "world", "##s", "##a", "##b", "##y",   // 5-16
    "Hello", "cafe", "caf\u00e9", "Caf\u00e9", "Cafe", "CAFE", "mask",            // 17-23
    "\u00bf", "\u2014", "\u00ab", "\u00bb", ".", ",", "?", "!", "[", "]",         // ¿ — « » 24-33
    "\u4e2d", "\u6587", "\u03c3\u03b1\u03c3", "\u00e9", "##\u00e9", "i",          // 中 文 σασ é 34-39
    "##\u0307", "\ufb01",                                                         // ##(combining dot) ﬁ
};

graft::WordPieceTokenizer small(graft::TokenizerOptions options = {}) { return {kVocabulary, options}; }

graft::TokenizerOptions cased() {
  graft::TokenizerOptions options;
  options.do_lower_case = false;
  return options;
}

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

Tokens repeat_pieces(const std::string& first, const std::string& next, int n) {
  Tokens out{first};
  for (int i = 1; i < n; ++i) out.push_back(next);
  return out;
}

// n words "w w w ..." (each one token of the small vocabulary).
std::string words(const std::string& w, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += (i ? " " : "") + w;
  return out;
}

}  // namespace

TEST_CASE("cleaning drops NUL, U+FFFD and control characters, gluing their neighbours", "[tokenizer][normalizer]") {
  const auto t = small();
  // BertNormalizer's clean_text removes NUL, U+FFFD and what `tokenizers` calls control: Unicode
  // categories Cc, Cf and Co except tab, newline and carriage return. Removed, not replaced by a
  // space, so "a<control>b" is the one word "ab" = a ##b.
  CHECK(t.tokenize(std::string("a\0b", 3)) == Tokens{"a", "##b"});
  CHECK(t.tokenize("a\ufffdb") == Tokens{"a", "##b"});
  CHECK(t.tokenize("a\x07" "b") == Tokens{"a", "##b"});   // BEL, Cc
  CHECK(t.tokenize("a\x1f" "b") == Tokens{"a", "##b"});   // unit separator: Cc, not White_Space
  CHECK(t.tokenize("a\x0b" "b") == Tokens{"a", "##b"});   // vertical tab: Cc (only \t \n \r are spared)
  CHECK(t.tokenize("a\x0c" "b") == Tokens{"a", "##b"});   // form feed: Cc
  CHECK(t.tokenize("a\u0085b") == Tokens{"a", "##b"});    // NEL is White_Space but Cc: dropped first
  CHECK(t.tokenize("a\u200bb") == Tokens{"a", "##b"});    // zero-width space: Cf
  CHECK(t.tokenize("a\ufeffb") == Tokens{"a", "##b"});    // BOM: Cf
  CHECK(t.tokenize("a\u00adb") == Tokens{"a", "##b"});    // soft hyphen: Cf
  CHECK(t.tokenize("a\ue000b") == Tokens{"a", "##b"});    // private use: Co
  // `tokenizers`' is_control is the unicode_categories crate's is_other(): Cc, Cf and Co, not Cn.
  // So an unassigned code point stays (the Python BertTokenizer would drop it) and is unknown.
  CHECK(t.tokenize("a \u0378 b") == Tokens{"a", "[UNK]", "b"});
}

TEST_CASE("every whitespace, Unicode spaces included, separates words", "[tokenizer][normalizer]") {
  const auto t = small();
  // clean_text maps White_Space (and \t \n \r) to ' ', and the pre-tokeniser splits there.
  CHECK(t.tokenize("a\u00a0b") == Tokens{"a", "b"});            // no-break space
  CHECK(t.tokenize("a\u3000b") == Tokens{"a", "b"});            // ideographic space
  CHECK(t.tokenize("a\u2028b") == Tokens{"a", "b"});            // line separator
  CHECK(t.tokenize("a\tb\nc\r\nd") == Tokens{"a", "b", "c", "d"});
  CHECK(t.tokenize("  a   b  ") == Tokens{"a", "b"});
  CHECK(t.tokenize("\u3000 \t\n").empty());
  CHECK(t.tokenize("").empty());
}

TEST_CASE("lowercasing strips accents by default, composed or decomposed", "[tokenizer][normalizer]") {
  const auto t = small();
  REQUIRE_FALSE(t.options().strip_accents.has_value());
  // strip_accents unset follows do_lower_case: NFD, drop Mn, then lowercase.
  CHECK(t.tokenize("Caf\u00e9 CAF\u00c9 cafe\u0301") == Tokens{"cafe", "cafe", "cafe"});
  CHECK(t.tokenize("\u0301a a\u0301") == Tokens{"a", "a"});  // a lone combining mark goes too
  // U+0130 (I with dot): NFD gives I + U+0307, the mark is dropped, I lowercases to i.
  CHECK(t.tokenize("\u0130") == Tokens{"i"});
  // Lowercasing is per code point (Rust's char::to_lowercase): no final-sigma rule, ΣΑΣ -> σασ.
  CHECK(t.tokenize("\u03a3\u0391\u03a3") == Tokens{"\u03c3\u03b1\u03c3"});
  // NFD, not NFKD: the ﬁ ligature stays one character.
  CHECK(t.tokenize("\ufb01") == Tokens{"\ufb01"});
  // Stripping happens before the length check and WordPiece: é×100 becomes e×100, and the small
  // vocabulary has no "e".
  CHECK(t.tokenize(repeat("\u00e9", 100)) == Tokens{"[UNK]"});
}

TEST_CASE("Unicode categories and NFD follow the Unicode versions tokenizers was built with", "[tokenizer][normalizer]") {
  // tokenizers takes Cc/Cf/Co, P* and Mn from the unicode_categories crate, whose tables are
  // Unicode 8.0, and NFD from unicode-normalization-alignments, whose data is Unicode 9.0. Code
  // points assigned later have no category, decomposition or combining class there.
  const std::vector<std::string> vocabulary = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", "##b",
                                               "\u2e42", "##\u2e43", "##\u1dfa", "##\u08e2", "##\U0001d165",
                                               "##\u08d4", "##\u1df6"};
  const graft::WordPieceTokenizer t(vocabulary, {});
  CHECK(t.tokenize("a\u2e42b") == Tokens{"a", "\u2e42", "b"});            // Ps of Unicode 7.0: split off
  CHECK(t.tokenize("a\u2e43b") == Tokens{"a", "##\u2e43", "##b"});       // Po of 9.0: part of the word
  CHECK(t.tokenize("a\u0301b") == Tokens{"a", "##b"});                    // Mn of 1.1: stripped
  CHECK(t.tokenize("a\u1dfab") == Tokens{"a", "##\u1dfa", "##b"});       // Mn of 14.0: kept
  CHECK(t.tokenize("a\u2066b") == Tokens{"a", "##b"});                    // Cf of 6.3: dropped
  CHECK(t.tokenize("a\u08e2b") == Tokens{"a", "##\u08e2", "##b"});       // Cf of 9.0: kept
  graft::TokenizerOptions strip_only;
  strip_only.do_lower_case = false;
  strip_only.strip_accents = true;
  const graft::WordPieceTokenizer s(vocabulary, strip_only);
  // NFD puts combining marks in canonical order: U+08D4 (class 230, Unicode 9.0) goes after
  // U+1D165 (class 216); U+1DF6 (class 232, Unicode 10.0) has class 0 in 9.0 data and stays.
  CHECK(s.tokenize("a\u08d4\U0001d165b") == Tokens{"a", "##\U0001d165", "##\u08d4", "##b"});
  CHECK(s.tokenize("a\u1df6\U0001d165b") == Tokens{"a", "##\u1df6", "##\U0001d165", "##b"});
}

TEST_CASE("do_lower_case false keeps case and accents", "[tokenizer][normalizer]") {
  const auto t = small(cased());
  CHECK(t.tokenize("Hello Caf\u00e9 CAFE caf\u00e9") == Tokens{"Hello", "Caf\u00e9", "CAFE", "caf\u00e9"});
  CHECK(t.tokenize("hello") == Tokens{"hello"});
  // No NFD without strip_accents: a decomposed é stays e + U+0301, which no entry continues.
  CHECK(t.tokenize("cafe\u0301") == Tokens{"[UNK]"});
  CHECK(t.tokenize("\u03a3\u0391\u03a3") == Tokens{"[UNK]"});  // not lowercased
}

TEST_CASE("strip_accents true without lowercasing", "[tokenizer][normalizer]") {
  auto options = cased();
  options.strip_accents = true;
  const auto t = small(options);
  CHECK(t.tokenize("Caf\u00e9 CAF\u00c9") == Tokens{"Cafe", "CAFE"});
  CHECK(t.tokenize("caf\u00e9") == Tokens{"cafe"});
}

TEST_CASE("strip_accents false with lowercasing", "[tokenizer][normalizer]") {
  graft::TokenizerOptions options;
  options.strip_accents = false;
  const auto t = small(options);
  // Lowercased but not decomposed: É -> é (precomposed), so both spellings give café.
  CHECK(t.tokenize("Caf\u00e9 CAF\u00c9") == Tokens{"caf\u00e9", "caf\u00e9"});
  CHECK(t.tokenize("cafe\u0301") == Tokens{"[UNK]"});  // no NFC either: e + U+0301 stays
  // The full lowercase mapping (SpecialCasing): U+0130 -> i + U+0307, two code points.
  CHECK(t.tokenize("\u0130") == Tokens{"i", "##\u0307"});
  CHECK(t.tokenize("\u03a3\u0391\u03a3") == Tokens{"\u03c3\u03b1\u03c3"});
}

TEST_CASE("CJK ideographs are words of their own", "[tokenizer][normalizer]") {
  // handle_chinese_chars puts spaces around BERT's CJK ideograph ranges.
  CHECK(small().tokenize("a\u4e2d\u6587b") == Tokens{"a", "\u4e2d", "\u6587", "b"});
  // Hiragana is not in those ranges: "aのb" stays one word, which nothing continues.
  CHECK(small().tokenize("a\u306eb") == Tokens{"[UNK]"});
  graft::TokenizerOptions options;
  options.tokenize_chinese_chars = false;
  const auto t = small(options);
  CHECK(t.tokenize("a\u4e2d\u6587b") == Tokens{"[UNK]"});  // one word: a, then no ##中
  CHECK(t.tokenize("\u4e2d \u6587") == Tokens{"\u4e2d", "\u6587"});
}

TEST_CASE("punctuation, ASCII or Unicode, is split off", "[tokenizer][pretokenizer]") {
  const auto t = small();
  // BertPreTokenizer isolates ASCII punctuation and Unicode P*: ¿ (Po), — (Pd), « » (Pi, Pf).
  CHECK(t.tokenize("\u00bfhello\u2014world\u00aba\u00bb") ==
        Tokens{"\u00bf", "hello", "\u2014", "world", "\u00ab", "a", "\u00bb"});
  CHECK(t.tokenize("hello,world!?") == Tokens{"hello", ",", "world", "!", "?"});
  // Each punctuation character is its own word, and one not in the vocabulary is [UNK].
  CHECK(t.tokenize("a...b") == Tokens{"a", ".", ".", ".", "b"});
  CHECK(t.tokenize("a$b") == Tokens{"a", "[UNK]", "b"});  // $ is Sc in Unicode but ASCII punctuation
}

TEST_CASE("special tokens written in the text are kept whole", "[tokenizer][specials]") {
  const auto t = small();
  // They are cut out of the raw text before normalisation, so the punctuation split and the
  // lowercasing never see them.
  CHECK(t.tokenize("[MASK].") == Tokens{"[MASK]", "."});
  CHECK(t.tokenize("x[SEP]y") == Tokens{"x", "[SEP]", "y"});
  CHECK(t.tokenize("[CLS][CLS]") == Tokens{"[CLS]", "[CLS]"});
  CHECK(t.tokenize("[PAD] [UNK]a") == Tokens{"[PAD]", "[UNK]", "a"});
  // Matching is on the raw text and exact: lowercase or mixed case is ordinary text.
  CHECK(t.tokenize("[mask]") == Tokens{"[", "mask", "]"});
  CHECK(t.tokenize("[Mask]") == Tokens{"[", "mask", "]"});
  // A NUL inside one breaks the match (matching comes before cleaning), then cleaning removes it.
  CHECK(t.tokenize(std::string("[MA\0SK]", 7)) == Tokens{"[", "mask", "]"});
  const auto ids = t.encode("hello [MASK]", std::nullopt, 0).input_ids;
  CHECK(ids == Ids{2, 11, 4, 3});
}

TEST_CASE("WordPiece takes the longest match first and gives up on the whole word", "[tokenizer][wordpiece]") {
  const auto t = small();
  CHECK(t.tokenize("hellos worlds") == Tokens{"hello", "##s", "world", "##s"});
  CHECK(t.tokenize("xy") == Tokens{"x", "##y"});
  // "helloz": hello matches, then nothing matches "z" or "##z": the whole word is [UNK].
  CHECK(t.tokenize("helloz hello") == Tokens{"[UNK]", "hello"});
}

TEST_CASE("a word longer than 100 code points is unknown", "[tokenizer][wordpiece]") {
  const auto t = small();
  // max_input_chars_per_word = 100, compared with the code points of the normalised word.
  CHECK(t.tokenize(repeat("a", 100)) == repeat_pieces("a", "##a", 100));
  CHECK(t.tokenize(repeat("a", 101)) == Tokens{"[UNK]"});
  CHECK(t.tokenize(repeat("ab", 50) + "a") == Tokens{"[UNK]"});
  CHECK(t.tokenize(repeat("a", 101) + " b") == Tokens{"[UNK]", "b"});
  // Code points, not bytes: é×100 is 200 bytes and still splits (cased: no accent stripping).
  const auto c = small(cased());
  CHECK(c.tokenize(repeat("\u00e9", 100)) == repeat_pieces("\u00e9", "##\u00e9", 100));
  CHECK(c.tokenize(repeat("\u00e9", 101)) == Tokens{"[UNK]"});
}

TEST_CASE("invalid UTF-8 bytes are dropped like U+FFFD", "[tokenizer][normalizer]") {
  const auto t = small();
  // Each ill-formed sequence decodes to U+FFFD, which the cleaning removes: the neighbours join.
  CHECK(t.tokenize("a\xff" "b") == Tokens{"a", "##b"});
  CHECK(t.tokenize("hello\xc3") == Tokens{"hello"});               // truncated 2-byte sequence
  CHECK(t.tokenize("x\xe2\x80" "y") == Tokens{"x", "##y"});         // truncated 3-byte sequence
  CHECK(t.tokenize("a\xc0\xaf" "b") == Tokens{"a", "##b"});         // overlong '/': not a slash
  CHECK(t.tokenize("\xed\xa0\x80").empty());                        // an encoded surrogate
  CHECK(t.tokenize("\x80\x80 a") == Tokens{"a"});                   // stray continuation bytes
  // An ASCII byte after a broken lead byte is still itself: "[SEP]" survives.
  CHECK(t.tokenize("x\xe2[SEP]") == Tokens{"x", "[SEP]"});
}

TEST_CASE("long texts tokenize as the sum of their lines and truncate to a prefix", "[tokenizer][encode]") {
  // Long texts are tokenized in chunks that end at a space or line break (a word boundary in
  // BERT's algorithm), and a single text with a max_length stops once it has enough tokens.
  // Neither may change a token: lines separated by newlines tokenize independently.
  const auto t = small();
  const std::vector<std::string> lines = {
      "Hello, world! caf\u00e9 CAFE\u0301 [MASK]. x[SEP]y \u00bfa\u2014b\u00bb",
      repeat("ab", 700),  // one 1400-character word across chunk ends: [UNK]
      "a\u4e2d\u6587b \u0130 \u03a3\u0391\u03a3 \u00a0 d\tc",
      repeat("hello world ", 60) + "\u0301\u0301a",
  };
  std::string text;
  Tokens expected;
  for (int round = 0; round < 6; ++round) {
    for (const auto& line : lines) {
      text += line + "\n";
      const auto tokens = t.tokenize(line);
      expected.insert(expected.end(), tokens.begin(), tokens.end());
    }
  }
  REQUIRE(text.size() > 10000);
  CHECK(t.tokenize(text) == expected);
  for (const std::size_t max_length : {3, 10, 100, 257, 800, 5000}) {
    const auto e = t.encode(text, std::nullopt, max_length);
    const auto kept = std::min(max_length - 2, expected.size());
    REQUIRE(e.tokens.size() == kept + 2);
    CHECK(Tokens(e.tokens.begin() + 1, e.tokens.end() - 1) == Tokens(expected.begin(), expected.begin() + kept));
  }
  // A special token with a space in it cannot be cut by a chunk end.
  graft::TokenizerOptions options;
  options.mask_token = "[MASK ME]";
  auto vocabulary = kVocabulary;
  vocabulary.push_back("[MASK ME]");
  const graft::WordPieceTokenizer spaced(vocabulary, options);
  const auto tokens = spaced.tokenize(repeat("a ", 300) + "b [MASK ME] c " + repeat("d ", 300) + "[MASK ME]");
  CHECK(std::count(tokens.begin(), tokens.end(), "[MASK ME]") == 2);
  CHECK(tokens.size() == 604);
}

TEST_CASE("encode adds CLS and SEP with token type ids and attention", "[tokenizer][encode]") {
  const auto t = small();
  const auto single = t.encode("hello world", std::nullopt, 0);
  CHECK(single.tokens == Tokens{"[CLS]", "hello", "world", "[SEP]"});
  CHECK(single.input_ids == Ids{2, 11, 12, 3});
  CHECK(single.token_type_ids == Ids{0, 0, 0, 0});
  CHECK(single.attention_mask == Ids{1, 1, 1, 1});

  const auto pair = t.encode("hello", std::string_view("world x"), 0);
  CHECK(pair.tokens == Tokens{"[CLS]", "hello", "[SEP]", "world", "x", "[SEP]"});
  CHECK(pair.token_type_ids == Ids{0, 0, 0, 1, 1, 1});  // the pair and its [SEP] are type 1
  CHECK(pair.attention_mask == Ids{1, 1, 1, 1, 1, 1});

  // An empty pair is still a pair: its [SEP] stays.
  const auto empty_pair = t.encode("a", std::string_view(""), 0);
  CHECK(empty_pair.tokens == Tokens{"[CLS]", "a", "[SEP]", "[SEP]"});
  CHECK(empty_pair.token_type_ids == Ids{0, 0, 0, 1});
  CHECK(t.encode("", std::nullopt, 0).tokens == Tokens{"[CLS]", "[SEP]"});
}

TEST_CASE("longest_first truncation matches tokenizers for pairs of all shapes", "[tokenizer][truncation]") {
  const auto t = small();
  // tokenizers' truncate_encodings (LongestFirst) with budget = max_length - 3 specials. With n1
  // the shorter and n2 the longer length: the shorter keeps n1 when the longer can take the rest
  // (budget - n1 >= n1); otherwise each gets budget/2 and the odd one goes to the longer, or to
  // the pair when both are as long. A budget of 0 empties both.
  struct Case {
    std::size_t first, second, max_length, keep_first, keep_second;
  };
  const Case cases[] = {
      {5, 10, 13, 5, 5},   // budget 10: only the longer is cut, to 10 - 5
      {2, 10, 10, 2, 5},   // budget 7: 2 + 5
      {10, 2, 10, 5, 2},   // the same with the long one first
      {10, 10, 12, 4, 5},  // budget 9, as long: halves, the odd one to the pair
      {10, 8, 12, 5, 4},   // budget 9, both too long: the odd one to the longer (first)
      {8, 10, 12, 4, 5},   // ... (second)
      {6, 10, 11, 4, 4},   // budget 8: the shorter (6) would leave 2 < 6, so halves
      {1, 30, 9, 1, 5},    // one side much longer: budget 6 = 1 + 5
      {30, 1, 9, 5, 1},
      {9, 9, 9, 3, 3},     // budget 6, both longer than it
      {2, 2, 5, 1, 1},     // budget 2
      {10, 10, 4, 0, 1},   // budget 1: 0 + 1, the pair takes the odd one
      {7, 0, 5, 2, 0},     // an empty pair: the first takes the budget
      {0, 7, 6, 0, 3},
      {3, 3, 3, 0, 0},     // budget 0: only [CLS] [SEP] [SEP]
      {3, 4, 32, 3, 4},    // fits: untouched
  };
  for (const auto& c : cases) {
    INFO("first " << c.first << ", second " << c.second << ", max_length " << c.max_length);
    const auto e = t.encode(words("a", c.first), std::string_view(words("b", c.second)), c.max_length);
    CHECK(std::count(e.tokens.begin(), e.tokens.end(), "a") == static_cast<std::ptrdiff_t>(c.keep_first));
    CHECK(std::count(e.tokens.begin(), e.tokens.end(), "b") == static_cast<std::ptrdiff_t>(c.keep_second));
    CHECK(e.tokens.size() == c.keep_first + c.keep_second + 3);
    CHECK(e.tokens.size() <= c.max_length);
  }
}

TEST_CASE("truncation of a single text keeps its beginning", "[tokenizer][truncation]") {
  const auto t = small();
  const auto e = t.encode("a b c d x y", std::nullopt, 5);
  CHECK(e.tokens == Tokens{"[CLS]", "a", "b", "c", "[SEP]"});
  CHECK(t.encode("a b c", std::nullopt, 2).tokens == Tokens{"[CLS]", "[SEP]"});  // budget 0
  // A word's pieces are tokens like any other: truncation may cut between them.
  CHECK(t.encode("hellos", std::nullopt, 3).tokens == Tokens{"[CLS]", "hello", "[SEP]"});
}

TEST_CASE("max_length 0 means no truncation, one below the specials is an error", "[tokenizer][truncation]") {
  const auto t = small();
  CHECK(t.encode(words("a", 600), std::nullopt, 0).tokens.size() == 602);
  CHECK(t.encode(words("a", 40), std::string_view(words("b", 50)), 0).tokens.size() == 93);
  // tokenizers subtracts the special tokens from max_length in unsigned arithmetic and then
  // silently does not truncate at all; here it is a clear error instead.
  CHECK_THROWS_AS(t.encode("a", std::nullopt, 1), graft::InputError);
  CHECK_THROWS_AS(t.encode("a", std::string_view("b"), 2), graft::InputError);
  CHECK_THROWS_WITH(t.encode("a", std::string_view("b"), 2), Catch::Contains("max_length 2"));
}

TEST_CASE("padding to the longest of a batch or to max_length", "[tokenizer][padding]") {
  const auto t = small();
  std::vector<graft::Encoding> batch{t.encode("a", std::nullopt, 0), t.encode("a b c d", std::nullopt, 0),
                                     t.encode("a", std::string_view("b"), 0)};  // 3, 6 and 5 tokens
  auto longest = batch;
  t.pad(longest, graft::Padding::Longest, 0);
  for (const auto& e : longest) {
    CHECK(e.input_ids.size() == 6);
    CHECK(e.tokens.size() == 6);
    CHECK(e.token_type_ids.size() == 6);
    CHECK(e.attention_mask.size() == 6);
  }
  // Right padding with [PAD], type 0 and attention 0 (tokenizers' defaults).
  CHECK(longest[0].tokens == Tokens{"[CLS]", "a", "[SEP]", "[PAD]", "[PAD]", "[PAD]"});
  CHECK(longest[0].input_ids == Ids{2, 5, 3, 0, 0, 0});
  CHECK(longest[0].attention_mask == Ids{1, 1, 1, 0, 0, 0});
  CHECK(longest[0].token_type_ids == Ids{0, 0, 0, 0, 0, 0});
  CHECK(longest[1].attention_mask == Ids{1, 1, 1, 1, 1, 1});
  CHECK(longest[2].token_type_ids == Ids{0, 0, 0, 1, 1, 0});  // padding is type 0, even after a pair
  CHECK(longest[2].attention_mask == Ids{1, 1, 1, 1, 1, 0});

  auto fixed = batch;
  t.pad(fixed, graft::Padding::MaxLength, 8);
  for (const auto& e : fixed) {
    CHECK(e.input_ids.size() == 8);
    CHECK(e.tokens.size() == 8);
    CHECK(e.token_type_ids.size() == 8);
    CHECK(e.attention_mask.size() == 8);
  }
  // Padding never truncates, and None leaves the batch alone.
  auto short_target = batch;
  t.pad(short_target, graft::Padding::MaxLength, 4);
  CHECK(short_target[1].input_ids.size() == 6);
  CHECK(short_target[0].input_ids == Ids{2, 5, 3, 0});
  auto none = batch;
  t.pad(none, graft::Padding::None, 10);
  CHECK(none[0].input_ids.size() == 3);
  std::vector<graft::Encoding> empty;
  t.pad(empty, graft::Padding::Longest, 0);
  CHECK(empty.empty());
}

TEST_CASE("custom special tokens come from the options", "[tokenizer][specials]") {
  graft::TokenizerOptions options;
  options.unk_token = "<unk>";
  options.cls_token = "<s>";
  options.sep_token = "</s>";
  options.pad_token = "<pad>";
  options.mask_token = "<mask>";
  const graft::WordPieceTokenizer t({"<pad>", "<unk>", "<s>", "</s>", "<mask>", "a", "mask"}, options);
  CHECK(t.tokenize("a<mask>a zz [MASK]") == Tokens{"a", "<mask>", "a", "<unk>", "<unk>", "mask", "<unk>"});
  const auto e = t.encode("a", std::nullopt, 0);
  CHECK(e.tokens == Tokens{"<s>", "a", "</s>"});
  CHECK(t.pad_id() == 0);
  CHECK(t.token_to_id("nothing") == 1);
}

TEST_CASE("a special token missing from the vocabulary is an InputError", "[tokenizer][specials]") {
  graft::TokenizerOptions options;
  options.mask_token = "[MASKED]";
  CHECK_THROWS_AS(graft::WordPieceTokenizer(kVocabulary, options), graft::InputError);
  CHECK_THROWS_WITH(graft::WordPieceTokenizer(kVocabulary, options),
                    Catch::Contains("mask_token") && Catch::Contains("[MASKED]"));
  CHECK_THROWS_WITH(graft::WordPieceTokenizer({"a", "b"}, graft::TokenizerOptions{}), Catch::Contains("unk_token"));
}

TEST_CASE("duplicate and unmatchable vocabulary entries", "[tokenizer][wordpiece]") {
  // tokenizers reads vocab.txt into a hash map, so a repeated token keeps its last line's id;
  // id -> token still has both lines.
  auto vocabulary = kVocabulary;
  vocabulary.push_back("hello");
  const graft::WordPieceTokenizer t(vocabulary, {});
  CHECK(t.token_to_id("hello") == static_cast<std::int64_t>(kVocabulary.size()));
  CHECK(t.id_to_token(11) == "hello");
  CHECK(t.encode("hello", std::nullopt, 0).input_ids == Ids{2, static_cast<std::int64_t>(kVocabulary.size()), 3});

  // Entries no word can match (bytes that are not UTF-8, a U+FFFD) are still ids.
  auto odd = kVocabulary;
  for (const char* token : {"\xff", "\xfe", "##\xff", "\ufffd", "a\xff"}) odd.push_back(token);
  const graft::WordPieceTokenizer o(odd, {});
  CHECK(o.tokenize("a \xff a\xff") == Tokens{"a", "a"});
  CHECK(o.token_to_id("\xfe") == static_cast<std::int64_t>(kVocabulary.size()) + 1);
}

TEST_CASE("copies share the tokenizer and concurrent const use is safe", "[tokenizer][threads]") {
  const auto t = small();
  const std::vector<std::string> texts = {
      "Hello, World! Caf\u00e9 [MASK].", "a\u4e2d\u6587b \u00bfhello\u2014world\u00aba\u00bb",
      repeat("ab", 50) + " hellos", "x\xe2[SEP] \u0130 \u03a3\u0391\u03a3 \u00a0 tab\there"};
  std::vector<Tokens> expected;
  for (const auto& text : texts) expected.push_back(t.tokenize(text));
  const graft::WordPieceTokenizer copy = t;  // shares the immutable state
  CHECK(copy.tokenize(texts[0]) == expected[0]);

  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int thread = 0; thread < 4; ++thread) {
    threads.emplace_back([&, thread] {
      for (int round = 0; round < 300; ++round) {
        for (std::size_t i = 0; i < texts.size(); ++i) {
          if (copy.tokenize(texts[i]) != expected[i]) ++mismatches[thread];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(mismatches == std::vector<int>(4, 0));
}

// Not run by ctest (hidden): `graft_tokenizer_tests "[benchmark]"` prints the speed on
// email-like text.
TEST_CASE("tokenization speed on email-like text", "[.benchmark]") {
  const auto t = graft::WordPieceTokenizer::from_folder(std::string(GRAFT_HF_FIXTURES_DIR) + "/bert-tiny-uncased");
  const std::string paragraph =
      "Hi team,\n\nThe quarterly report is attached. Revenue grew 12.5% year-over-year; costs were flat. "
      "Please review the \u201cforecast\u201d section before Thursday\u2019s meeting \u2014 we need sign-off "
      "from finance (and legal) by 5pm. Contact me at someone@example.com or +1-555-0100.\n\nThanks,\nAlex\n";
  std::vector<std::string> emails;
  std::size_t bytes = 0;
  for (int i = 0; i < 1000; ++i) {
    std::string email;
    for (int p = 0; p < 8 + i % 5; ++p) email += paragraph;
    bytes += email.size();
    emails.push_back(std::move(email));
  }
  // encode (what a text dataset does per example), then tokenize (also builds every token string).
  for (const bool encode : {true, false}) {
    std::size_t tokens = 0;
    const auto start = std::chrono::steady_clock::now();
    for (const auto& email : emails) {
      tokens += encode ? t.encode(email, std::nullopt, 512).input_ids.size() : t.tokenize(email).size();
    }
    const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
    const double megabytes = static_cast<double>(bytes) / 1e6;
    std::cout << (encode ? "encode(max_length 512): " : "tokenize: ") << megabytes << " MB in " << seconds.count()
              << " s, " << megabytes / seconds.count() << " MB/s (" << tokens << " tokens)\n";
    CHECK(tokens > 0);
  }
}
