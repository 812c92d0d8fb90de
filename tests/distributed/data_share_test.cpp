// Each rank's share of a pass: rank by rank, the single process's global batches.
#include <algorithm>
#include <numeric>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/training_batches.hpp"

using graft::engine::DataShare;
using graft::engine::evaluation_share;
using graft::engine::share_batch_size;
using graft::engine::training_share;

namespace {

std::vector<std::size_t> iota(std::size_t n, std::size_t from = 100) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), from);
  return order;
}

}  // namespace

TEST_CASE("the ranks' batches together are the global batches of one process", "[distributed][share]") {
  const auto order = iota(20);
  const std::size_t batch = 8, ranks = 2;
  const auto first = training_share(order, batch, /*drop_last=*/true, DataShare{0, ranks});
  const auto second = training_share(order, batch, /*drop_last=*/true, DataShare{1, ranks});
  REQUIRE(share_batch_size(batch, DataShare{0, ranks}) == 4);
  REQUIRE(first.size() == 8);  // 16 of 20 examples in whole batches, half each
  REQUIRE(second.size() == 8);
  for (std::size_t b = 0; b < 2; ++b) {
    std::vector<std::size_t> together(first.begin() + 4 * b, first.begin() + 4 * (b + 1));
    together.insert(together.end(), second.begin() + 4 * b, second.begin() + 4 * (b + 1));
    std::sort(together.begin(), together.end());
    CHECK(together == std::vector<std::size_t>(order.begin() + 8 * b, order.begin() + 8 * (b + 1)));
  }
}

TEST_CASE("without drop_last the order is padded with its first examples, as DistributedSampler does",
          "[distributed][share]") {
  const auto order = iota(7);
  const auto first = training_share(order, 4, /*drop_last=*/false, DataShare{0, 2});
  const auto second = training_share(order, 4, /*drop_last=*/false, DataShare{1, 2});
  CHECK(first == std::vector<std::size_t>{100, 102, 104, 106});
  CHECK(second == std::vector<std::size_t>{101, 103, 105, 100});  // 100 again: the padding
}

TEST_CASE("alone, the share is the whole order", "[distributed][share]") {
  const auto order = iota(7);
  CHECK(training_share(order, 4, false, DataShare{}) == order);
  CHECK(evaluation_share(order, DataShare{}) == order);
}

TEST_CASE("evaluation shares cover every example once, without padding", "[distributed][share]") {
  const auto order = iota(10, 0);
  std::vector<std::size_t> seen;
  for (std::size_t rank = 0; rank < 3; ++rank) {
    const auto share = evaluation_share(order, DataShare{rank, 3});
    seen.insert(seen.end(), share.begin(), share.end());
  }
  std::sort(seen.begin(), seen.end());
  CHECK(seen == order);
}
