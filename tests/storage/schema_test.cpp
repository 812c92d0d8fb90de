// Opening stores: creation, migration, and the files that are refused.
#include <fstream>

#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace graft::storage;
using graft::storage::test::TempDir;
using Catch::Matchers::Contains;

TEST_CASE("a new store is created with the current schema", "[storage][schema]") {
  TempDir dir;
  const auto path = dir.file("graft.db");
  {
    Store store = Store::open(path);
    CHECK(store.path() == path);
  }
  REQUIRE(std::filesystem::exists(path));
  Store store = Store::open(path, Store::Access::ReadOnly);
  CHECK(test::scalar(store, "PRAGMA user_version") == std::to_string(kSchemaVersion));
  CHECK(test::raw_exec(path, "PRAGMA journal_mode") == "wal");  // query() refuses this PRAGMA: it can write
  for (const char* name : {"experiments", "runs", "params", "metrics", "run_plugins", "artifacts",
                           "final_metrics", "run_overview"}) {
    INFO(name);
    CHECK(test::scalar(store, std::string("SELECT count(*) FROM sqlite_master WHERE name = '") + name + "'") == "1");
  }
}

TEST_CASE("opening an existing store again keeps its data", "[storage][schema]") {
  TempDir dir;
  const auto path = dir.file("graft.db");
  const auto run_id = Store::open(path).begin_run(test::sample_run());
  Store store = Store::open(path);
  CHECK(store.get_run(run_id).has_value());
  CHECK(test::count_rows(store, "runs") == 1);
}

TEST_CASE("a store from a newer graft is refused", "[storage][schema]") {
  TempDir dir;
  const auto path = dir.file("graft.db");
  Store::open(path);
  test::raw_exec(path, "PRAGMA user_version = " + std::to_string(kSchemaVersion + 1));
  for (auto access : {Store::Access::ReadWrite, Store::Access::ReadOnly}) {
    CHECK_THROWS_WITH(Store::open(path, access),
                      path.string() + " was written by a newer graft (schema " + std::to_string(kSchemaVersion + 1) +
                          "; this graft reads up to " + std::to_string(kSchemaVersion) + "): upgrade graft");
  }
}

TEST_CASE("a file that is not a SQLite database is refused and left untouched", "[storage][schema]") {
  TempDir dir;
  const auto path = dir.file("notes.txt");
  const std::string text(4096, 'x');
  std::ofstream(path) << text;
  for (auto access : {Store::Access::ReadWrite, Store::Access::ReadOnly}) {
    CHECK_THROWS_WITH(Store::open(path, access),
                      Contains(path.string()) && Contains("is not a SQLite database"));
  }
  CHECK(std::filesystem::file_size(path) == text.size());
}

TEST_CASE("another program's SQLite database is refused, not migrated", "[storage][schema]") {
  TempDir dir;
  const auto path = dir.file("other.db");
  test::raw_exec(path, "CREATE TABLE notes (text TEXT)");
  CHECK_THROWS_WITH(Store::open(path), Contains("not a graft results store"));
  test::raw_exec(path, "SELECT count(*) FROM notes");  // still there, still alone
}

TEST_CASE("read-only open of a missing store says how to get one", "[storage][schema]") {
  TempDir dir;
  const auto path = dir.file("missing.db");
  CHECK_THROWS_WITH(Store::open(path, Store::Access::ReadOnly),
                    "no results store at " + path.string() + " (run an experiment first, or pass --db)");
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("paths that cannot hold a store are explained", "[storage][schema]") {
  TempDir dir;
  CHECK_THROWS_WITH(Store::open(dir.path()), Contains("is a folder"));
  CHECK_THROWS_WITH(Store::open(dir.file("no/such/folder/graft.db")), Contains("does not exist"));
}

TEST_CASE("a read-only store refuses writes", "[storage][schema]") {
  TempDir dir;
  const auto path = dir.file("graft.db");
  const auto run_id = Store::open(path).begin_run(test::sample_run());
  Store store = Store::open(path, Store::Access::ReadOnly);
  CHECK_THROWS_WITH(store.heartbeat(run_id), Contains("opened read-only"));
  CHECK_THROWS_AS(store.begin_run(test::sample_run()), StoreError);
}

TEST_CASE("reading commands migrate a store written by an older graft and then read it", "[storage][schema]") {
  TempDir dir;
  const auto path = dir.file("graft.db");
  {
    Store store = Store::open(path);
    store.begin_run(graft::storage::test::sample_run());
  }
  // Back to schema 1, as an older graft left it: without the config-hash index.
  graft::storage::test::raw_exec(path, "DROP INDEX IF EXISTS runs_config_hash; PRAGMA user_version = 1");
  REQUIRE(graft::storage::test::raw_exec(path, "PRAGMA user_version") == "1");
  Store store = Store::open(path, Store::Access::ReadOnly);
  CHECK(store.list_runs().size() == 1);
  CHECK(graft::storage::test::raw_exec(path, "PRAGMA user_version") == std::to_string(kSchemaVersion));
}
