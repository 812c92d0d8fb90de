// Dataset `text_table`: texts and labels in CSV or TSV files with a header row, the columns chosen
// by name. Separate train (optional validation and test) files, or one file with a seeded test
// split. Quoting as RFC 4180 writes it. Everything is read in the constructor.
#include <algorithm>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "../common/labels.hpp"
#include "../common/text_dataset.hpp"
#include "../common/text_files.hpp"
#include "csv_reader.hpp"
#include "graft/errors.hpp"

namespace {

namespace fs = std::filesystem;
namespace td = graft::text_datasets;
using graft::text_table::CsvOptions;
using graft::text_table::CsvRecord;

// The delimiter of `file`: the `delimiter` param, or its extension's.
char delimiter_of(const graft::Params& params, const fs::path& file, const graft::PluginContext& context) {
  const auto& given = params.get_string("delimiter");
  if (given.empty()) {
    const auto extension = td::lowercase(file.extension().string());
    if (extension == ".csv") return ',';
    if (extension == ".tsv" || extension == ".tab") return '\t';
    throw graft::InputError(fmt::format("{}: cannot tell the delimiter of {} from its extension (.csv is ',', .tsv "
                                        "and .tab are tab); set delimiter = \",\" or \"\\t\"",
                                        context.param_path("delimiter"), file.string()));
  }
  if (given == "\\t" || given == "tab") return '\t';
  if (given.size() != 1 || given == "\"" || given == "\n" || given == "\r") {
    throw graft::InputError(fmt::format("{}: \"{}\" is not one character other than a quote or a line break; write "
                                        "e.g. \",\", \";\", \"|\" or \"\\t\" (tab)",
                                        context.param_path("delimiter"), given));
  }
  return given[0];
}

struct Columns {
  std::size_t text = 0;
  std::optional<std::size_t> text_pair;
  std::size_t label = 0;
  std::size_t count = 0;
};

std::size_t column_index(const CsvRecord& header, const std::string& name, const std::string& param,
                         const fs::path& file, const graft::PluginContext& context) {
  const auto& fields = header.fields;
  const auto found = std::find(fields.begin(), fields.end(), name);
  if (found == fields.end()) {
    throw graft::InputError(fmt::format("{}:{}: no column '{}' ({}); the header's columns are: {}", file.string(),
                                        header.line, name, context.param_path(param), fmt::join(fields, ", ")));
  }
  if (std::find(found + 1, fields.end(), name) != fields.end()) {
    throw graft::InputError(fmt::format("{}:{}: two columns are named '{}' ({}); rename one", file.string(),
                                        header.line, name, context.param_path(param)));
  }
  return static_cast<std::size_t>(found - fields.begin());
}

Columns find_columns(const CsvRecord& header, const graft::Params& params, const fs::path& file,
                     const graft::PluginContext& context) {
  Columns columns;
  columns.count = header.fields.size();
  columns.text = column_index(header, params.get_string("text_column"), "text_column", file, context);
  if (const auto& pair = params.get_string("text_pair_column"); !pair.empty()) {
    columns.text_pair = column_index(header, pair, "text_pair_column", file, context);
  }
  columns.label = column_index(header, params.get_string("label_column"), "label_column", file, context);
  return columns;
}

// The examples of one table file; `param` (a key of `context`'s table) names the setting that gave its path.
td::RawSplit read_table(const fs::path& file, const std::string& param, const graft::Params& params,
                        const graft::PluginContext& context) {
  auto content = td::read_file(file, context.param_path(param));
  td::strip_bom(content);
  td::check_utf8(content, file);
  CsvOptions options;
  options.delimiter = delimiter_of(params, file, context);
  options.quotes = params.get_bool("quotes");
  auto records = graft::text_table::parse_delimited(content, options, file);
  content = std::string();  // the records hold the text now
  if (records.empty()) {
    throw graft::InputError(fmt::format("{}: {} is empty; expected a header row naming the columns, then one row per "
                                        "example",
                                        context.param_path(param), file.string()));
  }
  if (records.size() == 1) {
    throw graft::InputError(
        fmt::format("{}: {} has a header row and no examples", context.param_path(param), file.string()));
  }
  const auto columns = find_columns(records[0], params, file, context);
  td::RawSplit split;
  split.file = file;
  split.items.reserve(records.size() - 1);
  for (std::size_t r = 1; r < records.size(); ++r) {
    auto& record = records[r];
    if (record.fields.size() != columns.count) {
      const auto hint = options.quotes
                            ? fmt::format("put a field that holds the delimiter ({}) in double quotes",
                                          graft::text_table::describe_delimiter(options.delimiter))
                            : std::string("a field cannot hold the delimiter with quotes = false");
      throw graft::InputError(fmt::format("{}:{}: {} fields, but the header (line {}) has {} columns; {}",
                                          file.string(), record.line, record.fields.size(), records[0].line,
                                          columns.count, hint));
    }
    td::RawItem item;
    item.text = std::move(record.fields[columns.text]);
    if (columns.text_pair) item.text_pair = std::move(record.fields[*columns.text_pair]);
    item.label = std::move(record.fields[columns.label]);
    item.line = record.line;
    split.items.push_back(std::move(item));
  }
  return split;
}

class TextTableDataset : public td::TextDataset {
 public:
  static graft::ParamSchema schema() {
    graft::ParamSchema schema = td::labelled_files_schema(
        "CSV or TSV file with a header row: the training examples, or all of them when `test` "
        "is empty");
    const graft::ParamSchema own = {
        graft::string_param("text_column", "text", "name of the column holding the text"),
        graft::string_param("text_pair_column", "",
                            "name of the column holding the second text of sentence pairs; \"\" = no pairs"),
        graft::string_param("label_column", "label", "name of the column holding the label"),
        graft::string_param("delimiter", "",
                            "field delimiter, one character (\"\\t\" = tab); \"\" = from each file's extension "
                            "(.csv ',', .tsv and .tab tab)"),
        graft::bool_param("quotes", true,
                          "RFC 4180 double quotes (fields holding delimiters, line breaks, \"\"); false = '\"' is "
                          "an ordinary character (TSV files whose texts contain quotes)"),
    };
    schema.insert(schema.end(), own.begin(), own.end());
    for (auto& spec : td::label_schema()) schema.push_back(spec);
    schema.push_back(td::test_fraction_param("without `test` only"));
    for (auto& spec : graft::subset_schema()) schema.push_back(spec);
    return schema;
  }

  TextTableDataset(const graft::Params& params, const graft::PluginContext& context) {
    if (params.get_string("label_column").empty()) {
      throw graft::InputError(context.param_path("label_column") + ": name the column holding the labels");
    }
    if (params.get_string("text_column").empty()) {
      throw graft::InputError(context.param_path("text_column") + ": name the column holding the texts");
    }
    const fs::path train_file = params.get_string("train");
    auto data = td::read_labelled_files(params, td::LabelSource{"column '" + params.get_string("label_column") + "'"},
                                        [&params, &context](const fs::path& file, const std::string& param) {
                                          return read_table(file, param, params, context);
                                        });
    load(std::move(data), params, context.seed, "text_table", train_file.string());
  }
};

}  // namespace

GRAFT_PLUGIN(graft::describe<TextTableDataset>("text_table", "1.0.0",
                                               "texts and labels in CSV or TSV files with a header row"))
