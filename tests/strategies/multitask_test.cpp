// Strategy `multitask`: which task each batch of an epoch comes from, how the weights scale the
// losses, and the refusal of further tasks by every single-task strategy.
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include "graft/errors.hpp"
#include "strategy_fixture.hpp"

using namespace graft;
using namespace graft::testing;

namespace {

std::vector<TaskInfo> tasks_of(std::size_t main_batches, std::vector<double> weights) {
  std::vector<TaskInfo> tasks = {TaskInfo{"main", 2, main_batches, 1.0}};
  for (std::size_t i = 0; i < weights.size(); ++i) {
    tasks.push_back(TaskInfo{"t" + std::to_string(i + 1), 3, 7, weights[i]});
  }
  return tasks;
}

std::vector<std::size_t> counts(const std::vector<std::size_t>& order, std::size_t tasks) {
  std::vector<std::size_t> out(tasks, 0);
  for (auto task : order) ++out.at(task);
  return out;
}

Batch batch_of_task(std::int64_t task) {
  Batch batch;
  batch.labels = torch::tensor({0, 1, 1}, torch::kInt64);
  batch.extra[batch_keys::kTaskIndex] = torch::tensor(task, torch::kInt64);
  return batch;
}

}  // namespace

TEST_CASE("multitask round robin: one batch of each task of positive weight in turn, main first") {
  auto strategy = make_plugin<Strategy>("multitask", {});
  strategy->set_tasks(tasks_of(3, {1.0, 0.0, 2.0}));
  CHECK(strategy->task_order(0) == std::vector<std::size_t>{0, 1, 3, 0, 1, 3, 0, 1, 3});
  CHECK(strategy->task_order(5) == strategy->task_order(0));  // every epoch alike
}

TEST_CASE("multitask weighted: shares in proportion to the weights, evenly spread, one pass over the main task") {
  auto strategy = make_plugin<Strategy>("multitask", {{"sampling", std::string("weighted")}});
  strategy->set_tasks(tasks_of(4, {0.5}));
  CHECK(strategy->task_order(0) == std::vector<std::size_t>{0, 1, 0, 0, 1, 0});

  strategy->set_tasks(tasks_of(10, {1.0, 3.0}));
  const auto order = strategy->task_order(0);
  CHECK(counts(order, 3) == std::vector<std::size_t>{10, 10, 30});
  // Evenly spread: the main task never waits more than its share allows (5 batches in 5).
  std::size_t gap = 0, longest = 0;
  for (auto task : order) {
    gap = task == 0 ? 0 : gap + 1;
    longest = std::max(longest, gap);
  }
  CHECK(longest <= 4);

  // Weight 0 gives a task no batch: the main task alone, as a single-task run.
  strategy->set_tasks(tasks_of(5, {0.0}));
  CHECK(strategy->task_order(0) == std::vector<std::size_t>(5, 0));
  // main_weight shifts the shares towards the main task.
  auto main_heavy = make_plugin<Strategy>("multitask", {{"sampling", std::string("weighted")}, {"main_weight", 3.0}});
  main_heavy->set_tasks(tasks_of(6, {1.0}));
  CHECK(counts(main_heavy->task_order(0), 2) == std::vector<std::size_t>{6, 2});
}

TEST_CASE("multitask round robin scales each batch's loss by its task's weight; weighted sampling does not") {
  auto model = built_small_cnn();
  torch::manual_seed(2);
  const auto logits = torch::randn({3, 2});
  const double plain = torch::nn::functional::cross_entropy(logits, batch_of_task(0).labels).item<double>();

  auto round_robin = make_plugin<Strategy>("multitask", {{"main_weight", 2.0}});
  round_robin->set_tasks(tasks_of(2, {0.25}));
  CHECK(round_robin->loss(*model, batch_of_task(0), logits).item<double>() == Approx(2.0 * plain));
  CHECK(round_robin->loss(*model, batch_of_task(1), logits).item<double>() == Approx(0.25 * plain));
  Batch untagged = batch_of_task(0);
  untagged.extra.clear();  // lr-find's batches: the main task's
  CHECK(round_robin->loss(*model, untagged, logits).item<double>() == Approx(2.0 * plain));

  auto weighted = make_plugin<Strategy>("multitask", {{"sampling", std::string("weighted")}});
  weighted->set_tasks(tasks_of(2, {0.25}));
  CHECK(weighted->loss(*model, batch_of_task(1), logits).item<double>() == Approx(plain));
}

TEST_CASE("multitask trains every layer group, decaying LRs below the head when asked") {
  auto model = built_small_cnn();
  auto strategy = make_plugin<Strategy>("multitask", {{"decay", 0.5}});
  const auto groups = strategy->param_groups(*model);
  REQUIRE(groups.size() == 4);
  CHECK(groups.back().lr_scale == 1.0);
  CHECK(groups.front().lr_scale == 0.125);
  start_epoch(*model, *strategy, 0, 2);
  CHECK(training_groups(*model) == Names{"block1", "block2", "embedding", "head"});
}

TEST_CASE("single-task strategies refuse further tasks and order one pass over the main task") {
  for (const char* name : {"full", "freeze_backbone", "gradual_unfreeze", "discriminative_lr", "distillation"}) {
    INFO(name);
    auto strategy = make_plugin<Strategy>(name, {});
    CHECK_THROWS_WITH(strategy->set_tasks(tasks_of(3, {1.0})),
                      Catch::Contains("trains a single task") && Catch::Contains("use strategy multitask"));
    strategy->set_tasks(tasks_of(3, {}));
    CHECK(strategy->task_order(0) == std::vector<std::size_t>{0, 0, 0});
  }
}
