// Transfer-learning paths of `graft run` end to end: a frozen backbone trained on cached
// features, weights taken from another experiment's best run (`run:NAME`), and `graft predict`
// on a run's checkpoint.
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include <fstream>

#include <nlohmann/json.hpp>

#include "experiment_files.hpp"
#include "store_rows.hpp"
#include "graft/image_io.hpp"
#include "graft/storage/store.hpp"
#include "support/run_graft.hpp"
#include "support/temp_folder.hpp"

using namespace graft;
using graft::testing::metric_values;
using graft::testing::run_graft;
using graft::testing::used_plugin;
using graft::testing::kTinyResnet;
using graft::testing::write_experiment;

namespace {

bool has_artifact(const storage::RunDetails& run, const std::string& name) {
  return std::any_of(run.artifacts.begin(), run.artifacts.end(), [&](const auto& a) { return a.name == name; });
}

}  // namespace

TEST_CASE("a frozen backbone trains on cached features with the metrics of the uncached path") {
  graft::testing::TempFolder folder("cli-feature-cache");
  const auto file = graft::testing::write_tiny_experiment(
      folder.path(), "\n[strategy]\nplugin = \"freeze_backbone\"\n\n[sweep]\n\"train.feature_cache\" = [false, true]\n");
  const auto finished = run_graft(folder.path(), {"run", file.string(), "--no-progress"});
  INFO(finished.err);
  REQUIRE(finished.status == 0);
  CHECK_THAT(finished.err, Catch::Contains("features of the train split"));

  const auto store = storage::Store::open(folder / "graft.db", storage::Store::Access::ReadOnly);
  const auto uncached = metric_values(store, 1);
  const auto cached = metric_values(store, 2);
  REQUIRE(uncached.size() == cached.size());
  const auto test_rows = std::count_if(cached.begin(), cached.end(),
                                       [](const auto& row) { return row.first.rfind("test.accuracy@", 0) == 0; });
  CHECK(test_rows == 1);  // measured once, with the best checkpoint
  for (const auto& [key, value] : uncached) {
    INFO(key);
    REQUIRE(cached.count(key) == 1);
    CHECK(cached.at(key) == Approx(value).margin(1e-6));
  }
  CHECK_FALSE(has_artifact(*store.get_run(1), "features.train"));
  CHECK(has_artifact(*store.get_run(2), "features.train"));

  // A later run with the same model, data, seed and weights reads the features back.
  const auto again = run_graft(folder.path(), {"run", file.string(), "--no-progress", "--rerun", "--set",
                                               "train.feature_cache=true"});
  INFO(again.err);
  REQUIRE(again.status == 0);
  CHECK_THAT(again.err, Catch::Contains("features of the train split: reusing"));
}

TEST_CASE("run:NAME starts from the best checkpoint of that experiment, and predict uses a run's checkpoint") {
  graft::testing::TempFolder folder("cli-run-reference");
  const auto pretrain = write_experiment(folder.path(), "pretrain.toml", "tiny-pretrain", kTinyResnet, "");
  const std::string transfer_model = std::string(kTinyResnet) + "pretrained = \"run:tiny-pretrain\"\n";
  const auto transfer = write_experiment(folder.path(), "transfer.toml", "tiny-transfer", transfer_model,
                                         "\n[strategy]\nplugin = \"freeze_backbone\"\n");

  // Before the pre-training exists: bad input naming the file to run, and nothing recorded.
  const auto early = run_graft(folder.path(), {"run", transfer.string(), "--no-progress"});
  CHECK(early.status == 2);
  CHECK_THAT(early.err, Catch::Contains("no completed run of experiment 'tiny-pretrain'") &&
                            Catch::Contains("graft run " + pretrain.string()));

  REQUIRE(run_graft(folder.path(), {"run", pretrain.string(), "--no-progress"}).status == 0);
  const auto finished = run_graft(folder.path(), {"run", transfer.string(), "--no-progress"});
  INFO(finished.err);
  REQUIRE(finished.status == 0);
  CHECK_THAT(finished.err, Catch::Contains("model.pretrained = \"run:tiny-pretrain\": run 1"));

  const auto store = storage::Store::open(folder / "graft.db", storage::Store::Access::ReadOnly);
  const auto run = store.get_run(2);
  REQUIRE(run);
  CHECK(run->summary.status == storage::RunStatus::Completed);
  const auto pretrained = std::find_if(run->artifacts.begin(), run->artifacts.end(),
                                       [](const auto& a) { return a.name == "model.pretrained"; });
  REQUIRE(pretrained != run->artifacts.end());
  CHECK(pretrained->path == (folder / "graft-runs" / "1" / "best.safetensors").string());

  // predict --run: the run's classes and checkpoint, on an image file (class 0 of the tiny task
  // is a bright band at the top: see support/idx_writer.hpp).
  const auto image = folder / "band.png";
  at::Tensor pixels = torch::zeros({1, 8, 8}, torch::kUInt8);
  pixels.slice(1, 0, 2).fill_(255);
  write_png(image, pixels);
  const auto predicted = run_graft(folder.path(), {"predict", "--run", "2", "--json", image.string()});
  INFO(predicted.err);
  REQUIRE(predicted.status == 0);
  const auto output = nlohmann::json::parse(predicted.out);
  CHECK(output["model"] == "resnet");
  CHECK(output["classes"] == nlohmann::json::array({"0", "1", "2"}));
  CHECK(output["predictions"][0]["probabilities"].size() == 3);

  const auto no_checkpoint = run_graft(folder.path(), {"predict", "--run", "99", image.string()});
  CHECK(no_checkpoint.status == 2);
  CHECK_THAT(no_checkpoint.err, Catch::Contains("no run 99"));
}

