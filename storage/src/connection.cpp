#include "connection.hpp"

#include <system_error>

#include <fmt/format.h>

#include "schema.hpp"

namespace graft::storage::connection {
namespace {

namespace fs = std::filesystem;

// Turns a SQLite failure while opening into a message that names the file and what to do.
[[noreturn]] void explain_open_failure(const fs::path& path, const sqlite::Error& error) {
  const std::string where = path.string();
  std::error_code ignored;
  switch (error.code()) {
    case SQLITE_NOTADB:
      throw StoreError(fmt::format("{} is not a SQLite database ({}); point --db or GRAFT_DB at a graft results store",
                                   where, error.what()));
    case SQLITE_CANTOPEN:
      if (fs::is_directory(path, ignored)) {
        throw StoreError(fmt::format("{} is a folder, not a results store file; give a file path such as {}",
                                     where, (path / "graft.db").string()));
      }
      if (const fs::path parent = path.parent_path(); !parent.empty() && !fs::exists(parent, ignored)) {
        throw StoreError(fmt::format("cannot create results store {}: folder {} does not exist", where,
                                     parent.string()));
      }
      break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
      throw StoreError(fmt::format("cannot write results store {} ({}): check the permissions of the file and its folder",
                                   where, error.what()));
    default:
      break;
  }
  throw StoreError(fmt::format("cannot open results store {}: {}", where, error.what()));
}

}  // namespace

namespace {

// A store written by an older graft: readable once migrated forward.
bool needs_migration(const fs::path& path) {
  try {
    auto db = sqlite::Database::open(path, sqlite::OpenMode::ReadOnly);
    const int found = schema::version(db);
    return found > 0 && found < kSchemaVersion;
  } catch (const sqlite::Error&) {
    return false;  // not a database: open_store says so below
  }
}

}  // namespace

sqlite::Database open_store(const fs::path& path, bool writable) {
  std::error_code ignored;
  if (!writable && !fs::exists(path, ignored)) {
    throw StoreError(fmt::format("no results store at {} (run an experiment first, or pass --db)", path.string()));
  }
  if (!writable && needs_migration(path)) {
    // Reading commands on a store from an older graft migrate it first (forward only, in one
    // transaction), so that `graft runs` works on it at once. A file that cannot be written
    // keeps check_version's explanation below.
    try {
      open_store(path, /*writable=*/true);
    } catch (const StoreError&) {
    }
  }
  try {
    auto db = sqlite::Database::open(path, writable ? sqlite::OpenMode::ReadWriteCreate : sqlite::OpenMode::ReadOnly);
    // The version is read before anything is changed, so a file that is not ours (not a
    // database, another program's database, a newer graft's store) is refused untouched.
    schema::check_version(db, schema::version(db), path, writable);
    if (writable) {
      // SQLite silently falls back to read-only when the file is not writable; say so now
      // rather than at the first metric batch.
      if (sqlite3_db_readonly(db.handle(), "main") == 1) {
        throw StoreError(fmt::format("cannot write results store {}: the file is read-only; check its permissions "
                                     "(reading commands such as graft runs still work)",
                                     path.string()));
      }
      // WAL: readers never block the writer nor the writer them. Switching the mode takes a
      // lock of its own, so it retries like a write. The mode is stored in the file.
      sqlite::with_busy_retry([&] { db.exec("PRAGMA journal_mode = WAL"); });
      // NORMAL is durable in WAL mode except for the last transactions before a power loss,
      // and much faster than FULL for many small metric batches. Foreign keys are off by
      // default in SQLite, per connection.
      db.exec("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON");
      schema::migrate(db, path);
    }
    return db;
  } catch (const sqlite::Error& error) {
    explain_open_failure(path, error);
  }
}

sqlite::Database open_for_query(const fs::path& path) {
  try {
    auto db = sqlite::Database::open(path, sqlite::OpenMode::ReadOnly);
    db.exec("PRAGMA query_only = 1");
    return db;
  } catch (const sqlite::Error& error) {
    explain_open_failure(path, error);
  }
}

}  // namespace graft::storage::connection
