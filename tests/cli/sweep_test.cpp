// Sweeps end to end: --jobs N worker processes sharing one store, skipping completed trials,
// --rerun.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <set>
#include <thread>

#include "experiment_files.hpp"
#include "store_progress.hpp"
#include "graft/storage/store.hpp"
#include "support/run_graft.hpp"
#include "support/temp_folder.hpp"

using namespace graft;
using graft::testing::run_graft;
using graft::testing::runs_past_an_epoch;

namespace {

const char* const kLrSweep = "\n[sweep]\n\"train.lr\" = [0.01, 0.02]\n";

std::vector<storage::RunSummary> runs_in(const std::filesystem::path& folder) {
  return storage::Store::open(folder / "graft.db", storage::Store::Access::ReadOnly).list_runs();
}


}  // namespace

TEST_CASE("graft run --jobs 2 trains a sweep in two worker processes writing one store") {
  graft::testing::TempFolder folder("cli-jobs");
  const auto file = graft::testing::write_tiny_experiment(folder.path(), kLrSweep);
  const auto finished = run_graft(folder.path(), {"run", file.string(), "--jobs", "2", "--no-progress", "--set",
                                                  "train.epochs=1", "--set", "experiment.repeats=2"});
  INFO(finished.err);
  REQUIRE(finished.status == 0);

  const auto runs = runs_in(folder.path());
  REQUIRE(runs.size() == 4);
  std::set<std::string> trials;
  std::set<std::int64_t> pids;
  for (const auto& run : runs) {
    CHECK(run.status == storage::RunStatus::Completed);
    trials.insert(run.trial);
    pids.insert(run.pid);
  }
  CHECK(trials == std::set<std::string>{"lr=0.01,seed=5", "lr=0.01,seed=6", "lr=0.02,seed=5", "lr=0.02,seed=6"});
  CHECK(pids.size() == 2);  // two workers, two trials each
  // The parent prints one table for all workers.
  for (const auto& trial : trials) CHECK_THAT(finished.out, Catch::Contains(trial));
}

TEST_CASE("graft run --jobs refuses bad input before starting workers or writing anything") {
  graft::testing::TempFolder folder("cli-jobs-bad");
  const auto file = graft::testing::write_tiny_experiment(folder.path(), kLrSweep);
  const auto finished = run_graft(folder.path(), {"run", file.string(), "--jobs", "2", "--set", "train.epochs=0"});
  CHECK(finished.status == 2);
  CHECK_THAT(finished.err, Catch::Contains("'epochs' must be >= 1"));
  CHECK_FALSE(std::filesystem::exists(folder / "graft.db"));
}

TEST_CASE("completed trials are skipped, more repeats run only the new seeds, --rerun runs them again") {
  graft::testing::TempFolder folder("cli-skip");
  const auto file = graft::testing::write_tiny_experiment(folder.path());
  const std::vector<std::string> base = {"run", file.string(), "--no-progress", "--set", "train.epochs=1"};
  const auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return run_graft(folder.path(), args);
  };

  REQUIRE(with({}).status == 0);
  const auto again = with({});
  INFO(again.err);
  CHECK(again.status == 0);
  CHECK_THAT(again.err, Catch::Contains("skipping trial 1") &&
                            Catch::Contains("(run 1 already completed it; --rerun to run it again)"));
  CHECK_THAT(again.out, Catch::Contains("skipped"));
  CHECK(runs_in(folder.path()).size() == 1);

  // Two repeats: seed 5 is done, seed 6 is new. In parallel too.
  const auto more = with({"--set", "experiment.repeats=2", "--jobs", "2"});
  INFO(more.err);
  CHECK(more.status == 0);
  auto runs = runs_in(folder.path());
  REQUIRE(runs.size() == 2);
  CHECK(runs[1].seed == 6);

  const auto rerun = with({"--set", "experiment.repeats=2", "--rerun"});
  CHECK(rerun.status == 0);
  CHECK(runs_in(folder.path()).size() == 4);
}

TEST_CASE("Ctrl-C to graft run --jobs 2 reaches both workers: runs interrupted, exit 130") {
  graft::testing::TempFolder folder("cli-jobs-interrupt");
  const auto file = graft::testing::write_tiny_experiment(folder.path(), kLrSweep);
  const pid_t pid = fork();
  if (pid == 0) {
    if (chdir(folder.path().c_str()) != 0) _exit(127);
    if (!std::freopen("run.log", "w", stderr) || !std::freopen("/dev/null", "w", stdout)) _exit(127);
    execl(GRAFT_EXECUTABLE, GRAFT_EXECUTABLE, "--db", "graft.db", "run", file.c_str(), "--jobs", "2", "--set",
          "train.epochs=100000", static_cast<char*>(nullptr));
    _exit(127);
  }
  graft::testing::wait_for_an_epoch(folder / "graft.db", 2);
  REQUIRE(runs_past_an_epoch(folder / "graft.db") == 2);
  kill(pid, SIGINT);  // to the parent only, as a terminal's Ctrl-C is: the workers have their own group
  int status = 0;
  waitpid(pid, &status, 0);
  INFO(graft::testing::read_text(folder / "run.log"));
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);

  const auto runs = runs_in(folder.path());
  REQUIRE(runs.size() == 2);
  for (const auto& run : runs) {
    CHECK(run.status == storage::RunStatus::Interrupted);
    CHECK(kill(static_cast<pid_t>(run.pid), 0) != 0);  // the worker is gone, not orphaned
  }
}

TEST_CASE("a sweep whose third trial has bad input stops before the first trains, naming the trial") {
  graft::testing::TempFolder folder("cli-sweep-bad-third");
  // classes = [3] exists in no split of the 3-class data: only loading the data can tell.
  const auto file =
      graft::testing::write_tiny_experiment(folder.path(), "\n[sweep]\n\"dataset.classes\" = [[0, 1], [1, 2], [0, 3]]\n");
  for (const std::string jobs : {"1", "2"}) {
    const auto finished = run_graft(folder.path(), {"run", file.string(), "--no-progress", "--jobs", jobs});
    INFO("--jobs " << jobs << ": " << finished.err);
    CHECK(finished.status == 2);
    CHECK_THAT(finished.err, Catch::Contains("checking 3 trial config(s) before the first trains") &&
                                 Catch::Contains("error: tiny [3/3] classes=[0, 3]: "));
    CHECK_THAT(finished.err, !Catch::Contains("run 1 started"));
    CHECK_FALSE(std::filesystem::exists(folder / "graft.db"));
  }
  // validate checks the file alone; --prepare runs the same preparation as graft run.
  CHECK(run_graft(folder.path(), {"validate", file.string()}).status == 0);
  const auto prepared = run_graft(folder.path(), {"validate", file.string(), "--prepare"});
  CHECK(prepared.status == 2);
  CHECK_THAT(prepared.err, Catch::Contains("error: tiny [3/3] classes=[0, 3]: "));
  CHECK(prepared.out.empty());
}
