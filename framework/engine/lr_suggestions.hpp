#pragma once
// The arithmetic of an LR range test (`graft lr-find`), apart from any training so that it is
// tested on synthetic curves: the exponential LR ramp, the smoothed loss, the divergence stop and
// the suggested learning rates. No torch here.
//
// The definitions follow fastai 2.7 (fastai/callback/schedule.py: `LRFinder`, `valley`, `steep`,
// `minimum` and `Learner.lr_find`; fastai/learner.py: `AvgSmoothLoss`, `Recorder`), the version
// whose `lr_find` drops the points from the first NaN loss on. Where graft differs, it says so:
// - the ramp reaches end_lr at the last step (fastai's last LR is start x (end/start)^((n-1)/n));
// - a non-finite smoothed loss stops the test, as does fastai's 4x rule for a finite one;
// - when fastai's window (below) leaves fewer than two points (a test that diverged within its
//   first steps), every point before the first non-finite loss is used instead of failing.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace graft::engine::lr_find {

// The LR of step `step` (0-based) of `steps`: start x (end/start)^(step / (steps - 1)), so step 0
// is `start` and the last step is `end`. `steps` >= 2, 0 < start < end.
double ramp_lr(double start, double end, std::int64_t step, std::int64_t steps);

// fastai's AvgSmoothLoss: an exponential moving average of the losses started at 0 and debiased,
// value_n = avg_n / (1 - beta^n) with avg_n = beta x avg_(n-1) + (1 - beta) x loss_n.
class SmoothedLoss {
 public:
  explicit SmoothedLoss(double beta = 0.98) : beta_(beta) {}
  double add(double loss);  // returns the smoothed value after this loss
  double value() const;     // NaN before the first loss
  std::int64_t count() const { return count_; }

 private:
  double beta_;
  double average_ = 0;
  double beta_power_ = 1;  // beta^count
  std::int64_t count_ = 0;
};

// fastai's LRFinder stop rule: stop once the smoothed loss exceeds `factor` x the lowest smoothed
// loss seen so far (that lowest value includes the current one), or is not finite.
class DivergenceCheck {
 public:
  explicit DivergenceCheck(double factor = 4) : factor_(factor) {}
  bool diverged(double smoothed);  // call once per step, in order
  std::optional<double> best() const { return best_; }

 private:
  double factor_;
  std::optional<double> best_;
};

// The points the suggestions look at, [first, last): fastai's lr_find takes
// recorder.lrs[num_it // 10 : -5] (the first tenth of the planned steps is noise from the start
// of training, the last five the blow-up), cut at the first non-finite loss. `recorded` is how
// many steps were recorded (fewer than `planned` when the test diverged).
struct Window {
  std::size_t first = 0;
  std::size_t last = 0;
  std::size_t size() const { return last - first; }
};
Window suggestion_window(const std::vector<double>& smoothed, std::int64_t planned);

// Index into `losses` of each suggestion, on the points of a window (already cut):
// steep: the left point of the steepest drop of loss per log(lr), argmin of
//   (loss[i+1] - loss[i]) / (ln lr[i+1] - ln lr[i]); needs 2 points.
std::optional<std::size_t> steep_index(const std::vector<double>& lrs, const std::vector<double>& losses);
// valley: fastai's longest valley: the longest decreasing subsequence found by its O(n^2) loop
// (kept literally, including where it records the valley's start), then the point 2/3 of the way
// along it: start + int(len / 3) + int(len / 6) with len = end - start. A negative index counts
// from the end, as Python's does. Needs 1 point.
std::optional<std::size_t> valley_index(const std::vector<double>& losses);
// minimum: the first lowest loss; the suggestion is a tenth of its LR. Needs 1 point.
std::optional<std::size_t> minimum_index(const std::vector<double>& losses);

struct Suggestions {
  std::optional<double> steep;    // lr at steep_index
  std::optional<double> valley;   // lr at valley_index (fastai's default suggestion)
  std::optional<double> minimum;  // lr at minimum_index / 10
};

// The suggestions of a recorded curve (lrs and smoothed losses by step) for a test of `planned`
// steps, computed on suggestion_window's points.
Suggestions suggest(const std::vector<double>& lrs, const std::vector<double>& smoothed, std::int64_t planned);

}  // namespace graft::engine::lr_find
