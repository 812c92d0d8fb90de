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

std::vector<std::size_t> training_share(std::vector<std::size_t> order, std::size_t batch_size, bool drop_last,
                                        const DataShare& share) {
  if (share.alone()) return order;
  if (drop_last && order.size() >= batch_size) order.resize(order.size() / batch_size * batch_size);
  for (std::size_t i = 0; order.size() % share.ranks != 0; ++i) order.push_back(order[i]);
  std::vector<std::size_t> mine;
  mine.reserve(order.size() / share.ranks);
  for (std::size_t at = share.rank; at < order.size(); at += share.ranks) mine.push_back(order[at]);
  return mine;
}

std::vector<std::size_t> evaluation_share(std::vector<std::size_t> order, const DataShare& share) {
  if (share.alone()) return order;
  std::vector<std::size_t> mine;
  for (std::size_t at = share.rank; at < order.size(); at += share.ranks) mine.push_back(order[at]);
  return mine;
}

std::size_t share_batch_size(std::size_t batch_size, const DataShare& share) {
  return std::max<std::size_t>(1, batch_size / share.ranks);
}

std::unique_ptr<BatchLoader> training_loader(const Dataset& dataset, Model& model, const TrainSettings& settings,
                                             std::vector<std::size_t> order, std::uint64_t pass_seed,
                                             const DataShare& share) {
  return std::make_unique<BatchLoader>(
      dataset, Split::Train, training_share(std::move(order), settings.batch_size, settings.drop_last, share),
      collate_with(model),
      settings.loader(share_batch_size(settings.batch_size, share), Mode::Train, mix_seed(pass_seed, kAugmentStream),
                      settings.drop_last));
}

}  // namespace graft::engine
