#include "sqlite.hpp"

#include <chrono>
#include <cmath>
#include <limits>
#include <thread>
#include <utility>
#include <variant>

#include <fmt/format.h>

namespace graft::storage::sqlite {
namespace {

[[noreturn]] void throw_error(sqlite3* db, int code) {
  // The connection's message is more specific than sqlite3_errstr ("no such table: runs"
  // instead of "SQL logic error"); without a connection only the generic text exists.
  const char* message = db ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  throw Error(code & 0xff, message);
}

}  // namespace

// ---- Database --------------------------------------------------------------------------------

Database Database::open(const std::filesystem::path& path, OpenMode mode) {
  const int flags = mode == OpenMode::ReadOnly ? SQLITE_OPEN_READONLY
                                               : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  sqlite3* db = nullptr;
  const int code = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  Database database(db);  // closes the handle even when the open failed
  if (code != SQLITE_OK) throw_error(db, code);
  sqlite3_extended_result_codes(db, 0);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  return database;
}

Database::Database(Database&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

// close_v2 defers the close until the last statement is finalized, so the order in which RAII
// objects die cannot leak the connection.
Database::~Database() { sqlite3_close_v2(db_); }

void Database::check(int code) const {
  if (code != SQLITE_OK && code != SQLITE_ROW && code != SQLITE_DONE) throw_error(db_, code);
}

void Database::exec(const char* sql) { check(sqlite3_exec(db_, sql, nullptr, nullptr, nullptr)); }

std::int64_t Database::query_int(const char* sql) {
  Statement statement(*this, sql);
  if (!statement.step()) throw Error(SQLITE_ERROR, fmt::format("'{}' returned no row", sql));
  return statement.get_int(0);
}

std::int64_t Database::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }

int Database::changes() const { return sqlite3_changes(db_); }

// ---- Statement -------------------------------------------------------------------------------

Statement::Statement(Database& db, const char* sql) : db_(db.handle()) {
  db.check(sqlite3_prepare_v2(db_, sql, -1, &stmt_, nullptr));
}

Statement::Statement(Database& db, std::string_view sql, std::string_view* rest) : db_(db.handle()) {
  const char* tail = nullptr;
  db.check(sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt_, &tail));
  if (rest) *rest = sql.substr(static_cast<std::size_t>(tail - sql.data()));
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int index, std::int64_t value) {
  if (int code = sqlite3_bind_int64(stmt_, index, value); code != SQLITE_OK) throw_error(db_, code);
  return *this;
}

Statement& Statement::bind(int index, double value) {
  if (int code = sqlite3_bind_double(stmt_, index, value); code != SQLITE_OK) throw_error(db_, code);
  return *this;
}

Statement& Statement::bind(int index, const std::string& value) {
  const int code = sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                                     SQLITE_TRANSIENT);
  if (code != SQLITE_OK) throw_error(db_, code);
  return *this;
}

Statement& Statement::bind(int index, const Value& value) {
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return bind(index, *integer);
  if (const auto* real = std::get_if<double>(&value)) return bind(index, *real);
  if (const auto* text = std::get_if<std::string>(&value)) return bind(index, *text);
  return bind_null(index);
}

Statement& Statement::bind_null(int index) {
  if (int code = sqlite3_bind_null(stmt_, index); code != SQLITE_OK) throw_error(db_, code);
  return *this;
}

bool Statement::step() {
  const int code = sqlite3_step(stmt_);
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  throw_error(db_, code);
}

void Statement::run() {
  while (step()) {
  }
  sqlite3_reset(stmt_);
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::get_int(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::get_double(int column) const {
  if (is_null(column)) return std::numeric_limits<double>::quiet_NaN();
  return sqlite3_column_double(stmt_, column);
}

std::string Statement::get_text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (!text) return {};
  return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<std::int64_t> Statement::get_optional_int(int column) const {
  if (is_null(column)) return std::nullopt;
  return get_int(column);
}

std::optional<double> Statement::get_optional_double(int column) const {
  if (is_null(column)) return std::nullopt;
  return get_double(column);
}

Value Statement::get_value(int column) const {
  switch (sqlite3_column_type(stmt_, column)) {
    case SQLITE_INTEGER:
      return get_int(column);
    case SQLITE_FLOAT:
      return get_double(column);
    case SQLITE_TEXT:
      return get_text(column);
    case SQLITE_BLOB: {
      // Graft writes no BLOBs; a query may still produce one (randomblob(), x'..'). Shown the
      // way SQL spells a blob literal, so every Value stays printable text.
      const auto* bytes = static_cast<const unsigned char*>(sqlite3_column_blob(stmt_, column));
      const int size = sqlite3_column_bytes(stmt_, column);
      std::string text = "x'";
      for (int i = 0; i < size; ++i) text += fmt::format("{:02x}", bytes[i]);
      return text + "'";
    }
    default:
      return std::monostate{};
  }
}

int Statement::column_count() const { return sqlite3_column_count(stmt_); }

std::string Statement::column_name(int column) const {
  const char* name = sqlite3_column_name(stmt_, column);
  return name ? name : "";
}

// ---- Transaction -----------------------------------------------------------------------------

Transaction::Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  // Errors are ignored here: after a failed statement SQLite may already have rolled back, and
  // a destructor has no one to report to. The caller is already handling the first failure.
  if (open_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  db_.exec("COMMIT");
  open_ = false;
}

void sleep_before_retry(int attempt_index) {
  std::this_thread::sleep_for(std::chrono::milliseconds(50) * (1 << attempt_index));
}

}  // namespace graft::storage::sqlite
