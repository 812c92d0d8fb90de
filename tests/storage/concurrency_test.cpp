// Several processes writing one store at once, as parallel `graft run`s do.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace graft::storage;
using graft::storage::test::TempDir;

namespace {

// As many writers as `graft run --jobs 8`, each logging far more often than a trainer does.
constexpr int kWriters = 8;
constexpr int kRowsPerWriter = 2000;

// A writer process: opens the store itself (racing the others to create it), records one run of
// kRowsPerWriter metric rows in many small transactions, and exits 0. Any failure is written to
// `error_file` and exits 1. Never returns: a forked child must not run the parent's test code.
[[noreturn]] void writer(const std::filesystem::path& store_path, int index, const std::filesystem::path& error_file) {
  try {
    Store store = Store::open(store_path);
    const auto run_id = store.begin_run(test::sample_run("concurrent", index));
    int written = 0;
    // Alternate single-row and ten-row batches: many commits, so the writers interleave.
    while (written < kRowsPerWriter) {
      const int batch = (written / 10) % 2 == 0 ? 1 : 10;
      std::vector<MetricPoint> points;
      for (int i = 0; i < batch && written < kRowsPerWriter; ++i, ++written) {
        points.push_back({"train.loss", written, written / 100, 1.0 / (written + 1), 0});
      }
      store.log_metrics(run_id, points);
    }
    store.finish_run(run_id, RunStatus::Completed);
    _exit(0);
  } catch (const std::exception& error) {
    std::ofstream(error_file) << error.what();
  }
  _exit(1);
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("eight processes write 2000 metric rows each into one store without locking errors or lost rows", "[storage][concurrency]") {
  TempDir dir;
  const auto path = dir.file("graft.db");
  std::vector<pid_t> children;
  for (int index = 0; index < kWriters; ++index) {
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) writer(path, index, dir.file("writer-" + std::to_string(index) + ".err"));
    children.push_back(pid);
  }

  // Meanwhile, read: WAL readers neither wait for the writers nor make them fail.
  std::vector<int> statuses(kWriters, -1);
  for (int running = kWriters; running > 0; usleep(2000)) {
    try {
      Store reader = Store::open(path, Store::Access::ReadOnly);
      test::count_rows(reader, "metrics");
    } catch (const StoreError&) {
      // Before the first writer has created the file and its schema.
    }
    for (int index = 0; index < kWriters; ++index) {
      if (statuses[index] != -1) continue;
      int status = 0;
      const pid_t done = waitpid(children[index], &status, WNOHANG);
      if (done == children[index]) statuses[index] = status;
      if (done < 0) statuses[index] = 255 << 8;  // lost track of the child: count it as failed
    }
    running = static_cast<int>(std::count(statuses.begin(), statuses.end(), -1));
  }

  for (int index = 0; index < kWriters; ++index) {
    const auto error_file = dir.file("writer-" + std::to_string(index) + ".err");
    INFO("writer " << index << ": " << (std::filesystem::exists(error_file) ? read_file(error_file) : "no message"));
    CHECK(WIFEXITED(statuses[index]));
    CHECK(WEXITSTATUS(statuses[index]) == 0);
  }

  Store store = Store::open(path, Store::Access::ReadOnly);
  CHECK(test::count_rows(store, "runs") == kWriters);
  CHECK(test::count_rows(store, "metrics") == kWriters * kRowsPerWriter);
  CHECK(test::scalar(store, "SELECT count(*) FROM runs WHERE status = 'completed'") == std::to_string(kWriters));
  CHECK(test::scalar(store, "SELECT count(DISTINCT run_id) FROM metrics") == std::to_string(kWriters));
  CHECK(test::scalar(store, "SELECT min(n) FROM (SELECT count(*) AS n FROM metrics GROUP BY run_id)") ==
        std::to_string(kRowsPerWriter));
  CHECK(test::count_rows(store, "experiments") == 1);
}
