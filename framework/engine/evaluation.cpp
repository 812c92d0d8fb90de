#include "evaluation.hpp"

#include <torch/nn/functional/loss.h>
#include <torch/utils.h>

#include "classification_metrics.hpp"
#include "interrupt.hpp"

namespace graft::engine {

std::map<std::string, double> measure(BatchSource& batches, const LogitsFunction& logits_of, std::size_t num_classes,
                                      c10::Device device) {
  torch::NoGradGuard no_grad;
  ClassificationMetrics metrics(num_classes);
  while (auto host_batch = batches.next()) {
    if (interrupt_requested()) throw Interrupted();
    const Batch batch = host_batch->to(device);
    const at::Tensor logits = logits_of(batch);
    const double loss = torch::nn::functional::cross_entropy(logits, batch.labels).item<double>();
    metrics.add(logits, batch.labels, loss);
  }
  return metrics.values();
}

std::map<std::string, double> evaluate(Model& model, const Dataset& dataset, Split split, std::size_t num_classes,
                                       const Params& train, c10::Device device) {
  model.module().eval();
  const auto batch_size = static_cast<std::size_t>(train.get_int("eval_batch_size"));
  BatchLoader loader(dataset, split, example_order(dataset.size(split), std::nullopt), collate_with(model),
                     loader_options(train, batch_size, Mode::Eval, /*seed=*/0, /*drop_last=*/false));
  return measure(loader, [&model](const Batch& batch) { return model.forward(batch); }, num_classes, device);
}

LoaderOptions loader_options(const Params& train, std::size_t batch_size, Mode mode, std::uint64_t seed, bool drop_last) {
  LoaderOptions options;
  options.batch_size = batch_size;
  options.drop_last = drop_last;
  options.mode = mode;
  options.seed = seed;
  options.threads = static_cast<int>(train.get_int("loader_threads"));
  options.prefetch = static_cast<int>(train.get_int("prefetch_batches"));
  return options;
}

CollateFunction collate_with(Model& model) {
  return [&model](const std::vector<Example>& examples, const CollateOptions& options) {
    return model.collate(examples, options);
  };
}

}  // namespace graft::engine
