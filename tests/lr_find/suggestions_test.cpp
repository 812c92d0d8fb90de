// The arithmetic of `graft lr-find` on synthetic curves: the exponential ramp, fastai's smoothed
// loss and divergence rule, and the suggestions (steep, valley, minimum) with values worked out by
// hand from fastai 2.7's definitions (fastai/callback/schedule.py).
#include <cmath>
#include <limits>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/lr_suggestions.hpp"

using namespace graft::engine::lr_find;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> ramp(double start, double end, std::int64_t steps) {
  std::vector<double> lrs;
  for (std::int64_t i = 0; i < steps; ++i) lrs.push_back(ramp_lr(start, end, i, steps));
  return lrs;
}

}  // namespace

TEST_CASE("the LR ramp is exponential from start_lr at the first step to end_lr at the last") {
  const auto lrs = ramp(1e-7, 10, 100);
  CHECK(lrs.front() == 1e-7);
  CHECK(lrs.back() == 10);
  const double ratio = std::pow(1e8, 1.0 / 99);  // the same factor every step
  for (std::size_t i = 1; i < lrs.size(); ++i) CHECK(lrs[i] / lrs[i - 1] == Approx(ratio).epsilon(1e-12));
  CHECK(lrs[33] == Approx(1e-7 * std::pow(10.0, 8.0 / 3)).epsilon(1e-12));
  CHECK(ramp(1e-3, 1e-1, 2) == std::vector<double>{1e-3, 1e-1});
}

TEST_CASE("the smoothed loss is fastai's debiased moving average with beta 0.98") {
  SmoothedLoss smoothed;
  CHECK(std::isnan(smoothed.value()));
  // Debiased: the first value is the first loss itself.
  CHECK(smoothed.add(1.0) == Approx(1.0));
  // (0.98 x 0.02 x 1 + 0.02 x 3) / (1 - 0.98^2) = (0.98 + 3) / 1.98
  CHECK(smoothed.add(3.0) == Approx(3.98 / 1.98));
  CHECK(smoothed.count() == 2);

  SmoothedLoss constant;
  for (int i = 0; i < 50; ++i) CHECK(constant.add(2.5) == Approx(2.5));

  SmoothedLoss broken;
  broken.add(1.0);
  CHECK(std::isnan(broken.add(kNaN)));
  CHECK(std::isnan(broken.add(1.0)));  // a NaN stays in the average, as in fastai
}

TEST_CASE("divergence is a smoothed loss above 4x the lowest so far, or a NaN") {
  DivergenceCheck check(4);
  CHECK_FALSE(check.diverged(1.0));
  CHECK_FALSE(check.diverged(0.5));
  CHECK_FALSE(check.diverged(2.0));  // exactly 4 x 0.5 is not above it
  CHECK(check.best() == 0.5);
  CHECK(check.diverged(2.01));
  CHECK(DivergenceCheck(4).diverged(kNaN));
  CHECK(DivergenceCheck(4).diverged(std::numeric_limits<double>::infinity()));
  CHECK_FALSE(DivergenceCheck(10).diverged(5.0));

  // A loss of 1 for 20 steps, then 100: the smoothed value jumps from 1 to
  // (0.98 (1 - 0.98^20) + 0.02 x 100) / (1 - 0.98^21) = 6.73 > 4 at step 21.
  SmoothedLoss smoothed;
  DivergenceCheck rule(4);
  int stopped_at = 0;
  for (int step = 1; step <= 30 && stopped_at == 0; ++step) {
    if (rule.diverged(smoothed.add(step <= 20 ? 1.0 : 100.0))) stopped_at = step;
  }
  CHECK(stopped_at == 21);
  CHECK(smoothed.value() == Approx((0.98 * (1 - std::pow(0.98, 20)) + 2) / (1 - std::pow(0.98, 21))));
  CHECK(smoothed.value() == Approx(6.7267).epsilon(1e-4));
}

TEST_CASE("steep is the left point of the steepest drop per log LR") {
  const auto lrs = ramp(1e-6, 1, 13);
  const std::vector<double> losses = {10, 9.9, 9.5, 8, 5, 3, 2.5, 2.3, 2.2, 2.25, 2.6, 3.5, 6};
  // Differences -0.1, -0.4, -1.5, -3 (8 -> 5), -2, ...: the steepest starts at index 3.
  CHECK(steep_index(lrs, losses) == std::size_t{3});
  // Per log LR, not per step: 3 -> 1 over a factor of 100 in LR (-2 / ln 100 = -0.43) is less
  // steep than 1 -> 0.5 over a factor of 1.2 (-0.5 / ln 1.2 = -2.74).
  CHECK(steep_index({1e-4, 1e-2, 1.2e-2}, {3, 1, 0.5}) == std::size_t{1});
  CHECK_FALSE(steep_index({1e-3}, {1.0}).has_value());
}

