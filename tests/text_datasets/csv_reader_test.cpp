// text_table's delimited-text parser, compiled in: RFC 4180 quoting, line breaks, line numbers.
#include <ATen/ATen.h>

#include <catch2/catch.hpp>

#include "csv_reader.hpp"
#include "graft/errors.hpp"

using graft::InputError;
using graft::text_table::CsvOptions;
using graft::text_table::CsvRecord;
using graft::text_table::parse_delimited;

namespace {

using Fields = std::vector<std::string>;

std::vector<CsvRecord> parse(const std::string& content, char delimiter = ',', bool quotes = true) {
  CsvOptions options;
  options.delimiter = delimiter;
  options.quotes = quotes;
  return parse_delimited(content, options, "t.csv");
}

std::vector<Fields> fields_of(const std::vector<CsvRecord>& records) {
  std::vector<Fields> result;
  for (const auto& record : records) result.push_back(record.fields);
  return result;
}

std::vector<std::size_t> lines_of(const std::vector<CsvRecord>& records) {
  std::vector<std::size_t> result;
  for (const auto& record : records) result.push_back(record.line);
  return result;
}

}  // namespace

TEST_CASE("quoted fields hold delimiters, doubled quotes and line breaks") {
  const auto records = parse("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",\"\"\n");
  CHECK(fields_of(records) == std::vector<Fields>{{"a", "b"}, {"x, y", "say \"hi\""}, {"two\nlines", ""}});
  CHECK(lines_of(records) == std::vector<std::size_t>{1, 2, 3});
}

TEST_CASE("CRLF, LF and lone CR end records, a CRLF inside quotes is kept, blank lines are skipped") {
  const auto records = parse("h1,h2\r\n\r\n1,\"a\r\nb\"\r\n2,c\n\n3,d\r4,e");
  CHECK(fields_of(records) == std::vector<Fields>{{"h1", "h2"}, {"1", "a\r\nb"}, {"2", "c"}, {"3", "d"}, {"4", "e"}});
  // A record's line is the one it starts on; the blank lines count.
  CHECK(lines_of(records) == std::vector<std::size_t>{1, 3, 5, 7, 8});
}

TEST_CASE("empty fields, a trailing delimiter and a quote inside an unquoted field") {
  CHECK(fields_of(parse(",x,\n")) == std::vector<Fields>{{"", "x", ""}});
  CHECK(fields_of(parse("it's 5\" tall,b")) == std::vector<Fields>{{"it's 5\" tall", "b"}});
  CHECK(fields_of(parse("only")) == std::vector<Fields>{{"only"}});
  CHECK(parse("").empty());
  CHECK(parse("\n\r\n").empty());
}

TEST_CASE("tab delimiter, and quotes = false reads quotes as text") {
  CHECK(fields_of(parse("a\t\"b\tc\"\n", '\t')) == std::vector<Fields>{{"a", "b\tc"}});
  CHECK(fields_of(parse("\"a\t\"b\"\"\n", '\t', false)) == std::vector<Fields>{{"\"a", "\"b\"\""}});
}

TEST_CASE("an unterminated quote names the line it opens on") {
  CHECK_THROWS_AS(parse("a,b\n1,\"open\n\nstill open\n"), InputError);
  CHECK_THROWS_WITH(parse("a,b\n1,\"open\n\nstill open\n"),
                    Catch::Contains("t.csv:2: a quoted field starts on this line and is never closed") &&
                        Catch::Contains("\"\""));
}

TEST_CASE("text after a closing quote is an error with its line") {
  CHECK_THROWS_WITH(parse("a,b\n\"x\ny\"z,1\n"), Catch::Contains("t.csv:3: text after the closing quote"));
}
