#pragma once
// Opening connections to a store file: the checks and settings every connection needs, and error
// messages that say which file and what to do.
#include <filesystem>

#include "sqlite.hpp"

namespace graft::storage::connection {

// The store's own connection. Writable: creates the file if needed, sets WAL, synchronous=NORMAL
// and foreign keys, and migrates the schema. Read-only: the file must exist with this schema.
sqlite::Database open_store(const std::filesystem::path& path, bool writable);

// A connection for user SQL: opened read-only at the file level and with PRAGMA query_only, so
// nothing a query says can change the store.
sqlite::Database open_for_query(const std::filesystem::path& path);

}  // namespace graft::storage::connection
