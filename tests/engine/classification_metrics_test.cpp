#include <catch2/catch.hpp>

#include <torch/torch.h>

#include "engine/classification_metrics.hpp"


namespace {
// Logits whose argmax is `predicted`.
torch::Tensor logits_for(const std::vector<std::int64_t>& predicted, std::int64_t classes) {
  auto logits = torch::zeros({static_cast<std::int64_t>(predicted.size()), classes});
  for (std::size_t i = 0; i < predicted.size(); ++i) logits[static_cast<std::int64_t>(i)][predicted[i]] = 1.0;
  return logits;
}
}  // namespace

TEST_CASE("accuracy, loss and macro-F1 match hand-computed values") {
  graft::engine::ClassificationMetrics metrics(3);
  // truth:     0 0 1 1 2 2
  // predicted: 0 1 1 1 2 0
  metrics.add(logits_for({0, 1, 1}, 3), torch::tensor({0, 0, 1}), /*loss=*/0.5);
  metrics.add(logits_for({1, 2, 0}, 3), torch::tensor({1, 2, 2}), /*loss=*/1.0);
  CHECK(metrics.count() == 6);
  CHECK(metrics.accuracy() == Approx(4.0 / 6.0));
  CHECK(metrics.loss() == Approx(0.75));
  // F1: class 0: tp 1, fp 1, fn 1 -> 0.5; class 1: tp 2, fp 1, fn 0 -> 0.8; class 2: tp 1, fp 0, fn 1 -> 2/3.
  CHECK(metrics.macro_f1() == Approx((0.5 + 0.8 + 2.0 / 3.0) / 3.0));
}

TEST_CASE("a class never seen nor predicted counts as F1 0, as scikit-learn does") {
  graft::engine::ClassificationMetrics metrics(3);
  metrics.add(logits_for({0, 1}, 3), torch::tensor({0, 1}), 0.1);
  CHECK(metrics.accuracy() == Approx(1.0));
  CHECK(metrics.macro_f1() == Approx(2.0 / 3.0));
}

TEST_CASE("labels outside the task are an error, not a memory corruption") {
  graft::engine::ClassificationMetrics metrics(2);
  CHECK_THROWS_AS(metrics.add(logits_for({0}, 2), torch::tensor({5}), 0.1), std::out_of_range);
}

TEST_CASE("summed totals of two halves give the metrics of the whole, as data-parallel ranks reduce them") {
  graft::engine::ClassificationMetrics whole(3), first(3), second(3);
  whole.add(logits_for({0, 1, 1}, 3), torch::tensor({0, 0, 1}), 0.5);
  whole.add(logits_for({1, 2, 0, 2}, 3), torch::tensor({1, 2, 2, 0}), 1.5);
  first.add(logits_for({0, 1, 1}, 3), torch::tensor({0, 0, 1}), 0.5);
  second.add(logits_for({1, 2, 0, 2}, 3), torch::tensor({1, 2, 2, 0}), 1.5);
  auto totals = first.totals();
  const auto other = second.totals();
  for (std::size_t i = 0; i < totals.size(); ++i) totals[i] += other[i];
  first.set_totals(totals);
  CHECK(first.values() == whole.values());
  CHECK(first.count() == 7);
  CHECK_THROWS_AS(first.set_totals({1.0, 2.0}), std::invalid_argument);
}
