#include <catch2/catch.hpp>

#include <torch/torch.h>

#include "engine_schema.hpp"
#include "optimizer.hpp"

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
