// User SQL (`graft query`): one read-only statement on a connection of its own.
#include <cctype>
#include <string_view>

#include <fmt/format.h>

#include "connection.hpp"
#include "store_impl.hpp"

namespace graft::storage {
namespace {

using sqlite::Statement;

// The statement's verb ("DELETE"), after leading whitespace and comments, to name what was
// refused. A WITH clause hides the verb; then the statement is just "this statement".
std::string verb_of(std::string_view sql) {
  for (std::size_t at = 0; at < sql.size();) {
    if (std::isspace(static_cast<unsigned char>(sql[at]))) {
      ++at;
    } else if (sql.substr(at, 2) == "--") {
      at = sql.find('\n', at);
    } else if (sql.substr(at, 2) == "/*") {
      at = sql.find("*/", at + 2);
      if (at != std::string_view::npos) at += 2;
    } else {
      std::string word;
      for (; at < sql.size() && std::isalpha(static_cast<unsigned char>(sql[at])); ++at) {
        word += static_cast<char>(std::toupper(static_cast<unsigned char>(sql[at])));
      }
      return word.empty() || word == "WITH" ? "this statement" : word;
    }
  }
  return "this statement";
}

[[noreturn]] void refuse_write(std::string_view sql) {
  throw QueryError(fmt::format("refused {}: the store is read-only for queries, and nothing was changed "
                               "(graft query only reads; change the store with the sqlite3 shell if you must)",
                               verb_of(sql)));
}

// SQLite's message, with a pointer to the schema when a name was wrong.
[[noreturn]] void sql_error(const sqlite::Error& error) {
  const std::string message = error.what();
  if (message.rfind("no such table", 0) == 0 || message.rfind("no such column", 0) == 0) {
    throw QueryError(fmt::format("SQL error: {} (tables: experiments, runs, params, metrics, run_plugins, "
                                 "artifacts; views: run_overview, final_metrics; see docs/querying.md)",
                                 message));
  }
  throw QueryError("SQL error: " + message);
}

// Prepares the only statement of `sql`; refuses text with none or with more than one.
Statement prepare_single(sqlite::Database& db, const std::string& sql) {
  std::string_view rest;
  Statement statement(db, std::string_view(sql), &rest);
  if (statement.empty()) throw QueryError("no SQL statement to run (the text is empty or only comments)");
  // Whatever follows must be nothing but whitespace, ';' and comments: preparing it must give no
  // statement. Text that fails to prepare is a second statement too, a broken one.
  bool more = false;
  try {
    more = !Statement(db, rest, nullptr).empty();
  } catch (const sqlite::Error&) {
    more = true;
  }
  if (more) {
    throw QueryError("only one SQL statement is allowed per query, and this text has more after the first "
                     "';'; nothing was run (run them one at a time)");
  }
  return statement;
}

}  // namespace

QueryResult Store::query(const std::string& sql) const {
  auto db = connection::open_for_query(impl_->path);
  QueryResult result;
  try {
    Statement statement = prepare_single(db, sql);
    // Refused before it runs, with a clear message; the read-only connection would refuse it
    // anyway, with SQLite's terser "attempt to write a readonly database".
    if (!sqlite3_stmt_readonly(statement.handle())) refuse_write(sql);
    for (int column = 0; column < statement.column_count(); ++column) {
      result.columns.push_back(statement.column_name(column));
    }
    while (statement.step()) {
      auto& row = result.rows.emplace_back();
      for (int column = 0; column < statement.column_count(); ++column) row.push_back(statement.get_value(column));
    }
  } catch (const sqlite::Error& error) {
    if (error.code() == SQLITE_READONLY) refuse_write(sql);
    sql_error(error);
  }
  return result;
}

}  // namespace graft::storage
