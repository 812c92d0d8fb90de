#include "engine/evaluator.hpp"

#include <optional>
#include <utility>

#include <torch/nn/functional/loss.h>
#include <torch/utils.h>

#include "engine/backbone.hpp"
#include "engine/feature_cache.hpp"
#include "engine/interrupt.hpp"
#include "engine/metric_names.hpp"
#include "engine/training_batches.hpp"

namespace graft::engine {

ClassificationMetrics measure(BatchSource& batches, const LogitsFunction& logits_of, std::size_t num_classes,
                              const DevicePolicy& device) {
  torch::NoGradGuard no_grad;
  ClassificationMetrics metrics(num_classes);
  while (auto host_batch = batches.next()) {
    if (interrupt_requested()) throw Interrupted();
    const Batch batch = device.to_device(*host_batch);
    const at::Tensor logits = logits_of(batch);
    const double loss = torch::nn::functional::cross_entropy(logits, batch.labels).item<double>();
    metrics.add(logits, batch.labels, loss);
  }
  return metrics;
}

Evaluator::Evaluator(PreparedTrial& trial, TaskHeads* task_heads, std::vector<TaskInfo> tasks, RunFeatures& features,
                     const TrainingHooks& hooks)
    : trial_(trial), task_heads_(task_heads), tasks_(std::move(tasks)), features_(features), hooks_(hooks) {}

std::map<std::string, double> Evaluator::evaluate(Split split) {
  std::map<std::string, double> values;
  if (trial_.plugins.dataset->size(split) > 0) values = main_task(split);
  auto& model = *trial_.plugins.model;
  for (std::size_t task = 1; task < tasks_.size(); ++task) {
    const Dataset& dataset = *trial_.plugins.tasks[task - 1].dataset;
    if (dataset.size(split) == 0) continue;
    model.module().eval();
    BatchLoader loader(dataset, split, evaluation_share(example_order(dataset.size(split), std::nullopt), hooks_.share), collate_with(model),
                       trial_.settings.eval_loader());
    auto metrics = measure(
        loader, [&](const Batch& batch) { return task_heads_->logits(task, model.features(batch)); },
        tasks_[task].num_classes, trial_.device);
    values.merge(named(task_prefix(tasks_[task].name) + split_name(split) + ".", std::move(metrics)));
  }
  return values;
}

std::map<std::string, double> Evaluator::main_task(Split split) {
  auto& model = *trial_.plugins.model;
  model.module().eval();
  const std::size_t classes = trial_.plugins.task.num_classes();
  const std::size_t examples = trial_.plugins.dataset->size(split);
  const std::string prefix = std::string(split_name(split)) + ".";
  if (backbone_frozen(model) && features_.cacheable(Mode::Eval)) {
    CachedBatches batches(features_.get(split, Mode::Eval), evaluation_share(example_order(examples, std::nullopt), hooks_.share),
                          Batching{trial_.settings.eval_batch_size, false});
    return named(prefix, measure(batches, [&model](const Batch& batch) { return model.head(batch.inputs); }, classes,
                                 trial_.device));
  }
  BatchLoader loader(*trial_.plugins.dataset, split, evaluation_share(example_order(examples, std::nullopt), hooks_.share), collate_with(model),
                     trial_.settings.eval_loader());
  return named(prefix, measure(loader, [&model](const Batch& batch) { return model.forward(batch); }, classes,
                               trial_.device));
}

std::map<std::string, double> Evaluator::named(const std::string& prefix, ClassificationMetrics metrics) const {
  hooks_.reduce(metrics);
  std::map<std::string, double> values;
  for (const auto& [name, value] : metrics.values()) values[prefix + name] = value;
  return values;
}

}  // namespace graft::engine
