#pragma once
// Thin RAII layer over the SQLite C API: a connection, a prepared statement, a write transaction
// and a retry for SQLITE_BUSY. Values are always bound, never spliced into SQL text; the only SQL
// built here is fixed text from this library (schema, statements with '?' placeholders).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <sqlite3.h>

#include "graft/storage/store.hpp"

namespace graft::storage::sqlite {

// A failed SQLite call. Keeps the primary result code so callers can tell "busy" (retry) and
// "not a database" (explain) from other failures; what() is SQLite's own message.
class Error : public StoreError {
 public:
  Error(int code, const std::string& message) : StoreError(message), code_(code) {}
  int code() const { return code_; }
  bool busy() const { return code_ == SQLITE_BUSY || code_ == SQLITE_LOCKED; }

 private:
  int code_;
};

enum class OpenMode { ReadWriteCreate, ReadOnly };

// One connection (sqlite3*). Move-only; closes on destruction.
class Database {
 public:
  // Opens without touching the file's content: SQLite reads the header lazily, so a file that is
  // not a database is only detected by the first statement (code SQLITE_NOTADB).
  static Database open(const std::filesystem::path& path, OpenMode mode);

  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  sqlite3* handle() const { return db_; }

  // Runs fixed SQL text, possibly several statements (schema, pragmas, BEGIN/COMMIT).
  void exec(const char* sql);
  // The single integer a statement like "PRAGMA user_version" returns.
  std::int64_t query_int(const char* sql);
  std::int64_t last_insert_id() const;
  int changes() const;  // rows changed by the last INSERT/UPDATE/DELETE

  // Throws Error with SQLite's current message for this connection when `code` is a failure.
  void check(int code) const;

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

// One prepared statement (sqlite3_stmt*). Parameters are 1-based like SQLite's; columns 0-based.
class Statement {
 public:
  Statement(Database& db, const char* sql);
  // Prepares the first statement of `sql` and stores in `rest` the text after it. The statement
  // is empty() when `sql` holds only whitespace and comments.
  Statement(Database& db, std::string_view sql, std::string_view* rest);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  sqlite3_stmt* handle() const { return stmt_; }
  bool empty() const { return stmt_ == nullptr; }

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, double value);  // NaN is stored as NULL (SQLite's own rule)
  Statement& bind(int index, const std::string& value);
  Statement& bind(int index, const char* value) { return bind(index, std::string(value)); }
  Statement& bind(int index, const Value& value);
  Statement& bind_null(int index);
  template <class T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }
  // Binds each argument to 1, 2, ... in order.
  template <class... Args>
  Statement& bind_all(const Args&... args) {
    int index = 0;
    (bind(++index, args), ...);
    return *this;
  }

  // Advances to the next row: true while there is one, false when done.
  bool step();
  // Runs a statement that returns no rows, then rewinds it so it can be bound and run again.
  void run();
  // Clears bindings and rewinds, to run a query again with new values.
  void reset();

  bool is_null(int column) const;
  std::int64_t get_int(int column) const;
  double get_double(int column) const;  // NULL reads as NaN (how NaN was stored)
  std::string get_text(int column) const;
  std::optional<std::int64_t> get_optional_int(int column) const;
  std::optional<double> get_optional_double(int column) const;
  Value get_value(int column) const;  // by the stored type; a BLOB becomes x'hex' text
  int column_count() const;
  std::string column_name(int column) const;

 private:
  friend class Database;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE on construction: takes the write lock up front, so the transaction never has
// to upgrade a read lock later (which in WAL mode fails with SQLITE_BUSY_SNAPSHOT instead of
// waiting). Rolls back in the destructor unless commit() was called.
class Transaction {
 public:
  explicit Transaction(Database& db);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Database& db_;
  bool open_ = true;
};

// How long a connection waits for another's lock before SQLite reports SQLITE_BUSY.
inline constexpr int kBusyTimeoutMs = 10'000;
// Tries of with_busy_retry, each after the busy timeout has already run out once.
inline constexpr int kBusyRetries = 5;

void sleep_before_retry(int attempt_index);  // 50 ms, 100 ms, 200 ms, ...

// Runs `attempt` again when it fails with SQLITE_BUSY/LOCKED even after the busy timeout (a
// long checkpoint, or many writers at once), sleeping a little longer each time; rethrows the
// last failure after a bounded number of tries. `attempt` must be safe to repeat: a transaction
// that rolled back.
template <class F>
void with_busy_retry(F&& attempt) {
  for (int index = 0;; ++index) {
    try {
      attempt();
      return;
    } catch (const Error& error) {
      if (!error.busy() || index + 1 >= kBusyRetries) throw;
    }
    sleep_before_retry(index);
  }
}

}  // namespace graft::storage::sqlite
