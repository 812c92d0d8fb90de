#include <catch2/catch.hpp>

#include <torch/torch.h>

#include "engine/engine_schema.hpp"
#include "engine/optimizer.hpp"

using namespace graft;

TEST_CASE("each optimizer group gets the LR times its scale") {
  auto train = Params::defaults(engine::train_table_schema());
  train.set("optimizer", std::string("sgd"));
  train.set("momentum", 0.0);
  auto a = torch::ones({2}, torch::requires_grad());
  auto b = torch::ones({2}, torch::requires_grad());
  engine::ScaledOptimizer optimizer(train, {{"backbone", {a}, 0.1}, {"head", {b}, 1.0}});
  optimizer.set_lr(0.5);
  (a.sum() + b.sum()).backward();
  optimizer.step();
  // SGD: p -= lr * scale * grad (grad = 1).
  CHECK(a[0].item<double>() == Approx(1 - 0.05));
  CHECK(b[0].item<double>() == Approx(1 - 0.5));
}

TEST_CASE("frozen parameters (no gradient) are left untouched by AdamW's weight decay") {
  auto train = Params::defaults(engine::train_table_schema());
  train.set("weight_decay", 0.1);
  auto frozen = torch::ones({2}, torch::requires_grad(false));
  auto trained = torch::ones({2}, torch::requires_grad());
  engine::ScaledOptimizer optimizer(train, {{"backbone", {frozen}, 1.0}, {"head", {trained}, 1.0}});
  trained.sum().backward();
  optimizer.step();
  CHECK(torch::equal(frozen, torch::ones({2})));
  CHECK_FALSE(torch::equal(trained, torch::ones({2})));
}

TEST_CASE("weight decay skips biases and norm weights unless decay_biases_and_norms is set") {
  for (const bool decay_all : {false, true}) {
    auto train = Params::defaults(engine::train_table_schema());
    train.set("optimizer", std::string("sgd"));
    train.set("momentum", 0.0);
    train.set("weight_decay", 0.5);
    train.set("decay_biases_and_norms", decay_all);
    auto matrix = torch::ones({2, 2}, torch::requires_grad());
    auto bias = torch::ones({2}, torch::requires_grad());
    engine::ScaledOptimizer optimizer(train, {{"layer", {matrix, bias}, 0.5}});
    optimizer.set_lr(0.1);
    (matrix.sum() * 0 + bias.sum() * 0).backward();  // zero gradients: only decay moves weights
    optimizer.step();
    // SGD with L2: p -= lr * scale * (grad + wd * p) = 0.05 * 0.5 * 1.
    CHECK(matrix[0][0].item<double>() == Approx(1 - 0.025));
    CHECK(bias[0].item<double>() == Approx(decay_all ? 1 - 0.025 : 1.0));
    // The split keeps the group's LR scale on both halves.
    for (const auto& group : optimizer.optimizer().param_groups()) CHECK(group.options().get_lr() == Approx(0.05));
  }
}
