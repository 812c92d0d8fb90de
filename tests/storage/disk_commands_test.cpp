// `graft rm` and `graft gc` on a store written through the storage library, with run folders
// and cache files written by hand: what they refuse, what they delete, and that --dry-run only
// tells.
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "graft/storage/location.hpp"
#include "support/store_commands.hpp"
#include "test_support.hpp"

using namespace graft;
using graft::storage::test::TempDir;
using graft::testing::graft_cli;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

void write_bytes(const fs::path& file, std::size_t bytes) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << std::string(bytes, 'x');
}

// Run 1 "pretrain" (4000 bytes in its folder), run 2 "transfer" that took run 1's best
// checkpoint as model.pretrained (500 bytes), run 3 "transfer" still running.
struct Fixture {
  TempDir dir;
  fs::path path = dir.file("graft.db");
  fs::path runs = dir.file("graft-runs");

  Fixture() {
    storage::Store store = storage::Store::open(path);
    const auto pretrain = store.begin_run(storage::test::sample_run("pretrain"));
    const auto best = storage::run_folder(path, pretrain) / "best.safetensors";
    write_bytes(best, 1000);
    write_bytes(storage::run_folder(path, pretrain) / "backbone.safetensors", 3000);
    store.add_artifact(pretrain, {"best", best.string(), "ab", 1000});
    store.finish_run(pretrain, storage::RunStatus::Completed);
    const auto transfer = store.begin_run(storage::test::sample_run("transfer"));
    write_bytes(storage::run_folder(path, transfer) / "best.safetensors", 500);
    store.add_artifact(transfer, {"model.pretrained", best.string(), "ab", 1000});
    store.finish_run(transfer, storage::RunStatus::Completed);
    store.begin_run(storage::test::sample_run("transfer"));  // its heartbeat is fresh: running
  }

  std::int64_t runs_left() const {
    return storage::test::count_rows(storage::Store::open(path, storage::Store::Access::ReadOnly), "runs");
  }
};

}  // namespace

TEST_CASE("graft rm refuses a run other runs took weights from unless --force", "[cli][rm]") {
  Fixture fixture;
  const auto refused = graft_cli(fixture.path, {"rm", "1"});
  CHECK(refused.status == 2);
  CHECK_THAT(refused.err, Contains("run 1 by run 2 (model.pretrained)") && Contains("--force"));
  CHECK(fixture.runs_left() == 3);
  CHECK(fs::exists(fixture.runs / "1" / "best.safetensors"));

  const auto forced = graft_cli(fixture.path, {"rm", "1", "--force"});
  INFO(forced.err);
  CHECK(forced.status == 0);
  CHECK_THAT(forced.out, Contains("deleted 1 run, freed 3.9 KiB"));
  CHECK(fixture.runs_left() == 2);
  CHECK_FALSE(fs::exists(fixture.runs / "1"));
  CHECK(fs::exists(fixture.runs / "2" / "best.safetensors"));
}

TEST_CASE("graft rm --dry-run prints what would go and the bytes and changes nothing", "[cli][rm]") {
  Fixture fixture;
  const auto dry = graft_cli(fixture.path, {"rm", "1", "2", "--dry-run"});
  INFO(dry.err);
  CHECK(dry.status == 0);
  CHECK_THAT(dry.out, Contains("run 1 (pretrain") && Contains("run 2 (transfer") &&
                          Contains("would delete 2 runs, freeing 4.4 KiB"));
  CHECK(fixture.runs_left() == 3);
  CHECK(fs::exists(fixture.runs / "1" / "backbone.safetensors"));
  CHECK(fs::exists(fixture.runs / "2" / "best.safetensors"));
}

TEST_CASE("graft rm deletes the runs rows and folders together with the runs that depend on them", "[cli][rm]") {
  Fixture fixture;
  const auto removed = graft_cli(fixture.path, {"rm", "1", "2"});
  INFO(removed.err);
  CHECK(removed.status == 0);
  CHECK_THAT(removed.out, Contains("deleted 2 runs, freed 4.4 KiB"));
  CHECK(fixture.runs_left() == 1);
  CHECK_FALSE(fs::exists(fixture.runs / "1"));
  CHECK_FALSE(fs::exists(fixture.runs / "2"));
  const auto store = storage::Store::open(fixture.path, storage::Store::Access::ReadOnly);
  CHECK(storage::test::scalar(store, "SELECT group_concat(name) FROM experiments") == "transfer");
  CHECK(storage::test::count_rows(store, "artifacts") == 0);
}

