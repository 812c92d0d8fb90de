#pragma once
// Reading the files of text datasets: whole files as bytes, UTF-8 checks that name the file and
// line, and sorted listings of the files under a folder. Header-only: each dataset is its own
// plugin library (included as "../common/text_files.hpp", like strategies/common). No torch.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "graft/errors.hpp"

namespace graft::text_datasets {

namespace fs = std::filesystem;

// The whole file, as bytes. `param` names the setting that gave the path, for the message: as
// PluginContext::param_path writes it ("dataset.root", "tasks.coarse.train").
inline std::string read_file(const fs::path& path, const std::string& param = "") {
  const std::string prefix = param.empty() ? "" : param + ": ";
  if (!fs::exists(path)) throw InputError(fmt::format("{}{} does not exist", prefix, path.string()));
  if (fs::is_directory(path)) throw InputError(fmt::format("{}{} is a folder, not a file", prefix, path.string()));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}{} cannot be opened for reading", prefix, path.string()));
  std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) throw InputError(fmt::format("{}{}: read error", prefix, path.string()));
  return bytes;
}

// Drops a leading UTF-8 byte order mark (Windows editors and Excel write one), so that the first
// column name or the first word does not start with U+FEFF.
inline void strip_bom(std::string& text) {
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
}

// Offset of the first byte that is not part of well-formed UTF-8 (no overlong forms, surrogates
// or code points above U+10FFFF), or npos when all of `text` is UTF-8.
inline std::size_t invalid_utf8_at(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = bytes[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return i;
    }
    if (i + length > n) return i;
    if (bytes[i + 1] < lo || bytes[i + 1] > hi) return i;
    for (std::size_t k = 2; k < length; ++k) {
      if (bytes[i + k] < 0x80 || bytes[i + k] > 0xBF) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

// 1 + the line breaks before `offset` ("\n", "\r\n" or a lone "\r" each count once).
inline std::size_t line_at(std::string_view text, std::size_t offset, std::size_t first_line = 1) {
  std::size_t line = first_line;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) ++line;
  }
  return line;
}

// Throws InputError "FILE:LINE: not valid UTF-8 ..." when `text` (which starts on `first_line` of
// `file`) is not UTF-8: models tokenize text as UTF-8, so another encoding must be converted first.
inline void check_utf8(std::string_view text, const fs::path& file, std::size_t first_line = 1) {
  const auto bad = invalid_utf8_at(text);
  if (bad == std::string_view::npos) return;
  throw InputError(fmt::format("{}:{}: not valid UTF-8 (byte 0x{:02X}); text datasets read UTF-8 only: convert the "
                               "file, e.g. iconv -f latin1 -t utf-8 IN > OUT",
                               file.string(), line_at(text, bad, first_line), static_cast<unsigned char>(text[bad])));
}

// The first `max_chars` characters (code points) of UTF-8 `text`; all of it when max_chars is 0.
inline std::string first_chars(std::string text, std::size_t max_chars) {
  if (max_chars == 0) return text;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (chars == max_chars) {
      text.resize(i);
      break;
    }
    ++chars;
  }
  return text;
}

inline std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// Names starting with '.': hidden files, and macOS "._name" companions that are not text.
inline bool hidden(const fs::path& path) {
  const auto name = path.filename().string();
  return !name.empty() && name[0] == '.';
}

// An extensions param as has_extension takes it: lowercase, without a leading dot. Throws
// InputError ("PARAM: ...", `param` as read_file takes it) for an empty list or an empty entry.
inline std::vector<std::string> normalise_extensions(const std::vector<std::string>& extensions,
                                                     const std::string& param, const std::string& example) {
  if (extensions.empty()) throw InputError(fmt::format("{}: name at least one, e.g. {}", param, example));
  std::vector<std::string> normalised;
  for (const auto& extension : extensions) {
    normalised.push_back(lowercase(!extension.empty() && extension[0] == '.' ? extension.substr(1) : extension));
    if (normalised.back().empty()) throw InputError(fmt::format("{}: an empty extension; write e.g. {}", param, example));
  }
  return normalised;
}

// Case-insensitive match of the file's extension against normalised extensions.
inline bool has_extension(const fs::path& path, const std::vector<std::string>& extensions) {
  const std::string extension = path.extension().string();
  if (extension.empty()) return false;
  return std::find(extensions.begin(), extensions.end(), lowercase(extension.substr(1))) != extensions.end();
}

// Files with one of `extensions` under `folder` (recursively when `recursive`), hidden names
// skipped, sorted so that a dataset is the same on every machine (directory order is not).
// Counts the other visible files in `ignored`.
inline std::vector<fs::path> files_under(const fs::path& folder, const std::vector<std::string>& extensions,
                                         bool recursive, std::size_t& ignored) {
  std::vector<fs::path> files;
  const auto consider = [&](const fs::directory_entry& entry) {
    if (!entry.is_regular_file()) return;
    if (has_extension(entry.path(), extensions)) {
      files.push_back(entry.path());
    } else {
      ++ignored;
    }
  };
  if (recursive) {
    for (auto it = fs::recursive_directory_iterator(folder); it != fs::recursive_directory_iterator(); ++it) {
      if (hidden(it->path())) {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      consider(*it);
    }
  } else {
    for (const auto& entry : fs::directory_iterator(folder)) {
      if (!hidden(entry.path())) consider(entry);
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Visible sub-folders of `folder`, sorted by name (byte order, as Python's sorted()).
inline std::vector<std::string> subfolders(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.is_directory() && !hidden(entry.path())) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace graft::text_datasets
