#include "engine/training_batches.hpp"

#include <utility>

#include "engine/length_buckets.hpp"

namespace graft::engine {
namespace {

// Streams of the data order and augmentation, apart from the model's initialisation seed.
constexpr std::uint64_t kShuffleStream = 0x5348;
constexpr std::uint64_t kAugmentStream = 0x4155;
constexpr std::uint64_t kTaskStream = 0x5441534b;  // + task index: a further task's data order

}  // namespace

std::uint64_t epoch_seed(std::uint64_t trial_seed, std::int64_t epoch) {
  return mix_seed(trial_seed, static_cast<std::uint64_t>(epoch));
}

std::uint64_t task_seed(std::uint64_t epoch_seed, std::size_t task) { return mix_seed(epoch_seed, kTaskStream + task); }

std::uint64_t pass_seed(std::uint64_t task_seed, std::size_t pass) {
  return pass == 0 ? task_seed : mix_seed(task_seed, pass);
}

std::uint64_t task_heads_seed(std::uint64_t trial_seed) { return mix_seed(trial_seed, kTaskStream); }

std::vector<std::size_t> training_order(std::size_t examples, std::uint64_t pass_seed,
                                        const std::vector<std::size_t>& lengths, std::size_t batch_size) {
  auto order = example_order(examples, mix_seed(pass_seed, kShuffleStream));
  if (!lengths.empty()) order = group_by_length(order, lengths, batch_size);
  return order;
}

std::unique_ptr<BatchLoader> training_loader(const Dataset& dataset, Model& model, const TrainSettings& settings,
                                             std::vector<std::size_t> order, std::uint64_t pass_seed) {
  return std::make_unique<BatchLoader>(
      dataset, Split::Train, std::move(order), collate_with(model),
      settings.loader(settings.batch_size, Mode::Train, mix_seed(pass_seed, kAugmentStream), settings.drop_last));
}

}  // namespace graft::engine
