#include "engine/classification_metrics.hpp"

#include <stdexcept>
#include <string>

#include <ATen/ATen.h>

namespace graft::engine {

bool lower_is_better(const std::string& metric) {
  return metric.size() >= 4 && metric.compare(metric.size() - 4, 4, "loss") == 0;
}

ClassificationMetrics::ClassificationMetrics(std::size_t num_classes)
    : num_classes_(num_classes), confusion_(num_classes * num_classes, 0) {}

void ClassificationMetrics::add(const at::Tensor& logits, const at::Tensor& labels, double loss) {
  const auto predicted = logits.argmax(/*dim=*/1).to(at::kCPU, at::kLong).contiguous();
  const auto truth = labels.to(at::kCPU, at::kLong).contiguous();
  const auto* p = predicted.data_ptr<std::int64_t>();
  const auto* t = truth.data_ptr<std::int64_t>();
  const std::int64_t n = truth.numel();
  const auto classes = static_cast<std::int64_t>(num_classes_);
  for (std::int64_t i = 0; i < n; ++i) {
    if (t[i] < 0 || t[i] >= classes || p[i] < 0 || p[i] >= classes) {
      throw std::out_of_range("label " + std::to_string(t[i]) + " or prediction " + std::to_string(p[i]) +
                              " outside the " + std::to_string(classes) + " classes of the task");
    }
    ++confusion_[static_cast<std::size_t>(t[i] * classes + p[i])];
  }
  count_ += n;
  loss_sum_ += loss * static_cast<double>(n);
}

double ClassificationMetrics::loss() const { return count_ ? loss_sum_ / static_cast<double>(count_) : 0.0; }

double ClassificationMetrics::accuracy() const {
  if (!count_) return 0.0;
  std::int64_t correct = 0;
  for (std::size_t k = 0; k < num_classes_; ++k) correct += confusion_[k * num_classes_ + k];
  return static_cast<double>(correct) / static_cast<double>(count_);
}

double ClassificationMetrics::macro_f1() const {
  if (num_classes_ == 0) return 0.0;
  double sum = 0;
  for (std::size_t k = 0; k < num_classes_; ++k) {
    std::int64_t true_positive = confusion_[k * num_classes_ + k];
    std::int64_t actual = 0, predicted = 0;
    for (std::size_t j = 0; j < num_classes_; ++j) {
      actual += confusion_[k * num_classes_ + j];
      predicted += confusion_[j * num_classes_ + k];
    }
    const std::int64_t denominator = actual + predicted;
    sum += denominator ? 2.0 * static_cast<double>(true_positive) / static_cast<double>(denominator) : 0.0;
  }
  return sum / static_cast<double>(num_classes_);
}

std::map<std::string, double> ClassificationMetrics::values() const {
  return {{"loss", loss()}, {"accuracy", accuracy()}, {"macro_f1", macro_f1()}};
}

std::vector<double> ClassificationMetrics::totals() const {
  std::vector<double> totals{static_cast<double>(count_), loss_sum_};
  for (const auto cell : confusion_) totals.push_back(static_cast<double>(cell));
  return totals;
}

void ClassificationMetrics::set_totals(const std::vector<double>& totals) {
  if (totals.size() != confusion_.size() + 2) {
    throw std::invalid_argument("metric totals of " + std::to_string(totals.size()) + " values for a task of " +
                                std::to_string(num_classes_) + " classes");
  }
  count_ = static_cast<std::int64_t>(totals[0]);
  loss_sum_ = totals[1];
  for (std::size_t i = 0; i < confusion_.size(); ++i) confusion_[i] = static_cast<std::int64_t>(totals[i + 2]);
}

}  // namespace graft::engine
