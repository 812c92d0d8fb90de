#pragma once
// Loss, accuracy and macro-F1 accumulated over batches through a confusion matrix.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

namespace graft::engine {

class ClassificationMetrics {
 public:
  explicit ClassificationMetrics(std::size_t num_classes);

  // `loss` is the batch's mean loss; logits [N, K], labels [N].
  void add(const at::Tensor& logits, const at::Tensor& labels, double loss);

  std::int64_t count() const { return count_; }
  double loss() const;       // mean over examples
  double accuracy() const;
  // Unweighted mean of per-class F1 over all classes; a class never seen nor predicted counts 0
  // (scikit-learn's zero_division=0).
  double macro_f1() const;
  // {"loss": ..., "accuracy": ..., "macro_f1": ...}
  std::map<std::string, double> values() const;

  // Everything the metrics are computed from, as one vector: [count, loss sum, confusion...].
  // Summing the totals of several processes element-wise and setting the sum gives the metrics
  // of all their examples together (what data-parallel ranks do, TrainingHooks::reduce_metrics).
  std::vector<double> totals() const;
  // Throws std::invalid_argument when `totals` is not of this task's size.
  void set_totals(const std::vector<double>& totals);

 private:
  std::size_t num_classes_;
  std::vector<std::int64_t> confusion_;  // [true][predicted], row-major
  std::int64_t count_ = 0;
  double loss_sum_ = 0;
};

// Whether lower values of a metric key are better: losses ("val.loss", "train.loss"); accuracy and
// F1 improve upward. The one rule the best checkpoint, early stopping and `run:NAME` share.
bool lower_is_better(const std::string& metric);

}  // namespace graft::engine
