#include "engine/data_parallel.hpp"

#include <fmt/format.h>
#include <torch/torch.h>

#include "graft/batch_norm.hpp"
#include "graft/errors.hpp"
#include "graft/log.hpp"

namespace graft::engine {

namespace {

// BatchNorm layers of LibTorch's own class: sync_batchnorm cannot reach them.
std::size_t unsynchronisable_batch_norms(torch::nn::Module& model) {
  std::size_t count = 0;
  for (const auto& module : model.modules()) {
    if (module->as<torch::nn::BatchNorm1d>() || module->as<torch::nn::BatchNorm2d>() ||
        module->as<torch::nn::BatchNorm3d>())
      ++count;
  }
  return count;
}

}  // namespace

DataParallelTrial::DataParallelTrial(distributed::Rendezvous& rendezvous, const std::string& name,
                                     const TrainSettings& settings, bool cuda, const std::string& config_hash,
                                     torch::nn::Module& model) {
  distributed::GroupOptions options;
  options.backend = settings.distributed_backend;
  options.timeout = std::chrono::seconds(settings.distributed_timeout_s);
  group_ = std::make_unique<distributed::ProcessGroup>(rendezvous, name, options, cuda);
  group_->check_same("trial config hash", config_hash);
  // The gradients' own group: sync_batchnorm's all-reduces in the backward pass come between the
  // buckets' on one group, in an order that could differ between ranks.
  gradient_group_ = std::make_unique<distributed::ProcessGroup>(rendezvous, name + "/gradients", options, cuda);
  distributed::AveragingOptions averaging;
  averaging.bucket_bytes = settings.gradient_bucket_bytes;
  averaging.first_bucket_bytes = std::min(distributed::kFirstBucketBytes, settings.gradient_bucket_bytes);
  averaging.overlap = settings.overlap_gradient_sync;
  averaging_ = std::make_unique<distributed::GradientAveraging>(*gradient_group_, averaging);
  if (settings.sync_batchnorm) {
    if (const auto foreign = unsynchronisable_batch_norms(model)) {
      log::warn("sync_batchnorm: {} BatchNorm layer(s) of the model are LibTorch's own and normalise by each "
                "rank's examples alone; build them from graft::BatchNorm2d (graft/batch_norm.hpp)",
                foreign);
    }
    auto* group = group_.get();
    set_batch_statistics_sum([group](const at::Tensor& local) {
      std::vector<at::Tensor> tensor = {local};
      group->all_reduce_sum(tensor);
      return tensor[0];
    });
    synchronises_batch_norm_ = true;
  }
}

DataParallelTrial::~DataParallelTrial() {
  if (synchronises_batch_norm_) set_batch_statistics_sum(nullptr);
}

std::int64_t DataParallelTrial::from_primary(std::int64_t value) {
  std::vector<at::Tensor> tensor = {torch::tensor({value}, torch::kLong)};
  group_->broadcast(tensor, 0);
  return tensor[0].item<std::int64_t>();
}

TrainingHooks DataParallelTrial::hooks() {
  TrainingHooks hooks;
  hooks.share = DataShare{static_cast<std::size_t>(group_->rank()), static_cast<std::size_t>(group_->size())};
  hooks.writes_results = group_->rank() == 0;
  auto* group = group_.get();
  auto* averaging = averaging_.get();
  hooks.start_gradient_sync = [averaging](const std::vector<at::Tensor>& parameters) {
    averaging->start(parameters);
  };
  hooks.synchronize_gradients = [averaging](const std::vector<at::Tensor>& parameters, std::int64_t contributed) {
    return averaging->average(parameters, contributed);
  };
  hooks.sum_values = [group](std::vector<double>& values) {
    if (values.empty()) return;
    std::vector<at::Tensor> tensor = {torch::tensor(values, torch::kDouble)};
    group->all_reduce_sum(tensor);
    const auto sums = tensor[0].accessor<double, 1>();
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = sums[static_cast<std::int64_t>(i)];
  };
  hooks.reduce_metrics = [sum = hooks.sum_values](ClassificationMetrics& metrics) {
    // Counts, loss sums and the confusion matrix: sums of exactly representable values in doubles.
    auto totals = metrics.totals();
    sum(totals);
    metrics.set_totals(totals);
  };
  hooks.share_weights = [group](const std::vector<at::Tensor>& weights) { distributed::broadcast_values(*group, weights); };
  return hooks;
}

void check_batch_split(std::size_t batch_size, int ranks) {
  if (ranks > 1 && batch_size % static_cast<std::size_t>(ranks) != 0) {
    throw InputError(fmt::format("[train] batch_size {} does not split evenly over {} ranks: it is the global batch; "
                                 "make it a multiple of {}",
                                 batch_size, ranks, ranks));
  }
}

}  // namespace graft::engine
