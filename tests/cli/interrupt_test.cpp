#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>
#include <thread>

#include "experiment_files.hpp"
#include "store_progress.hpp"
#include "graft/storage/store.hpp"
#include "support/run_graft.hpp"
#include "support/temp_folder.hpp"

using namespace graft;
using graft::testing::wait_for_an_epoch;

namespace {

// Starts `graft run FILE --set SETTING...` in `folder` (store folder/graft.db); returns its pid.
pid_t start_run(const std::filesystem::path& folder, const std::filesystem::path& file,
                const std::vector<std::string>& settings) {
  std::vector<std::string> args{GRAFT_EXECUTABLE, "--db", "graft.db", "run", file.string(), "--no-progress"};
  for (const auto& setting : settings) args.insert(args.end(), {"--set", setting});
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    if (chdir(folder.c_str()) != 0) _exit(127);
    if (!std::freopen("run.log", "w", stderr) || !std::freopen("/dev/null", "w", stdout)) _exit(127);
    execv(GRAFT_EXECUTABLE, argv.data());
    _exit(127);
  }
  return pid;
}

pid_t start_long_run(const std::filesystem::path& folder, const std::filesystem::path& file) {
  return start_run(folder, file, {"train.epochs=100000"});
}

// Every metric row of run 1 but its time: what an interrupted and resumed run must reproduce.
std::map<std::string, double> metric_rows(const std::filesystem::path& db) {
  const auto store = storage::Store::open(db, storage::Store::Access::ReadOnly);
  std::map<std::string, double> rows;
  for (const auto& row : store.query("SELECT key, step, epoch, value FROM metrics WHERE run_id = 1").rows) {
    rows[std::get<std::string>(row[0]) + "@" + storage::to_text(row[1]) + "/" + storage::to_text(row[2])] =
        std::get<double>(row[3]);
  }
  return rows;
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

  // A damaged training state is bad input for `graft resume`, and leaves the run as it was.
  std::ofstream(folder / "graft-runs" / "1" / "state.pt", std::ios::trunc) << "not a training state";
  const auto damaged = graft::testing::run_graft(folder.path(), {"resume", "1"});
  CHECK(damaged.status == 2);
  CHECK_THAT(damaged.err, Catch::Contains("cannot read the training state") && Catch::Contains("state.pt"));
  CHECK(store.get_run(1)->summary.status == storage::RunStatus::Interrupted);
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

TEST_CASE("graft resume continues a run killed mid-epoch to exactly the metrics of an uninterrupted run") {
  // Batches of 2 and dropout: many optimizer steps per epoch, and random numbers drawn in each.
  const std::vector<std::string> settings{"train.batch_size=2", "train.epochs=12"};
  // Single-task, and multi-task (whose further task's head and optimizer state resume too).
  const bool multitask = GENERATE(false, true);
  const auto extra = [multitask](const std::filesystem::path& folder) {
    return multitask ? "\n[strategy]\nplugin = \"multitask\"\n" + graft::testing::coarse_task_table(folder) : "";
  };
  INFO((multitask ? "multitask" : "single task"));
  graft::testing::TempFolder reference("cli-resume-reference");
  const auto reference_file = graft::testing::write_tiny_experiment(reference.path(), extra(reference.path()));
  const auto uninterrupted =
      graft::testing::run_graft(reference.path(), {"run", reference_file.string(), "--no-progress", "--set",
                                                   settings[0], "--set", settings[1]});
  INFO(uninterrupted.err);
  REQUIRE(uninterrupted.status == 0);

  graft::testing::TempFolder folder("cli-resume");
  const auto file = graft::testing::write_tiny_experiment(folder.path(), extra(folder.path()));
  const pid_t pid = start_run(folder.path(), file, settings);
  REQUIRE(wait_for_an_epoch(folder / "graft.db"));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFSIGNALED(status));  // killed before it could finish its 12 epochs

  const auto early = graft::testing::run_graft(folder.path(), {"resume", "7"});
  CHECK(early.status == 2);
  CHECK_THAT(early.err, Catch::Contains("no run 7"));

  const auto resumed = graft::testing::run_graft(folder.path(), {"resume", "1", "--no-progress"});
  INFO(resumed.err);
  REQUIRE(resumed.status == 0);
  CHECK_THAT(resumed.err, Catch::Contains("resuming after epoch"));
  const auto store = storage::Store::open(folder / "graft.db", storage::Store::Access::ReadOnly);
  const auto runs = store.list_runs();
  REQUIRE(runs.size() == 1);  // the same run, not a new one
  CHECK(runs[0].status == storage::RunStatus::Completed);

  const auto expected = metric_rows(reference / "graft.db");
  const auto got = metric_rows(folder / "graft.db");
  CHECK(got.size() == expected.size());
  for (const auto& [key, value] : expected) {
    INFO(key);
    REQUIRE(got.count(key) == 1);
    CHECK(got.at(key) == value);  // exactly
  }

  const auto again = graft::testing::run_graft(folder.path(), {"resume", "1"});
  CHECK(again.status == 2);
  CHECK_THAT(again.err, Catch::Contains("run 1 is completed: only an interrupted or failed run can be resumed"));
}
