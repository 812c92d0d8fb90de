#include <torch/torch.h>

#include <catch2/catch.hpp>

#include "graft/errors.hpp"
#include "strategy_fixture.hpp"

using namespace graft;
using namespace graft::testing;

namespace {

Batch batch_with(const at::Tensor& labels, const at::Tensor& teacher) {
  Batch batch;
  batch.labels = labels;
  if (teacher.defined()) batch.extra["teacher_logits"] = teacher;
  return batch;
}

// The soft term by the textbook formula, summed over classes and averaged over the batch.
double soft_term(const at::Tensor& student, const at::Tensor& teacher, double temperature) {
  const auto p = torch::softmax(teacher.to(torch::kFloat64) / temperature, 1);
  const auto log_q = torch::log_softmax(student.to(torch::kFloat64) / temperature, 1);
  return (p * (p.log() - log_q)).sum(1).mean().item<double>() * temperature * temperature;
}

}  // namespace

TEST_CASE("distillation mixes T^2 x KL to the teacher and cross-entropy by alpha") {
  auto model = built_small_cnn();
  torch::manual_seed(3);
  const auto student = torch::randn({6, 2});
  const auto teacher = torch::randn({6, 2}) * 3;
  const auto labels = torch::tensor({0, 1, 1, 0, 1, 0}, torch::kInt64);
  const double hard = torch::nn::functional::cross_entropy(student, labels).item<double>();
  for (const double alpha : {0.0, 0.3, 1.0}) {
    for (const double temperature : {1.0, 4.0}) {
      auto strategy = make_plugin<Strategy>("distillation", {{"alpha", alpha}, {"temperature", temperature}});
      const double loss = strategy->loss(*model, batch_with(labels, teacher), student).item<double>();
      INFO("alpha " << alpha << " T " << temperature);
      CHECK(loss == Approx(alpha * soft_term(student, teacher, temperature) + (1 - alpha) * hard).epsilon(1e-5));
    }
  }
}

TEST_CASE("distillation's soft term is zero when the student already gives the teacher's outputs") {
  auto model = built_small_cnn();
  auto strategy = make_plugin<Strategy>("distillation", {{"alpha", 1.0}});
  const auto logits = torch::tensor({{2.0f, -1.0f}, {0.5f, 0.25f}});
  const auto loss = strategy->loss(*model, batch_with(torch::tensor({0, 1}, torch::kInt64), logits), logits);
  CHECK(loss.item<double>() == Approx(0).margin(1e-6));
}

TEST_CASE("distillation without teacher logits says to add a teacher table") {
  auto model = built_small_cnn();
  auto strategy = make_plugin<Strategy>("distillation", {});
  CHECK_THROWS_WITH(strategy->loss(*model, batch_with(torch::tensor({0}, torch::kInt64), {}), torch::zeros({1, 2})),
                    Catch::Contains("add a [teacher] table"));
}

TEST_CASE("distillation trains every layer group at the schedule's LR") {
  auto model = built_small_cnn();
  auto strategy = make_plugin<Strategy>("distillation", {});
  const auto groups = strategy->param_groups(*model);
  CHECK(groups.size() == model->layer_groups().size());
  for (const auto& group : groups) CHECK(group.lr_scale == 1.0);
  start_epoch(*model, *strategy, 0, 2);
  CHECK(training_groups(*model) == Names{"block1", "block2", "embedding", "head"});
}
