#include "csv_reader.hpp"

#include <fmt/format.h>

#include "graft/errors.hpp"

namespace graft::text_table {
namespace {

bool line_break(char c) { return c == '\n' || c == '\r'; }

// Steps over the line break at `i` ("\r\n", "\n" or "\r") and counts it.
void skip_line_break(std::string_view content, std::size_t& i, std::size_t& line) {
  if (content[i] == '\r' && i + 1 < content.size() && content[i + 1] == '\n') ++i;
  ++i;
  ++line;
}

}  // namespace

std::string describe_delimiter(char delimiter) {
  if (delimiter == '\t') return "tab";
  return fmt::format("'{}'", delimiter);
}

std::vector<CsvRecord> parse_delimited(std::string_view content, const CsvOptions& options,
                                       const std::filesystem::path& file) {
  std::vector<CsvRecord> records;
  const std::size_t n = content.size();
  std::size_t i = 0;
  std::size_t line = 1;
  while (i < n) {
    if (line_break(content[i])) {  // a blank line
      skip_line_break(content, i, line);
      continue;
    }
    CsvRecord record;
    record.line = line;
    while (true) {  // one field per pass
      std::string field;
      if (options.quotes && i < n && content[i] == '"') {
        const std::size_t opened_on = line;
        ++i;
        while (true) {
          if (i >= n) {
            throw InputError(fmt::format("{}:{}: a quoted field starts on this line and is never closed; end it with "
                                         "'\"', and write a quote inside a quoted field as two (\"\")",
                                         file.string(), opened_on));
          }
          const char c = content[i];
          if (c == '"') {
            if (i + 1 < n && content[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;  // the closing quote
            break;
          }
          if (c == '\n' || (c == '\r' && (i + 1 >= n || content[i + 1] != '\n'))) ++line;
          field += c;
          ++i;
        }
        if (i < n && content[i] != options.delimiter && !line_break(content[i])) {
          throw InputError(fmt::format("{}:{}: text after the closing quote of a quoted field; a quoted field ends "
                                       "at a delimiter ({}) or the end of the line, and a quote inside it is "
                                       "written as two (\"\")",
                                       file.string(), line, describe_delimiter(options.delimiter)));
        }
      } else {
        const std::size_t start = i;
        while (i < n && content[i] != options.delimiter && !line_break(content[i])) ++i;
        field.assign(content.substr(start, i - start));
      }
      record.fields.push_back(std::move(field));
      if (i < n && content[i] == options.delimiter) {
        ++i;
        continue;  // another field follows, maybe an empty one at the end of the line
      }
      if (i < n) skip_line_break(content, i, line);
      break;
    }
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace graft::text_table
