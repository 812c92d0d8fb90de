#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "experiment_files.hpp"
#include "graft/storage/store.hpp"
#include "support/run_graft.hpp"
#include "support/temp_folder.hpp"

using namespace graft;

namespace {

// Starts a long `graft run FILE` in `folder` (store folder/graft.db); returns its pid.
pid_t start_long_run(const std::filesystem::path& folder, const std::filesystem::path& file) {
  const pid_t pid = fork();
  if (pid == 0) {
    if (chdir(folder.c_str()) != 0) _exit(127);
    if (!std::freopen("run.log", "w", stderr) || !std::freopen("/dev/null", "w", stdout)) _exit(127);
    execl(GRAFT_EXECUTABLE, GRAFT_EXECUTABLE, "--db", "graft.db", "run", file.c_str(), "--no-progress", "--set",
          "train.epochs=100000", static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

// True once the store shows that the run has finished at least one epoch.
bool has_finished_an_epoch(const std::filesystem::path& db) {
  if (!std::filesystem::exists(db)) return false;
  try {
    const auto store = storage::Store::open(db, storage::Store::Access::ReadOnly);
    const auto result = store.query("SELECT count(*) FROM metrics WHERE key = 'val.accuracy'");
    return std::get<std::int64_t>(result.rows.at(0).at(0)) > 0;
  } catch (const storage::StoreError&) {
    return false;  // the file exists but its schema is not written yet
  }
}

// Waits (up to 3 minutes) until the run has finished an epoch.
bool wait_for_an_epoch(const std::filesystem::path& db) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
  while (!has_finished_an_epoch(db) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return has_finished_an_epoch(db);
}

}  // namespace

TEST_CASE("Ctrl-C stops a run cleanly, marks it interrupted and exits with 130") {
  graft::testing::TempFolder folder("cli-interrupt");
  const auto file = graft::testing::write_tiny_experiment(folder.path());
  const pid_t pid = start_long_run(folder.path(), file);
  REQUIRE(wait_for_an_epoch(folder / "graft.db"));
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  INFO(graft::testing::read_text(folder / "run.log"));
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);

  const auto store = storage::Store::open(folder / "graft.db", storage::Store::Access::ReadOnly);
  const auto runs = store.list_runs();
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].status == storage::RunStatus::Interrupted);
  CHECK(runs[0].ended_at.has_value());
  CHECK_THAT(runs[0].error, Catch::Contains("interrupted"));
  // What was measured before the signal is kept, and the store is intact.
  CHECK_FALSE(store.get_run(runs[0].id)->epochs.empty());
  CHECK(store.query("PRAGMA integrity_check").rows.at(0).at(0) == storage::Value{std::string("ok")});
}

TEST_CASE("a run killed with SIGKILL leaves an intact store, reads as interrupted and is recorded so later") {
  graft::testing::TempFolder folder("cli-sigkill");
  const auto file = graft::testing::write_tiny_experiment(folder.path());
  const pid_t pid = start_long_run(folder.path(), file);
  REQUIRE(wait_for_an_epoch(folder / "graft.db"));
  std::this_thread::sleep_for(std::chrono::milliseconds(150));  // somewhere mid-epoch, mid-write perhaps
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFSIGNALED(status));

  {
    const auto store = storage::Store::open(folder / "graft.db", storage::Store::Access::ReadOnly);
    CHECK(store.query("PRAGMA integrity_check").rows.at(0).at(0) == storage::Value{std::string("ok")});
    // The row still says `running`; every read shows the truth.
    const auto raw = store.query("SELECT status FROM runs");
    CHECK(raw.rows.at(0).at(0) == storage::Value{std::string("running")});
    const auto runs = store.list_runs();
    REQUIRE(runs.size() == 1);
    CHECK(runs[0].status == storage::RunStatus::Interrupted);
    CHECK_THAT(runs[0].error, Catch::Contains("process " + std::to_string(pid) + " ended"));
    CHECK(store.list_runs({std::nullopt, storage::RunStatus::Running}).empty());
    CHECK(store.list_runs({std::nullopt, storage::RunStatus::Interrupted}).size() == 1);
  }
  const auto listed = graft::testing::run_graft(folder.path(), {"runs"});
  CHECK_THAT(listed.out, Catch::Contains("interrupted"));

  // The next `graft run` records it, and runs the trial again (it did not complete).
  const auto again = graft::testing::run_graft(folder.path(), {"run", file.string(), "--no-progress", "--set",
                                                               "train.epochs=1"});
  INFO(again.err);
  REQUIRE(again.status == 0);
  CHECK_THAT(again.err, Catch::Contains("recorded as interrupted"));
  const auto store = storage::Store::open(folder / "graft.db", storage::Store::Access::ReadOnly);
  CHECK(store.query("SELECT status FROM runs WHERE id = 1").rows.at(0).at(0) ==
        storage::Value{std::string("interrupted")});
  CHECK(store.list_runs({std::nullopt, storage::RunStatus::Completed}).size() == 1);
}

TEST_CASE("the store is chosen by the --db option or GRAFT_DB") {
  graft::testing::TempFolder folder("cli-db");
  const auto file = graft::testing::write_tiny_experiment(folder.path());
  const std::string command = "cd '" + folder.path().string() + "' && GRAFT_DB=env.db '" GRAFT_EXECUTABLE "' -q run '" +
                              file.string() + "' --set train.epochs=1 > /dev/null 2>&1 && '" GRAFT_EXECUTABLE
                              "' -q --db flag.db run '" + file.string() + "' --set train.epochs=1 > /dev/null 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
  CHECK(std::filesystem::exists(folder / "env.db"));
  CHECK(std::filesystem::exists(folder / "flag.db"));
  CHECK_FALSE(std::filesystem::exists(folder / "graft.db"));
}
