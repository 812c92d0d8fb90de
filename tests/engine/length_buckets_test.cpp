#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>

#include "engine/batch_loader.hpp"
#include "engine/engine_schema.hpp"
#include "engine/length_buckets.hpp"
#include "engine/train_settings.hpp"

using namespace graft;

TEST_CASE("group_by_length sorts each megabatch of 50 batches longest first and keeps every example") {
  const std::size_t batch = 2, n = 250;
  std::vector<std::size_t> lengths(n);
  for (std::size_t i = 0; i < n; ++i) lengths[i] = (i * 37) % 101;
  const auto order = engine::example_order(n, 7);
  const auto grouped = engine::group_by_length(order, lengths, batch);
  REQUIRE(grouped.size() == n);
  auto sorted = grouped;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::size_t> all(n);
  std::iota(all.begin(), all.end(), 0);
  CHECK(sorted == all);
  const std::size_t megabatch = batch * engine::kBatchesPerMegabatch;  // 100: megabatches of 100, 100, 50
  for (std::size_t begin = 0; begin < n; begin += megabatch) {
    const auto first = grouped.begin() + static_cast<std::ptrdiff_t>(begin);
    const auto last = grouped.begin() + static_cast<std::ptrdiff_t>(std::min(n, begin + megabatch));
    CHECK(std::is_sorted(first, last, [&](std::size_t a, std::size_t b) { return lengths[a] > lengths[b]; }));
    // Same members as the shuffled order's megabatch: grouping never moves an example across.
    std::vector<std::size_t> mine(first, last), theirs(order.begin() + (first - grouped.begin()),
                                                         order.begin() + (last - grouped.begin()));
    std::sort(mine.begin(), mine.end());
    std::sort(theirs.begin(), theirs.end());
    CHECK(mine == theirs);
  }
}

TEST_CASE("optimizer steps per epoch count accumulated batches as one step") {
  auto train = Params::defaults(engine::train_table_schema());
  train.set("batch_size", std::int64_t{10});
  train.set("drop_last", false);
  CHECK(engine::optimizer_steps_per_epoch(train, 95) == 10);
  train.set("accumulate", std::int64_t{3});
  CHECK(engine::optimizer_steps_per_epoch(train, 95) == 4);  // batches 3 + 3 + 3 + 1
  train.set("drop_last", true);
  CHECK(engine::optimizer_steps_per_epoch(train, 95) == 3);  // 9 full batches
  CHECK(engine::optimizer_steps_per_epoch(train, 5) == 1);   // never zero
}
