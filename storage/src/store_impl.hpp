#pragma once
// What a Store holds, shared by the files that implement its parts (writes, reads, queries).
#include <filesystem>
#include <string>

#include <fmt/format.h>

#include "graft/storage/store.hpp"
#include "sqlite.hpp"

namespace graft::storage {

struct Store::Impl {
  std::filesystem::path path;
  Access access = Access::ReadWrite;
  sqlite::Database db;

  // Runs `body(db)` as one write transaction (BEGIN IMMEDIATE ... COMMIT), retried when the
  // store stays busy. Any failure rolls the whole transaction back; a SQLite failure becomes a
  // StoreError "cannot WHAT in PATH: REASON; nothing was written". Errors that `body` throws
  // itself (such as "no run N") pass through unchanged.
  template <class Body>
  void write(const std::string& what, Body&& body) {
    if (access == Access::ReadOnly) {
      throw StoreError(fmt::format("cannot {} in {}: the store was opened read-only", what, path.string()));
    }
    try {
      sqlite::with_busy_retry([&] {
        sqlite::Transaction transaction(db);
        body(db);
        transaction.commit();
      });
    } catch (const sqlite::Error& error) {
      throw StoreError(fmt::format("cannot {} in {}: {}; nothing was written", what, path.string(), error.what()));
    }
  }
};

}  // namespace graft::storage
