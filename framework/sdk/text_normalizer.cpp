// BertNormalizer and BertPreTokenizer of Hugging Face's `tokenizers` (the Rust library behind
// transformers' fast BertTokenizer), with ICU for every Unicode property. Where the fast and the
// original Python tokenizer differ, this follows the fast one (see the comments below).
#include "sdk/text_normalizer.hpp"

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uset.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

namespace graft::text {
namespace {

// What the normaliser and the pre-tokeniser need to know about a code point. Independent bits:
// U+0085 is both a control character (dropped by the cleaning) and White_Space.
enum CharClass : std::uint8_t {
  kDrop = 1,         // removed by the cleaning
  kWhitespace = 2,   // becomes ' ' in the cleaning; splits words in the pre-tokeniser
  kPunctuation = 4,  // a word of its own in the pre-tokeniser
  kCjk = 8,          // surrounded by spaces when handle_chinese_chars
};

// BERT's "Chinese character": the CJK Unified Ideographs blocks and their extensions, part of
// BERT's definition rather than a Unicode property. These are the ranges of `tokenizers`'
// is_chinese_char; note its Extension E starts at U+2B920, not U+2B820 as in the Python original.
bool is_cjk_ideograph(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
         (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

// Rust's char::is_ascii_punctuation, which BERT adds to Unicode's P* so that symbols such as
// $ + < = > ^ ` | ~ (Sc, Sm, Sk in Unicode) split words too.
bool is_ascii_punctuation(char32_t c) {
  return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
}

// `tokenizers` takes control characters (Cc Cf Co), punctuation (P*) and nonspacing marks (Mn)
// from the unicode_categories crate (0.1.1), whose tables are Unicode 8.0's: a code point
// assigned later has no category there, so it is none of those (an Adlam exclamation mark or a
// Unicode 14 combining mark is a letter-like part of a word). ICU knows when each code point was
// assigned; its category is otherwise today's (3 code points moved into Mn since 8.0 differ).
bool assigned_by_unicode_8(UChar32 c) {
  UVersionInfo age;
  u_charAge(c, age);
  return age[0] < 8 || (age[0] == 8 && age[1] == 0);
}

// The general category of `c` as the unicode_categories crate sees it, as a U_GC_*_MASK bit.
std::uint32_t crate_category(UChar32 c) {
  const std::uint32_t category = U_MASK(u_charType(c));
  constexpr std::uint32_t kUsed = U_GC_CC_MASK | U_GC_CF_MASK | U_GC_CO_MASK | U_GC_P_MASK | U_GC_MN_MASK;
  if ((category & kUsed) && !assigned_by_unicode_8(c)) return U_GC_CN_MASK;
  return category;
}

std::uint8_t classify_with_icu(char32_t c) {
  const auto cp = static_cast<UChar32>(c);
  const std::uint32_t category = crate_category(cp);
  std::uint8_t flags = 0;
  // tokenizers' is_control: the unicode_categories crate's is_other(), which is Cc, Cf and Co
  // (not Cn: unassigned code points stay, and become [UNK]); tab, newline and carriage return
  // are whitespace instead.
  const bool tab_or_newline = c == '\t' || c == '\n' || c == '\r';
  if (c == 0 || c == 0xFFFD || (!tab_or_newline && (category & (U_GC_CC_MASK | U_GC_CF_MASK | U_GC_CO_MASK)))) {
    flags |= kDrop;
  }
  // Rust's char::is_whitespace is the White_Space property, as is u_isUWhiteSpace.
  if (tab_or_newline || u_isUWhiteSpace(cp)) flags |= kWhitespace;
  if (is_ascii_punctuation(c) || (category & U_GC_P_MASK)) flags |= kPunctuation;
  if (is_cjk_ideograph(c)) flags |= kCjk;
  return flags;
}

// The classes of the ASCII range, computed from ICU when the library loads: most text is ASCII,
// and a table lookup keeps the per-character cost of the hot loops at a load.
const std::array<std::uint8_t, 128> kAsciiClasses = [] {
  std::array<std::uint8_t, 128> table{};
  for (char32_t c = 0; c < 128; ++c) table[c] = classify_with_icu(c);
  return table;
}();

inline std::uint8_t classify(char32_t c) { return c < 128 ? kAsciiClasses[c] : classify_with_icu(c); }

// Cleaning and CJK spacing of one code point (BertNormalizer's first two steps).
inline void clean_and_space_cjk(char32_t c, std::uint8_t flags, bool handle_chinese_chars, std::u32string& out) {
  if (flags & kDrop) return;
  if (flags & kWhitespace) {
    out.push_back(U' ');
  } else if ((flags & kCjk) && handle_chinese_chars) {
    out.push_back(U' ');
    out.push_back(c);
    out.push_back(U' ');
  } else {
    out.push_back(c);
  }
}

void append_lowercase(char32_t c, std::u32string& out);

// NFD as `tokenizers` computes it, with the unicode-normalization-alignments crate, whose data
// is Unicode 9.0's: a code point assigned later has no decomposition and combining class 0 there,
// so it stays as it is and combining marks are not reordered across it. That is ICU's NFD
// filtered to the code points of Unicode 9.0 (a filtered normaliser leaves the others alone and
// normalises the spans between them on their own). Built once, shared by all threads (ICU
// normalisers are immutable), and kept for the life of the process, as ICU keeps its own.
const UNormalizer2* unicode_9_nfd() {
  static const UNormalizer2* const instance = [] {
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2* nfd = unorm2_getNFDInstance(&status);
    USet* unicode_9 = uset_openPattern(u"[:Age=9.0:]", -1, &status);  // assigned by 9.0
    if (U_SUCCESS(status)) uset_freeze(unicode_9);
    const UNormalizer2* filtered = unorm2_openFiltered(nfd, unicode_9, &status);
    if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU cannot set up NFD: ") + u_errorName(status));
    return filtered;
  }();
  return instance;
}

// NFD of `text` (see unicode_9_nfd), ICU's normaliser writing into `decomposed`.
void decompose(std::u32string_view text, std::u16string& source, std::u16string& decomposed) {
  const UNormalizer2* nfd = unicode_9_nfd();
  UErrorCode status = U_ZERO_ERROR;
  source.clear();
  for (const char32_t c : text) {
    if (c < 0x10000) {
      source.push_back(static_cast<char16_t>(c));
    } else {
      source.push_back(static_cast<char16_t>(U16_LEAD(c)));
      source.push_back(static_cast<char16_t>(U16_TRAIL(c)));
    }
  }
  decomposed.resize(source.size() * 3 + 8);  // NFD rarely triples a text; ICU says when it does
  for (int attempt = 0; attempt < 2; ++attempt) {
    status = U_ZERO_ERROR;
    const int32_t length = unorm2_normalize(nfd, source.data(), static_cast<int32_t>(source.size()), decomposed.data(),
                                            static_cast<int32_t>(decomposed.size()), &status);
    if (status == U_BUFFER_OVERFLOW_ERROR && attempt == 0) {
      decomposed.resize(static_cast<std::size_t>(length));  // the exact size ICU asked for
      continue;
    }
    if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU NFD failed: ") + u_errorName(status));
    decomposed.resize(static_cast<std::size_t>(length));
    return;
  }
}

// Buffers of the non-ASCII runs of one normalize call.
struct RunScratch {
  std::u32string cleaned;
  std::u16string source;
  std::u16string decomposed;
};

// Steps 3 and 4 of BertNormalizer on a cleaned run of text: NFD and dropping nonspacing marks
// (strip_accents), then lowercasing; appended to `out`.
void strip_and_lowercase(const NormalizerSettings& settings, RunScratch& scratch, std::u32string& out) {
  if (!settings.strip_accents) {
    for (const char32_t c : scratch.cleaned) {
      if (settings.lowercase) {
        append_lowercase(c, out);
      } else {
        out.push_back(c);
      }
    }
    return;
  }
  decompose(scratch.cleaned, scratch.source, scratch.decomposed);
  const auto& d = scratch.decomposed;
  for (std::size_t i = 0; i < d.size();) {
    UChar32 c;
    U16_NEXT(d.data(), i, d.size(), c);
    if (c >= 128 && crate_category(c) == U_GC_MN_MASK) continue;
    if (settings.lowercase) {
      append_lowercase(static_cast<char32_t>(c), out);
    } else {
      out.push_back(static_cast<char32_t>(c));
    }
  }
}

// Appends the full lowercase mapping of `c` (UnicodeData plus SpecialCasing's unconditional
// entries: U+0130 becomes "i" U+0307), code point by code point as `tokenizers` does with Rust's
// char::to_lowercase. So no context: a final capital sigma becomes σ, not ς. ICU's C API has
// the full mapping only for strings; a one-code-point string has no context, and the root
// locale ("") keeps the Turkish and Lithuanian rules out, as Rust does.
void append_lowercase(char32_t c, std::u32string& out) {
  if (c < 128) {
    out.push_back(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    return;
  }
  const auto cp = static_cast<UChar32>(c);
  // Most code points map to themselves; ask for the string mapping only when it may not.
  if (u_tolower(cp) == cp && !u_hasBinaryProperty(cp, UCHAR_CHANGES_WHEN_LOWERCASED)) {
    out.push_back(c);
    return;
  }
  UChar source[2];
  int32_t source_length = 0;
  U16_APPEND_UNSAFE(source, source_length, cp);
  UChar lowered[8];  // the longest full lowercase mapping is 3 UTF-16 units (U+0130: 2)
  UErrorCode status = U_ZERO_ERROR;
  const int32_t length = u_strToLower(lowered, 8, source, source_length, "", &status);
  if (U_FAILURE(status) || length > 8) {  // cannot happen with Unicode's data; keep the simple mapping
    out.push_back(static_cast<char32_t>(u_tolower(cp)));
    return;
  }
  for (int32_t i = 0; i < length;) {
    UChar32 l;
    U16_NEXT(lowered, i, length, l);
    out.push_back(static_cast<char32_t>(l));
  }
}

}  // namespace

void decode_utf8(std::string_view text, std::u32string& out) {
  out.reserve(out.size() + text.size());
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<std::int64_t>(text.size());  // ICU's macros take any index type
  for (std::int64_t i = 0; i < length;) {
    if (bytes[i] < 0x80) {  // ASCII fast path
      out.push_back(bytes[i++]);
      continue;
    }
    UChar32 c;
    U8_NEXT_OR_FFFD(bytes, i, length, c);
    out.push_back(static_cast<char32_t>(c));
  }
}

std::size_t find_invalid_utf8(std::string_view text) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<std::int64_t>(text.size());
  for (std::int64_t i = 0; i < length;) {
    const std::int64_t start = i;
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) return static_cast<std::size_t>(start);
  }
  return std::string_view::npos;
}

void normalize(std::u32string_view text, const NormalizerSettings& settings, std::u32string& out) {
  out.clear();
  out.reserve(text.size() + 16);
  const auto& ascii = kAsciiClasses;
  RunScratch run;
  for (std::size_t i = 0; i < text.size();) {
    const char32_t c = text[i];
    if (c < 128) {
      // ASCII, most of the text: NFD leaves it alone and its lowercase is ASCII, so all four
      // steps are done here without ICU.
      ++i;
      const std::uint8_t flags = ascii[c];
      if (flags & kDrop) continue;
      if (flags & kWhitespace) {
        out.push_back(U' ');
      } else {
        out.push_back(settings.lowercase && c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
      }
      continue;
    }
    // A run of non-ASCII code points, up to the next ASCII one. NFD of the whole text is the NFD
    // of such runs put together: it decomposes code point by code point and reorders only
    // combining marks, never across an ASCII character (a starter), so runs are independent.
    run.cleaned.clear();
    for (; i < text.size() && text[i] >= 128; ++i) {
      clean_and_space_cjk(text[i], classify_with_icu(text[i]), settings.handle_chinese_chars, run.cleaned);
    }
    strip_and_lowercase(settings, run, out);
  }
}

void pre_tokenize(std::u32string_view normalized, std::vector<WordSpan>& words) {
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::size_t word_begin = kNone;
  for (std::size_t i = 0; i < normalized.size(); ++i) {
    const std::uint8_t flags = classify(normalized[i]);
    if (!(flags & (kWhitespace | kPunctuation))) {
      if (word_begin == kNone) word_begin = i;
      continue;
    }
    if (word_begin != kNone) words.push_back({word_begin, i});
    word_begin = kNone;
    // The whitespace split comes first and drops its delimiters, the punctuation split keeps them.
    if (!(flags & kWhitespace)) words.push_back({i, i + 1});
  }
  if (word_begin != kNone) words.push_back({word_begin, normalized.size()});
}

}  // namespace graft::text
