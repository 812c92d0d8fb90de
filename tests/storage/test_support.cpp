#include "test_support.hpp"

#include <cstdlib>
#include <stdexcept>

#include <sqlite3.h>

namespace graft::storage::test {

NewRun sample_run(const std::string& experiment, std::int64_t seed, double lr) {
  NewRun run;
  run.experiment = experiment;
  run.description = "a sample experiment";
  run.trial = "train.lr=" + to_text(lr) + ",seed=" + std::to_string(seed);
  run.config_toml = "[train]\nlr = " + to_text(lr) + "\n";
  run.config_hash = "0123456789abcdef";
  run.seed = seed;
  run.params = {
      {"train.lr", lr},
      {"train.epochs", std::int64_t{3}},
      {"train.amp", std::int64_t{0}},  // booleans are 0/1 integers
      {"model.plugin", std::string("small_cnn")},
      {"dataset.classes", std::string("[1, 2]")},  // lists are their TOML text
      {"experiment.seed", seed},
  };
  run.plugins = {
      {"model", "small_cnn", "1.0.0", "/plugins/libgraft_small_cnn.so", "aa11"},
      {"dataset", "synthetic", "0.2.0", "/plugins/libgraft_synthetic.so", "bb22"},
  };
  run.host = "testhost";
  run.pid = 4242;
  return run;
}

std::string scalar(const Store& store, const std::string& sql) {
  const QueryResult result = store.query(sql);
  if (result.rows.empty() || result.rows.front().empty()) return "";
  return to_text(result.rows.front().front());
}

std::int64_t count_rows(const Store& store, const std::string& table) {
  return std::stoll(scalar(store, "SELECT count(*) FROM " + table));
}

std::string raw_exec(const std::filesystem::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  int code = sqlite3_open(path.c_str(), &db);
  char* message = nullptr;
  std::string last;
  const auto keep_last = [](void* out, int columns, char** values, char**) {
    *static_cast<std::string*>(out) = columns > 0 && values[0] ? values[0] : "";
    return 0;
  };
  if (code == SQLITE_OK) code = sqlite3_exec(db, sql.c_str(), keep_last, &last, &message);
  const std::string error = message ? message : sqlite3_errstr(code);
  sqlite3_free(message);
  sqlite3_close(db);
  if (code != SQLITE_OK) throw std::runtime_error("raw_exec: " + error);
  return last;
}

}  // namespace graft::storage::test
