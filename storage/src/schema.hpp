#pragma once
// The store's schema and its migrations, driven by PRAGMA user_version.
#include <filesystem>

#include "sqlite.hpp"

namespace graft::storage::schema {

// The schema version of the file `db` is connected to (0 for a new, empty file).
int version(sqlite::Database& db);

// Throws StoreError when a file of schema `version` cannot be read by this graft: newer than
// kSchemaVersion, or (when `writable` is false and it cannot be migrated) older.
void check_version(sqlite::Database& db, int version, const std::filesystem::path& path, bool writable);

// Brings the schema of a read-write connection up to kSchemaVersion, all steps in one
// transaction that re-reads the version under the write lock, so processes opening a new store
// at the same moment migrate it exactly once and a failed step leaves the old schema intact.
void migrate(sqlite::Database& db, const std::filesystem::path& path);

}  // namespace graft::storage::schema
