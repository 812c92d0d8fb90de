// `graft query "SQL"`: one read-only SQL statement on the results store, printed as a table,
// CSV or JSON. The store refuses writes (see Store::query); docs/querying.md has the schema.
#include <iostream>
#include <memory>
#include <set>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/output.hpp"
#include "cli/store_output.hpp"
#include "graft/errors.hpp"

namespace graft::cli {
namespace {

using nlohmann::json;

struct QueryOptions {
  std::string sql;
  Format format = Format::Table;
};

Table to_table(const storage::QueryResult& result, std::string (*cell)(const storage::Value&)) {
  Table table{result.columns, {}};
  for (const auto& row : result.rows) {
    std::vector<std::string> cells;
    for (const auto& value : row) cells.push_back(cell(value));
    table.rows.push_back(std::move(cells));
  }
  return table;
}

// An array of objects, one per row, keyed by column name: what scripts index most easily. Two
// columns of one name would collide in an object, so they are refused with the fix.
void print_json(const storage::QueryResult& result) {
  std::set<std::string> names;
  for (const auto& column : result.columns) {
    if (!names.insert(column).second) {
      throw InputError(fmt::format("the query has two columns named '{}'; give one another name with AS for --json",
                                   column));
    }
  }
  json out = json::array();
  for (const auto& row : result.rows) {
    json object = json::object();
    for (std::size_t column = 0; column < row.size(); ++column) object[result.columns[column]] = json_value(row[column]);
    out.push_back(std::move(object));
  }
  std::cout << out.dump(2) << '\n';
}

void run_query(const QueryOptions& options, Context& context) {
  const storage::Store store = open_store_for_reading(context);
  const storage::QueryResult result = store.query(options.sql);
  switch (options.format) {
    case Format::Json:
      print_json(result);
      break;
    case Format::Csv:
      print_csv(std::cout, to_table(result, &csv_cell));
      break;
    case Format::Table:
      print_table(std::cout, to_table(result, &table_cell));
      if (result.rows.empty()) std::cout << "(no rows)\n";
      break;
  }
  context.exit_status = 0;
}

}  // namespace

void add_query_command(CLI::App& app, Context& context) {
  auto options = std::make_shared<QueryOptions>();
  CLI::App* query = app.add_subcommand(
      "query", "Run one read-only SQL statement on the results store (schema: docs/querying.md)");
  query->add_option("sql", options->sql, "The SQL, e.g. \"SELECT * FROM run_overview\"")->required();
  add_format_flags(*query, options->format);
  query->callback([options, &context] { run_query(*options, context); });
}

}  // namespace graft::cli
