#include "engine/lr_suggestions.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace graft::engine::lr_find {

double ramp_lr(double start, double end, std::int64_t step, std::int64_t steps) {
  if (steps < 2) return start;
  const double position = static_cast<double>(step) / static_cast<double>(steps - 1);
  // In logs, so that the exponent is exact at both ends: step 0 gives start, the last step end.
  if (step <= 0) return start;
  if (step >= steps - 1) return end;
  return std::exp(std::log(start) + position * (std::log(end) - std::log(start)));
}

double SmoothedLoss::add(double loss) {
  ++count_;
  // torch.lerp(loss, avg, beta) = loss + beta * (avg - loss), as AvgSmoothLoss.accumulate.
  average_ = loss + beta_ * (average_ - loss);
  beta_power_ *= beta_;
  return value();
}

double SmoothedLoss::value() const {
  if (count_ == 0) return std::numeric_limits<double>::quiet_NaN();
  return average_ / (1 - beta_power_);
}

bool DivergenceCheck::diverged(double smoothed) {
  if (!std::isfinite(smoothed)) return true;
  if (!best_ || smoothed < *best_) best_ = smoothed;
  return smoothed > factor_ * *best_;
}

Window suggestion_window(const std::vector<double>& smoothed, std::int64_t planned) {
  const std::size_t recorded = smoothed.size();
  const auto first_non_finite = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i)
      if (!std::isfinite(smoothed[i])) return i;
    return to;
  };
  // Python's slice [planned // 10 : -5].
  Window window;
  window.first = static_cast<std::size_t>(std::max<std::int64_t>(0, planned / 10));
  window.last = recorded > 5 ? recorded - 5 : 0;
  if (window.first > window.last) window.first = window.last;
  window.last = first_non_finite(window.first, window.last);
  if (window.size() >= 2) return window;
  // Too few points for fastai's window: every point before the first non-finite loss.
  return Window{0, first_non_finite(0, recorded)};
}

std::optional<std::size_t> steep_index(const std::vector<double>& lrs, const std::vector<double>& losses) {
  const std::size_t n = std::min(lrs.size(), losses.size());
  if (n < 2) return std::nullopt;
  std::optional<std::size_t> best;
  double steepest = 0;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const double gradient = (losses[i + 1] - losses[i]) / (std::log(lrs[i + 1]) - std::log(lrs[i]));
    if (!best || gradient < steepest) {  // the first of equal minima, as argmin
      best = i;
      steepest = gradient;
    }
  }
  return best;
}

std::optional<std::size_t> valley_index(const std::vector<double>& losses) {
  const auto n = static_cast<std::int64_t>(losses.size());
  if (n == 0) return std::nullopt;
  // fastai's loop, kept as written: lds[i] is the length of the longest decreasing run of losses
  // ending at i; max_start is recorded when max_end moves, with lds[i] as it is at that moment.
  std::vector<std::int64_t> lds(static_cast<std::size_t>(n), 1);
  std::int64_t max_start = 0, max_end = 0;
  for (std::int64_t i = 1; i < n; ++i) {
    for (std::int64_t j = 0; j < i; ++j) {
      auto& at_i = lds[static_cast<std::size_t>(i)];
      const auto at_j = lds[static_cast<std::size_t>(j)];
      if (losses[static_cast<std::size_t>(i)] < losses[static_cast<std::size_t>(j)] && at_i < at_j + 1) at_i = at_j + 1;
      if (lds[static_cast<std::size_t>(max_end)] < at_i) {
        max_end = i;
        max_start = max_end - lds[static_cast<std::size_t>(max_end)];
      }
    }
  }
  const double sections = static_cast<double>(max_end - max_start) / 3;
  // int() truncates toward zero; sections is never negative here.
  std::int64_t index = max_start + static_cast<std::int64_t>(sections) + static_cast<std::int64_t>(sections / 2);
  if (index < 0) index += n;  // lrs[-1] in Python: the last point
  return static_cast<std::size_t>(std::clamp<std::int64_t>(index, 0, n - 1));
}

std::optional<std::size_t> minimum_index(const std::vector<double>& losses) {
  if (losses.empty()) return std::nullopt;
  return static_cast<std::size_t>(std::min_element(losses.begin(), losses.end()) - losses.begin());
}

Suggestions suggest(const std::vector<double>& lrs, const std::vector<double>& smoothed, std::int64_t planned) {
  const Window window = suggestion_window(smoothed, planned);
  const auto first = static_cast<std::ptrdiff_t>(window.first), last = static_cast<std::ptrdiff_t>(window.last);
  const std::vector<double> window_lrs(lrs.begin() + first, lrs.begin() + last);
  const std::vector<double> window_losses(smoothed.begin() + first, smoothed.begin() + last);
  Suggestions suggestions;
  if (const auto i = steep_index(window_lrs, window_losses)) suggestions.steep = window_lrs[*i];
  if (const auto i = valley_index(window_losses)) suggestions.valley = window_lrs[*i];
  if (const auto i = minimum_index(window_losses)) suggestions.minimum = window_lrs[*i] / 10;
  return suggestions;
}

}  // namespace graft::engine::lr_find
