// `graft lr-curve` per optimizer group, run as a user runs it, on the tiny IDX experiment.
#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/experiment_files.hpp"
#include "support/run_graft.hpp"
#include "support/temp_folder.hpp"

#include <catch2/catch.hpp>

using graft::testing::run_graft;

namespace {

constexpr double kBaseLr = 0.01;   // the tiny experiment's train.lr
constexpr double kGamma = 0.1;     // step scheduler: LR x gamma every 2 epochs
constexpr double kLrDecay = 0.5;   // gradual_unfreeze's discriminative rates
constexpr int kEpochs = 6;
constexpr int kStepsPerEpoch = 4;

// Gradual unfreezing (one group per epoch) with discriminative rates, under a step schedule.
const char* const kStrategyAndSchedule =
    "\n[strategy]\n"
    "plugin = \"gradual_unfreeze\"\n"
    "lr_decay = 0.5\n"
    "\n[scheduler]\n"
    "plugin = \"step\"\n"
    "step_size = 2\n"
    "gamma = 0.1\n"
    "interval = \"epoch\"\n";

std::vector<std::string> lr_curve_args(const std::filesystem::path& file, std::vector<std::string> more) {
  std::vector<std::string> args{"lr-curve",          file.string(), "--set", "train.epochs=" + std::to_string(kEpochs),
                                "--steps-per-epoch", std::to_string(kStepsPerEpoch)};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

}  // namespace

TEST_CASE("lr-curve gives a group LR 0 before it unfreezes and scale x schedule after") {
  graft::testing::TempFolder folder("lr-curve-groups");
  const auto file = graft::testing::write_tiny_experiment(folder.path(), kStrategyAndSchedule);
  const auto finished = run_graft(folder.path(), lr_curve_args(file, {"--every", "1", "--json"}));
  INFO(finished.err);
  REQUIRE(finished.status == 0);
  const auto curve = nlohmann::json::parse(finished.out);

  const std::vector<std::string> groups{"block1", "block2", "embedding", "head"};
  CHECK(curve.at("groups").get<std::vector<std::string>>() == groups);
  CHECK(curve.at("total_steps") == kEpochs * kStepsPerEpoch);
  REQUIRE(curve.at("points").size() == static_cast<std::size_t>(kEpochs * kStepsPerEpoch));

  for (const auto& point : curve.at("points")) {
    const int step = point.at("step"), epoch = point.at("epoch");
    INFO("step " << step);
    CHECK(epoch == step / kStepsPerEpoch);
    const double schedule = kBaseLr * std::pow(kGamma, epoch / 2);
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const auto distance = static_cast<int>(groups.size() - 1 - g);  // from the head
      const double lr = point.at("lr").at(groups[g]);
      INFO(groups[g]);
      // One more group from the top unfreezes each epoch: the group at distance d at epoch d.
      if (epoch < distance) CHECK(lr == 0.0);
      else CHECK(lr == Approx(schedule * std::pow(kLrDecay, distance)));
    }
  }
  // The strategy logged what trains once per change: at epochs 0, 1, 2 and 3, then nothing new.
  std::size_t logged = 0;
  for (auto at = finished.err.find("gradual_unfreeze: epoch"); at != std::string::npos;
       at = finished.err.find("gradual_unfreeze: epoch", at + 1)) {
    ++logged;
  }
  CHECK(logged == groups.size());
}

TEST_CASE("lr-curve prints one column per optimizer group as a table and as CSV") {
  graft::testing::TempFolder folder("lr-curve-columns");
  const auto file = graft::testing::write_tiny_experiment(folder.path(), kStrategyAndSchedule);

  const auto csv = run_graft(folder.path(), lr_curve_args(file, {"--every", "8", "--csv"}));
  INFO(csv.err);
  REQUIRE(csv.status == 0);
  CHECK(csv.out.rfind("step,epoch,block1,block2,embedding,head\n", 0) == 0);
  CHECK_THAT(csv.out, Catch::Contains("\n8,3,0,0.00025,0.0005,0.001\n"));

  const auto table = run_graft(folder.path(), lr_curve_args(file, {"--every", "8"}));
  REQUIRE(table.status == 0);
  CHECK_THAT(table.out, Catch::Contains("24 steps, 4 per epoch") && Catch::Contains("embedding"));
}

TEST_CASE("lr-curve shows only the head for freeze_backbone, which trains nothing else") {
  graft::testing::TempFolder folder("lr-curve-frozen");
  const auto file = graft::testing::write_tiny_experiment(folder.path(), "\n[strategy]\nplugin = \"freeze_backbone\"\n");
  const auto finished = run_graft(folder.path(), lr_curve_args(file, {"--json"}));
  INFO(finished.err);
  REQUIRE(finished.status == 0);
  const auto curve = nlohmann::json::parse(finished.out);
  CHECK(curve.at("groups") == nlohmann::json::array({"head"}));
  for (const auto& point : curve.at("points")) CHECK(point.at("lr").at("head") == Approx(kBaseLr));
}

TEST_CASE("lr-curve refuses a strategy param that would stop lower groups learning, before printing anything") {
  graft::testing::TempFolder folder("lr-curve-refused");
  const auto file = graft::testing::write_tiny_experiment(folder.path(), kStrategyAndSchedule);
  const auto finished = run_graft(folder.path(), lr_curve_args(file, {"--set", "strategy.lr_decay=0"}));
  CHECK(finished.status == 2);
  CHECK(finished.out.empty());
  CHECK_THAT(finished.err, Catch::Contains("--set strategy.lr_decay=0: error: 'lr_decay' must be > 0, got 0"));
}
