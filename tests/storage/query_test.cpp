// query(): one read-only statement, nothing else.
#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace graft::storage;
using graft::storage::test::TempDir;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

TEST_CASE("query returns columns and typed rows", "[storage][query]") {
  TempDir dir;
  Store store = Store::open(dir.file("graft.db"));
  store.begin_run(test::sample_run("demo", 3));
  const QueryResult result = store.query("SELECT id, seed * 1.5 AS half_more, trial, NULL AS missing FROM runs;  -- done\n");
  CHECK(result.columns == std::vector<std::string>{"id", "half_more", "trial", "missing"});
  REQUIRE(result.rows.size() == 1);
  CHECK(result.rows[0][0] == Value(std::int64_t{1}));
  CHECK(result.rows[0][1] == Value(4.5));
  CHECK(std::holds_alternative<std::string>(result.rows[0][2]));
  CHECK(result.rows[0][3] == Value());
  CHECK(store.query("SELECT x'00ff' AS b").rows[0][0] == Value(std::string("x'00ff'")));
}

TEST_CASE("query refuses writes and leaves the store unchanged", "[storage][query]") {
  TempDir dir;
  Store store = Store::open(dir.file("graft.db"));
  const auto run_id = store.begin_run(test::sample_run());
  store.log_metrics(run_id, {{"train.loss", 1, 1, 0.5, 0}});

  const auto writes = {
      "INSERT INTO experiments (name, created_at) VALUES ('sneaky', 0)",
      "DELETE FROM runs",
      "delete from metrics where 1",
      "UPDATE runs SET status = 'failed'",
      "DROP TABLE metrics",
      "DROP VIEW run_overview",
      "CREATE TABLE scratch (x)",
      "PRAGMA user_version = 7",
      "VACUUM",
      "REPLACE INTO params VALUES (1, 'train.lr', 1)",
      "WITH doomed AS (SELECT id FROM runs) DELETE FROM runs WHERE id IN doomed",
  };
  for (const char* sql : writes) {
    INFO(sql);
    CHECK_THROWS_AS(store.query(sql), QueryError);
    CHECK_THROWS_WITH(store.query(sql), Contains("read-only for queries") && Contains("nothing was changed"));
  }
  CHECK_THROWS_WITH(store.query("DELETE FROM runs"), StartsWith("refused DELETE:"));
  CHECK_THROWS_WITH(store.query("-- tidy up\n/* all */ drop table runs"), StartsWith("refused DROP:"));
  CHECK_THROWS_WITH(store.query("WITH x AS (SELECT 1) DELETE FROM runs"), StartsWith("refused this statement:"));

  CHECK(test::count_rows(store, "experiments") == 1);
  CHECK(test::count_rows(store, "runs") == 1);
  CHECK(test::count_rows(store, "metrics") == 1);
  CHECK(test::scalar(store, "SELECT status FROM runs") == "running");
  CHECK(test::scalar(store, "PRAGMA user_version") == std::to_string(kSchemaVersion));
  CHECK(test::scalar(store, "SELECT count(*) FROM sqlite_master WHERE name IN ('metrics', 'run_overview')") == "2");
  CHECK(test::scalar(store, "SELECT count(*) FROM sqlite_master WHERE name = 'scratch'") == "0");
  // The store's own writes still work afterwards.
  store.log_metrics(run_id, {{"train.loss", 2, 1, 0.4, 0}});
  CHECK(test::count_rows(store, "metrics") == 2);
}

TEST_CASE("query runs exactly one statement", "[storage][query]") {
  TempDir dir;
  Store store = Store::open(dir.file("graft.db"));
  store.begin_run(test::sample_run());

  for (const char* sql : {"SELECT 1; DELETE FROM runs", "SELECT 1; SELECT 2", "SELECT 1; this is not sql"}) {
    INFO(sql);
    CHECK_THROWS_WITH(store.query(sql), Contains("only one SQL statement"));
  }
  CHECK(test::count_rows(store, "runs") == 1);
  CHECK_THROWS_WITH(store.query(""), Contains("no SQL statement"));
  CHECK_THROWS_WITH(store.query("  -- just a comment\n"), Contains("no SQL statement"));
  CHECK(store.query("SELECT 1;;  ").rows.size() == 1);
}

TEST_CASE("query errors say what SQLite said and where to look", "[storage][query]") {
  TempDir dir;
  Store store = Store::open(dir.file("graft.db"));
  CHECK_THROWS_WITH(store.query("SELECT * FROM run"), StartsWith("SQL error: no such table: run") &&
                                                           Contains("run_overview") && Contains("docs/querying.md"));
  CHECK_THROWS_WITH(store.query("SELEC 1"), StartsWith("SQL error:") && Contains("syntax error"));
}

TEST_CASE("query works on a store opened read-only", "[storage][query]") {
  TempDir dir;
  const auto path = dir.file("graft.db");
  Store::open(path).begin_run(test::sample_run());
  Store store = Store::open(path, Store::Access::ReadOnly);
  CHECK(test::count_rows(store, "runs") == 1);
  CHECK_THROWS_AS(store.query("DELETE FROM runs"), QueryError);
}