TEST_CASE("graft rm refuses running and missing runs and an empty choice", "[cli][rm]") {
  Fixture fixture;
  const auto running = graft_cli(fixture.path, {"rm", "--experiment", "transfer", "--force"});
  CHECK(running.status == 2);
  CHECK_THAT(running.err, Contains("run 3 is running"));
  const auto missing = graft_cli(fixture.path, {"rm", "9"});
  CHECK(missing.status == 2);
  CHECK_THAT(missing.err, Contains("no run 9"));
  const auto nothing = graft_cli(fixture.path, {"rm"});
  CHECK(nothing.status == 2);
  CHECK_THAT(nothing.err, Contains("say which runs"));
  const auto typo = graft_cli(fixture.path, {"rm", "--experiment", "pretrian"});
  CHECK(typo.status == 2);
  CHECK_THAT(typo.err, Contains("did you mean") && Contains("pretrain"));
  CHECK(fixture.runs_left() == 3);
  // Done runs of an experiment, chosen by status.
  const auto by_status = graft_cli(fixture.path, {"rm", "--status", "completed", "--experiment", "transfer"});
  INFO(by_status.err);
  CHECK(by_status.status == 0);
  CHECK(fixture.runs_left() == 2);
}

TEST_CASE("graft gc removes orphan run folders and completed runs' state and --dry-run only counts", "[cli][gc]") {
  Fixture fixture;
  write_bytes(fixture.runs / "7" / "last.safetensors", 2048);  // a run whose row is gone
  write_bytes(fixture.runs / "notes" / "todo.txt", 10);        // not graft's: left alone
  write_bytes(fixture.runs / "1" / "state.pt", 100);           // of a completed run
  write_bytes(fixture.runs / "3" / "state.pt", 100);           // of the running run: needed
  const auto features = fixture.dir.file("graft-cache") / "features" / "0123.safetensors";
  write_bytes(features, 300);

  const auto dry = graft_cli(fixture.path, {"gc", "--dry-run"});
  INFO(dry.err);
  CHECK(dry.status == 0);
  CHECK_THAT(dry.out, Contains("folder of run 7") && Contains("state.pt of completed run 1") &&
                          Contains("would free 2.1 KiB in 2 paths"));
  CHECK(fs::exists(fixture.runs / "7" / "last.safetensors"));
  CHECK(fs::exists(fixture.runs / "1" / "state.pt"));

  const auto gc = graft_cli(fixture.path, {"gc", "--cache"});
  INFO(gc.err);
  CHECK(gc.status == 0);
  CHECK_THAT(gc.out, Contains("freed 2.1 KiB in 2 paths"));
  CHECK_THAT(gc.err, Contains("run 3 is running"));  // so the cache stays
  CHECK_FALSE(fs::exists(fixture.runs / "7"));
  CHECK_FALSE(fs::exists(fixture.runs / "1" / "state.pt"));
  CHECK(fs::exists(fixture.runs / "1" / "best.safetensors"));
  CHECK(fs::exists(fixture.runs / "3" / "state.pt"));
  CHECK(fs::exists(fixture.runs / "notes" / "todo.txt"));
  CHECK(fs::exists(features));
  CHECK(fixture.runs_left() == 3);

  storage::Store::open(fixture.path).finish_run(3, storage::RunStatus::Interrupted);
  const auto cache = graft_cli(fixture.path, {"gc", "--cache"});
  INFO(cache.err);
  CHECK(cache.status == 0);
  CHECK_THAT(cache.out, Contains("freed 300 B in 1 path"));
  CHECK_FALSE(fs::exists(fixture.dir.file("graft-cache") / "features"));
  CHECK(fs::exists(fixture.runs / "3" / "state.pt"));  // an interrupted run resumes from it

  const auto again = graft_cli(fixture.path, {"gc"});
  CHECK(again.status == 0);
  CHECK_THAT(again.out, Contains("freed 0 B in 0 paths"));
}

TEST_CASE("graft gc keeps the state of a completed run that asked to keep it", "[cli][gc]") {
  TempDir dir;
  const auto path = dir.file("graft.db");
  {
    storage::Store store = storage::Store::open(path);
    auto run = storage::test::sample_run("demo");
    run.params.push_back({"train.keep_state", std::int64_t{1}});
    const auto id = store.begin_run(run);
    store.finish_run(id, storage::RunStatus::Completed);
  }
  write_bytes(storage::run_folder(path, 1) / "state.pt", 100);
  const auto gc = graft_cli(path, {"gc"});
  CHECK(gc.status == 0);
  CHECK(fs::exists(storage::run_folder(path, 1) / "state.pt"));
}