TEST_CASE("gradient accumulation over two half batches trains as one full batch") {
  // A linear head on a frozen backbone (no dropout, no batch statistics): the mean loss of two
  // batches of 5 has the gradient of one batch of 10, so both runs take the same steps.
  graft::testing::TempFolder folder("cli-accumulate");
  const auto file = graft::testing::write_tiny_experiment(folder.path());
  std::string text = graft::testing::read_text(file);
  text.replace(text.find("hidden = 16\n"), 12, "hidden = 16\ndropout = 0.0\n");
  text += "optimizer = \"sgd\"\n\n[strategy]\nplugin = \"freeze_backbone\"\n\n"
          "[sweep]\n\"train.batch_size, train.accumulate\" = [[10, 1], [5, 2]]\n";
  std::ofstream(file) << text;
  const auto finished = run_graft(folder.path(), {"run", file.string(), "--no-progress"});
  INFO(finished.err);
  REQUIRE(finished.status == 0);

  const auto store = storage::Store::open(folder / "graft.db", storage::Store::Access::ReadOnly);
  const auto whole = metric_values(store, 1);
  const auto accumulated = metric_values(store, 2);
  REQUIRE(whole.size() == accumulated.size());
  std::size_t compared = 0;
  for (const auto& [key, value] : whole) {
    INFO(key);
    REQUIRE(accumulated.count(key) == 1);
    CHECK(accumulated.at(key) == Approx(value).margin(1e-5));
    ++compared;
  }
  CHECK(compared > 10);
  CHECK(whole.count("train.loss@27") == 1);  // 9 optimizer steps per epoch in both runs, 3 epochs
}

TEST_CASE("a teacher table distils a trained run into the student and is recorded as its teacher") {
  graft::testing::TempFolder folder("cli-distill");
  // The teacher: a small resnet (small_cnn has no pretrained weights to load); the student: small_cnn.
  const auto teacher_file = write_experiment(folder.path(), "teacher.toml", "tiny", kTinyResnet, "");
  REQUIRE(run_graft(folder.path(), {"run", teacher_file.string(), "--no-progress"}).status == 0);
  std::string teacher_table = kTinyResnet;
  teacher_table.replace(teacher_table.find("[model]"), 7, "[teacher]");
  teacher_table += "pretrained = \"run:tiny\"\n";
  const auto student_file = graft::testing::write_tiny_experiment(folder.path());
  auto student = graft::testing::read_text(student_file);
  student.replace(student.find("name = \"tiny\""), 13, "name = \"student\"");
  std::ofstream(folder / "student.toml")
      << student << "\n[strategy]\nplugin = \"distillation\"\nalpha = 0.8\n" << teacher_table;
  const auto distilled = run_graft(folder.path(), {"run", (folder / "student.toml").string(), "--no-progress"});
  INFO(distilled.err);
  REQUIRE(distilled.status == 0);
  CHECK_THAT(distilled.err, Catch::Contains("teacher: logits of 90 training examples"));

  const auto store = storage::Store::open(folder / "graft.db", storage::Store::Access::ReadOnly);
  const auto run = store.get_run(2);
  REQUIRE(run);
  CHECK(run->summary.status == storage::RunStatus::Completed);
  CHECK(used_plugin(*run, "teacher", "resnet"));
  const auto measured = metric_values(store, 2);
  CHECK(std::any_of(measured.begin(), measured.end(),
                    [](const auto& row) { return row.first.rfind("test.accuracy@", 0) == 0; }));

  // A teacher trained on other classes cannot teach these: bad input, nothing recorded.
  auto two_classes = graft::testing::read_text(teacher_file);  // the resnet teacher, on classes 0 and 1
  two_classes.replace(two_classes.find("name = \"tiny\""), 13, "name = \"pair\"");
  two_classes.replace(two_classes.find("validation_fraction"), 0, "classes = [0, 1]\n");
  std::ofstream(folder / "pair.toml") << two_classes;
  REQUIRE(run_graft(folder.path(), {"run", (folder / "pair.toml").string(), "--no-progress"}).status == 0);
  auto mismatched = student;
  mismatched.replace(mismatched.find("name = \"student\""), 16, "name = \"mismatch\"");
  std::string pair_teacher = teacher_table;
  pair_teacher.replace(pair_teacher.find("run:tiny"), 8, "run:pair");
  std::ofstream(folder / "mismatch.toml") << mismatched << "\n[strategy]\nplugin = \"distillation\"\n" << pair_teacher;
  const auto refused = run_graft(folder.path(), {"run", (folder / "mismatch.toml").string(), "--no-progress"});
  CHECK(refused.status == 2);
  CHECK_THAT(refused.err, Catch::Contains("[teacher] has 2 outputs and the dataset 3 classes"));
  const auto after = storage::Store::open(folder / "graft.db", storage::Store::Access::ReadOnly);
  CHECK(after.query("SELECT COUNT(*) FROM runs").rows.at(0).at(0) == storage::Value{std::int64_t{3}});
}
