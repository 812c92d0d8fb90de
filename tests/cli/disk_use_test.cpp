// What a run keeps on disk: [train] checkpoints and keep_state, and a frozen backbone written once
// beside the checkpoints that name it (engine/run_checkpoints.hpp), which every reader of
// checkpoints (resume's and the test split's loading, `run:NAME`, `graft predict`) reads whole.
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include <filesystem>

#include "experiment_files.hpp"
#include "graft/safetensors.hpp"
#include "graft/storage/store.hpp"
#include "support/run_graft.hpp"
#include "support/temp_folder.hpp"

using namespace graft;
using graft::testing::run_graft;

namespace {

std::vector<std::string> artifact_names(const storage::Store& store, std::int64_t run_id) {
  std::vector<std::string> names;
  const auto run = store.get_run(run_id);
  for (const auto& artifact : run->artifacts) names.push_back(artifact.name);
  std::sort(names.begin(), names.end());
  return names;
}

std::set<std::string> keys_of(const std::map<std::string, at::Tensor>& tensors) {
  std::set<std::string> keys;
  for (const auto& entry : tensors) keys.insert(entry.first);
  return keys;
}

}  // namespace

TEST_CASE("checkpoints keeps best or best+last or every epoch and state.pt goes when the run completes") {
  graft::testing::TempFolder folder("cli-disk-checkpoints");
  const auto file = graft::testing::write_tiny_experiment(
      folder.path(), "\n[sweep]\n\"train.checkpoints, train.keep_state\" = [[\"best\", false], "
                     "[\"best+last\", false], [\"all\", true]]\n");
  const auto finished = run_graft(folder.path(), {"run", file.string(), "--no-progress"});
  INFO(finished.err);
  REQUIRE(finished.status == 0);
  const auto store = storage::Store::open(folder / "graft.db", storage::Store::Access::ReadOnly);
  const auto runs = folder / "graft-runs";
  CHECK(artifact_names(store, 1) == std::vector<std::string>{"best"});
  CHECK(artifact_names(store, 2) == std::vector<std::string>{"best", "last"});
  CHECK(artifact_names(store, 3) == std::vector<std::string>{"best", "epoch-1", "epoch-2", "epoch-3", "last"});
  CHECK_FALSE(std::filesystem::exists(runs / "1" / "last.safetensors"));
  CHECK(std::filesystem::exists(runs / "3" / "epoch-3.safetensors"));
  CHECK_FALSE(std::filesystem::exists(runs / "1" / "state.pt"));
  CHECK_FALSE(std::filesystem::exists(runs / "2" / "state.pt"));
  CHECK(std::filesystem::exists(runs / "3" / "state.pt"));  // keep_state = true
  // Every epoch's checkpoint is a whole model: the last epoch's is the last checkpoint.
  const auto last = load_safetensors(runs / "3" / "last.safetensors");
  const auto third = load_safetensors(runs / "3" / "epoch-3.safetensors");
  REQUIRE(keys_of(last) == keys_of(third));
  for (const auto& [name, tensor] : last) CHECK(torch::equal(tensor, third.at(name)));

  // Which files a run keeps does not change what it computes: the trial counts as done.
  const auto single = graft::testing::write_tiny_experiment(folder.path());
  const auto again = run_graft(folder.path(), {"run", single.string(), "--no-progress", "--set",
                                               "train.checkpoints=best"});
  INFO(again.err);
  REQUIRE(again.status == 0);
  CHECK_THAT(again.err, Catch::Contains("already completed it"));
  CHECK(store.list_runs().size() == 3);
}

TEST_CASE("a frozen backbone is written once and the checkpoints that hold the head name it") {
  graft::testing::TempFolder folder("cli-disk-backbone");
  const auto file = graft::testing::write_experiment(folder.path(), "frozen.toml", "tiny-frozen",
                                                     graft::testing::kTinyResnet,
                                                     "\n[strategy]\nplugin = \"freeze_backbone\"\n\n[sweep]\n"
                                                     "\"strategy.plugin\" = [\"freeze_backbone\", \"full\"]\n");
  const auto finished = run_graft(folder.path(), {"run", file.string(), "--no-progress"});
  INFO(finished.err);
  REQUIRE(finished.status == 0);
  const auto store = storage::Store::open(folder / "graft.db", storage::Store::Access::ReadOnly);
  const auto frozen = folder / "graft-runs" / "1";
  const auto full = folder / "graft-runs" / "2";
  CHECK(artifact_names(store, 1) == std::vector<std::string>{"backbone", "best", "features.test", "features.train",
                                                             "features.val", "last"});
  CHECK(artifact_names(store, 2) == std::vector<std::string>{"best", "last"});  // a trained backbone: whole files
  CHECK_FALSE(std::filesystem::exists(full / "backbone.safetensors"));

  const auto backbone_bytes = std::filesystem::file_size(frozen / "backbone.safetensors");
  const auto best_bytes = std::filesystem::file_size(frozen / "best.safetensors");
  CHECK(best_bytes * 50 < backbone_bytes);  // the head of a resnet-18 is a sliver of it
  const auto header = read_safetensors_header(frozen / "best.safetensors");
  CHECK(header.metadata.at(kSafetensorsBaseFile) == "backbone.safetensors");
  CHECK(header.metadata.at(kSafetensorsBaseId) ==
        read_safetensors_header(frozen / "backbone.safetensors").metadata.at(kSafetensorsPartId));

  // Read whole, it is a checkpoint of the same model as the full run's.
  const auto frozen_best = load_safetensors(frozen / "best.safetensors");
  CHECK(keys_of(frozen_best) == keys_of(load_safetensors(full / "best.safetensors")));
  CHECK(frozen_best.size() > header.tensors.size());

  // transfer_test has predict read such a checkpoint; one the run did not keep is named.
  const auto missing = run_graft(folder.path(), {"predict", "--run", "1", "--checkpoint", "epoch-2", "x.png"});
  CHECK(missing.status == 2);
  CHECK_THAT(missing.err, Catch::Contains("no 'epoch-2' checkpoint") && Catch::Contains("it has: best, last"));
}
