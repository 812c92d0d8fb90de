#include <catch2/catch.hpp>

#include <map>
#include <set>

#include <torch/torch.h>

#include "engine/batch_loader.hpp"

using namespace graft;

namespace {

// Example i holds the value i; its label is i % 3.
class Counting : public Dataset {
 public:
  explicit Counting(std::size_t size, std::size_t fail_at = SIZE_MAX) : size_(size), fail_at_(fail_at) {}
  std::vector<std::string> class_names() const override { return {"a", "b", "c"}; }
  std::size_t size(Split) const override { return size_; }
  Example get(Split, std::size_t index) const override {
    if (index == fail_at_) throw std::runtime_error("cannot read example " + std::to_string(index));
    Example example;
    example.image = torch::full({1}, static_cast<double>(index));
    example.label = static_cast<std::int64_t>(index % 3);
    return example;
  }

 private:
  std::size_t size_, fail_at_;
};

Batch collate(const std::vector<Example>& examples, const CollateOptions& options) {
  std::vector<torch::Tensor> values;
  std::vector<std::int64_t> labels;
  for (const auto& example : examples) {
    values.push_back(example.image);
    labels.push_back(example.label);
  }
  Batch batch;
  batch.inputs = torch::cat(values);
  batch.labels = torch::tensor(labels);
  batch.extra["seed"] = torch::tensor({static_cast<std::int64_t>(options.seed & 0xffff)});
  return batch;
}

std::vector<std::vector<double>> drain(engine::BatchLoader& loader) {
  std::vector<std::vector<double>> batches;
  while (auto batch = loader.next()) {
    auto values = batch->inputs.to(torch::kDouble);
    batches.emplace_back(values.data_ptr<double>(), values.data_ptr<double>() + values.numel());
    batches.back().push_back(static_cast<double>(batch->extra["seed"].item<std::int64_t>()));
  }
  return batches;
}

}  // namespace

TEST_CASE("batches come in order and are the same whatever the number of loader threads") {
  Counting dataset(103);
  const auto order = engine::example_order(103, /*shuffle_seed=*/42);
  std::vector<std::vector<std::vector<double>>> runs;
  for (int threads : {0, 1, 3}) {
    engine::LoaderOptions options;
    options.batch_size = 10;
    options.threads = threads;
    options.prefetch = 2;
    options.seed = 9;
    engine::BatchLoader loader(dataset, Split::Train, order, collate, options);
    CHECK(loader.batch_count() == 11);
    runs.push_back(drain(loader));
  }
  CHECK(runs[0] == runs[1]);
  CHECK(runs[0] == runs[2]);
  CHECK(runs[0].back().size() == 3 + 1);  // the last partial batch, plus its seed
  CHECK(runs[0][0][0] == static_cast<double>(order[0]));
}

TEST_CASE("drop_last drops the partial batch") {
  Counting dataset(25);
  engine::LoaderOptions options;
  options.batch_size = 10;
  options.drop_last = true;
  engine::BatchLoader loader(dataset, Split::Train, engine::example_order(25, std::nullopt), collate, options);
  CHECK(loader.batch_count() == 2);
  CHECK(drain(loader).size() == 2);
}

TEST_CASE("a shuffled order is a seeded permutation") {
  const auto a = engine::example_order(50, 1);
  const auto b = engine::example_order(50, 1);
  const auto c = engine::example_order(50, 2);
  CHECK(a == b);
  CHECK(a != c);
  auto sorted = a;
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted == engine::example_order(50, std::nullopt));
}

TEST_CASE("a loader thread's exception reaches the consumer") {
  Counting dataset(40, /*fail_at=*/25);
  engine::LoaderOptions options;
  options.batch_size = 10;
  options.threads = 2;
  engine::BatchLoader loader(dataset, Split::Train, engine::example_order(40, std::nullopt), collate, options);
  CHECK_THROWS_WITH(drain(loader), "cannot read example 25");
}

TEST_CASE("a loader abandoned half-way shuts down cleanly") {
  Counting dataset(1000);
  engine::LoaderOptions options;
  options.batch_size = 5;
  options.threads = 3;
  engine::BatchLoader loader(dataset, Split::Train, engine::example_order(1000, 3), collate, options);
  CHECK(loader.next().has_value());
}

TEST_CASE("an example's seed depends on the pass and the example, not on its batch") {
  // Augmentation drawn from it is then the same in one process and on whichever rank deals the
  // example, with any batch size.
  Counting dataset(40);
  const auto seeds_by_example = [&](std::vector<std::size_t> order, std::size_t batch_size, std::uint64_t seed) {
    std::map<std::int64_t, std::uint64_t> seeds;
    engine::LoaderOptions options;
    options.batch_size = batch_size;
    options.seed = seed;
    options.threads = 0;  // the recording below is not thread-safe
    const auto recording = [&seeds](const std::vector<Example>& examples, const CollateOptions& collate_options) {
      for (std::size_t position = 0; position < examples.size(); ++position) {
        seeds[examples[position].image.item<std::int64_t>()] = collate_options.example_seed(position);
      }
      return collate(examples, collate_options);
    };
    engine::BatchLoader loader(dataset, Split::Train, std::move(order), recording, options);
    while (loader.next()) {
    }
    return seeds;
  };
  const auto shuffled = seeds_by_example(engine::example_order(40, /*shuffle_seed=*/3), 8, 9);
  CHECK(shuffled.size() == 40);
  CHECK(seeds_by_example(engine::example_order(40, std::nullopt), 5, 9) == shuffled);
  CHECK(seeds_by_example(engine::example_order(40, std::nullopt), 5, 10) != shuffled);
  std::set<std::uint64_t> distinct;
  for (const auto& [example, seed] : shuffled) distinct.insert(seed);
  CHECK(distinct.size() == 40);
}
