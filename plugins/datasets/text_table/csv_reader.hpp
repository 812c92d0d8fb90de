#pragma once
// Delimited text (CSV, TSV) as RFC 4180 writes it: fields separated by one delimiter character,
// records ended by CRLF or LF (or a lone CR); a field in double quotes may hold the delimiter,
// line breaks and quotes written twice (""). Blank lines between records are skipped. No torch.
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace graft::text_table {

struct CsvRecord {
  std::vector<std::string> fields;
  std::size_t line = 0;  // line of the file the record starts on (1-based)
};

struct CsvOptions {
  char delimiter = ',';
  bool quotes = true;  // false: '"' is an ordinary character and no field spans lines
};

// Every record of `content` (a file's bytes, `file` naming it in messages). Throws InputError
// "FILE:LINE: ..." for a quoted field that is never closed and for text between a closing quote
// and the next delimiter. Does not compare field counts: the caller knows the header.
std::vector<CsvRecord> parse_delimited(std::string_view content, const CsvOptions& options,
                                       const std::filesystem::path& file);

// How messages show a delimiter: "','", "tab".
std::string describe_delimiter(char delimiter);

}  // namespace graft::text_table