TEST_CASE("valley is 2/3 along fastai's longest valley") {
  // Decreasing through index 8 (nine points: 10 ... 2.2): lds[8] = 9, max_end = 8 and fastai's
  // max_start = 8 - 9 = -1; sections = 9 / 3 = 3; idx = -1 + 3 + int(1.5) = 3.
  CHECK(valley_index({10, 9.9, 9.5, 8, 5, 3, 2.5, 2.3, 2.2, 2.25, 2.6, 3.5, 6}) == std::size_t{3});
  // (i - 12)^2 for i in 0..19: the valley is 0..12 (length 13), max_start = -1,
  // sections = 13 / 3 = 4.33; idx = -1 + 4 + int(2.17) = 5.
  std::vector<double> parabola;
  for (int i = 0; i < 20; ++i) parabola.push_back((i - 12.0) * (i - 12.0));
  CHECK(valley_index(parabola) == std::size_t{5});
  // A flat start does not count (strictly lower): lds = 1, 1, 1, 1, 2, 3, 4, 2; max_end = 6,
  // max_start = 6 - 4 = 2; sections = 4 / 3; idx = 2 + 1 + 0 = 3.
  CHECK(valley_index({1, 1, 1, 1, 0.5, 0.4, 0.3, 0.8}) == std::size_t{3});
  // Two points falling: max_start = -1, sections = 2 / 3, idx = -1: Python's lrs[-1], the last.
  CHECK(valley_index({2, 1}) == std::size_t{1});
  // A rising curve has no valley longer than one point: idx 0.
  CHECK(valley_index({1, 2, 3, 4}) == std::size_t{0});
  CHECK(valley_index({1.5}) == std::size_t{0});
  CHECK_FALSE(valley_index({}).has_value());
  // The longest valley wins over an earlier, shorter one: 5 4 | 6 5 4 3 2 | 7.
  // lds = 1 2 1 2 3 4 5 1: max_end = 6, max_start = 6 - 5 = 1, sections = 5 / 3, idx = 1 + 1 + 0 = 2.
  CHECK(valley_index({5, 4, 6, 5, 4, 3, 2, 7}) == std::size_t{2});
}

TEST_CASE("minimum is the first lowest loss") {
  CHECK(minimum_index({3, 2, 1, 1, 4}) == std::size_t{2});
  CHECK(minimum_index({7}) == std::size_t{0});
  CHECK_FALSE(minimum_index({}).has_value());
}

TEST_CASE("suggestions look at fastai's window: from a tenth of the planned steps to five before the end") {
  SECTION("the window") {
    const std::vector<double> full(100, 1.0);
    CHECK(suggestion_window(full, 100).first == 10);
    CHECK(suggestion_window(full, 100).last == 95);
    // Diverged at step 40 of 100: [10, 35).
    const std::vector<double> diverged(40, 1.0);
    CHECK(suggestion_window(diverged, 100).first == 10);
    CHECK(suggestion_window(diverged, 100).last == 35);
    // Cut at the first NaN.
    std::vector<double> with_nan(100, 1.0);
    with_nan[50] = kNaN;
    CHECK(suggestion_window(with_nan, 100).last == 50);
    // Diverged at step 12 of 100: fastai's window [10, 7) is empty, so every point before the
    // NaN is used.
    std::vector<double> early(12, 1.0);
    early[11] = kNaN;
    CHECK(suggestion_window(early, 100).first == 0);
    CHECK(suggestion_window(early, 100).last == 11);
  }

  SECTION("a synthetic curve, with decoys outside the window") {
    const auto lrs = ramp(1e-7, 10, 100);
    std::vector<double> smoothed(100);
    // In the window (i = 10 .. 94): falling by 0.01 per step to its minimum at i = 60, with one
    // drop of 0.5 from i = 30 to 31, then rising.
    double loss = 5;
    for (int i = 10; i <= 60; ++i) {
      smoothed[static_cast<std::size_t>(i)] = loss;
      loss -= i == 30 ? 0.5 : 0.01;
    }
    for (int i = 61; i < 95; ++i) smoothed[static_cast<std::size_t>(i)] = smoothed[60] + 0.005 * (i - 60);
    // Outside it: lower and steeper than anything inside, which fastai's window leaves out.
    for (int i = 0; i < 10; ++i) smoothed[static_cast<std::size_t>(i)] = -10.0 * i;
    for (int i = 95; i < 100; ++i) smoothed[static_cast<std::size_t>(i)] = -100.0 * i;

    const Suggestions suggestions = suggest(lrs, smoothed, 100);
    // steep: the drop from i = 30 to 31.
    REQUIRE(suggestions.steep);
    CHECK(*suggestions.steep == lrs[30]);
    // minimum: the LR at i = 60, divided by 10.
    REQUIRE(suggestions.minimum);
    CHECK(*suggestions.minimum == Approx(lrs[60] / 10));
    // valley: window positions 0..50 fall (51 points), max_start = -1, sections = 17,
    // idx = -1 + 17 + 8 = 24: i = 10 + 24 = 34.
    REQUIRE(suggestions.valley);
    CHECK(*suggestions.valley == lrs[34]);
  }

  SECTION("too few points suggest what they can") {
    CHECK_FALSE(suggest({1e-3}, {kNaN}, 100).valley.has_value());
    const Suggestions one = suggest({1e-3, 1e-2}, {1.0, kNaN}, 100);
    CHECK(one.valley == 1e-3);
    CHECK(one.minimum == Approx(1e-4));
    CHECK_FALSE(one.steep.has_value());
  }
}
