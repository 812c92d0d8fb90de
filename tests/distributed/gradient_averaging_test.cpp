// GradientAveraging over a real Gloo group: two ranks as two threads of this process, on
// loopback. The averaged gradients are compared with each rank's own, computed here alone.
#include <chrono>
#include <exception>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <torch/torch.h>

#include "distributed/gradient_averaging.hpp"
#include "distributed/loopback_port.hpp"
#include "distributed/process_group.hpp"

using graft::distributed::AveragingOptions;
using graft::distributed::CollectiveError;
using graft::distributed::CommunicationStats;
using graft::distributed::GradientAveraging;

namespace {

// A small network whose parameters are fixed numbers (no global generator: the ranks are threads).
// `head` is used on rank 0 only; `unused` on no rank; `frozen` never trains.
struct Net {
  std::vector<at::Tensor> parameters;  // the order an optimizer would hold them in
  at::Tensor w1, b1, w2, b2, head, unused, frozen;

  Net() {
    auto make = [](std::vector<std::int64_t> shape, double scale) {
      const auto count = c10::multiply_integers(shape);
      return (torch::sin(torch::arange(count, torch::kFloat) * scale)).reshape(shape).requires_grad_();
    };
    w1 = make({32, 8}, 0.37);
    b1 = make({32}, 0.11);
    w2 = make({4, 32}, 0.23);
    b2 = make({4}, 0.51);
    head = make({3, 32}, 0.19);
    unused = make({5}, 0.7);
    frozen = make({8}, 0.3).requires_grad_(false);
    // Buckets in reverse: [b2] (the small first one), [w2], [b1], [w1], [head, unused].
    parameters = {frozen, unused, head, w1, b1, w2, b2};
  }

  // Rank `rank`'s loss on its batch `batch`.
  at::Tensor loss(int rank, int batch) const {
    const auto x = torch::cos(torch::arange(6 * 8, torch::kFloat).reshape({6, 8}) * (0.1 + 0.05 * rank + 0.01 * batch)) +
                   frozen;
    const auto hidden = torch::relu(torch::matmul(x, w1.t()) + b1);
    auto loss = (torch::matmul(hidden, w2.t()) + b2).pow(2).mean();
    if (rank == 0) loss = loss + torch::matmul(hidden, head.t()).tanh().sum();
    return loss;
  }

  std::vector<at::Tensor> gradients() const {
    std::vector<at::Tensor> gradients;
    for (const auto& parameter : parameters)
      gradients.push_back(parameter.grad().defined() ? parameter.grad().clone() : at::Tensor());
    return gradients;
  }
  void zero_grad() {
    for (auto& parameter : parameters) parameter.mutable_grad() = at::Tensor();
  }
};

// Each rank's gradients after `batches` backward passes, computed alone.
std::vector<at::Tensor> alone(int rank, int batches, const std::function<void(Net&)>& prepare = {}) {
  Net net;
  if (prepare) prepare(net);
  for (int batch = 0; batch < batches; ++batch) net.loss(rank, batch).backward();
  return net.gradients();
}

// Runs `body(rank, group)` on two ranks (threads) of one Gloo group; rethrows a rank's error.
void on_two_ranks(const std::function<void(int, graft::distributed::ProcessGroup&)>& body) {
  const int port = graft::distributed::free_loopback_port();
  std::exception_ptr errors[2];
  std::vector<std::thread> ranks;
  for (int rank = 0; rank < 2; ++rank) {
    ranks.emplace_back([&, rank] {
      try {
        graft::distributed::World world;
        world.rank = world.local_rank = rank;
        world.size = world.local_size = 2;
        world.master_port = port;
        graft::distributed::Rendezvous rendezvous(world, std::chrono::seconds(30));
        graft::distributed::GroupOptions options;
        options.backend = "gloo";
        options.timeout = std::chrono::seconds(30);
        graft::distributed::ProcessGroup group(rendezvous, "test", options, false);
        body(rank, group);
      } catch (...) {
        errors[rank] = std::current_exception();
      }
    });
  }
  for (auto& rank : ranks) rank.join();
  for (const auto& error : errors)
    if (error) std::rethrow_exception(error);
}

// The mean over both ranks of what they computed alone; none where neither has a gradient.
std::vector<at::Tensor> mean_of(const std::vector<at::Tensor>& a, const std::vector<at::Tensor>& b) {
  std::vector<at::Tensor> mean;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!a[i].defined() && !b[i].defined()) {
      mean.emplace_back();
      continue;
    }
    const auto left = a[i].defined() ? a[i] : torch::zeros_like(b[i]);
    const auto right = b[i].defined() ? b[i] : torch::zeros_like(a[i]);
    mean.push_back((left + right).div_(2));
  }
  return mean;
}

void check_same_gradients(const std::vector<at::Tensor>& got, const std::vector<at::Tensor>& expected) {
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("parameter " << i);
    REQUIRE(got[i].defined() == expected[i].defined());
    if (got[i].defined()) CHECK(torch::equal(got[i], expected[i]));
  }
}

// Small buckets, so that the network's seven tensors make several.
AveragingOptions small_buckets(bool overlap) {
  AveragingOptions options;
  options.bucket_bytes = 600;
  options.first_bucket_bytes = 64;
  options.overlap = overlap;
  return options;
}

}  // namespace

TEST_CASE("averaged gradients are the mean of the ranks' own, with and without overlap", "[distributed][averaging]") {
  const auto expected = mean_of(alone(0, 1), alone(1, 1));
  for (const bool overlap : {true, false}) {
    INFO("overlap " << overlap);
    std::vector<at::Tensor> got[2];
    CommunicationStats stats[2];
    std::int64_t contributed[2] = {0, 0};
    on_two_ranks([&](int rank, graft::distributed::ProcessGroup& group) {
      Net net;
      GradientAveraging averaging(group, small_buckets(overlap));
      averaging.start(net.parameters);
      net.loss(rank, 0).backward();
      contributed[rank] = averaging.average(net.parameters, 1);
      got[rank] = net.gradients();
      stats[rank] = averaging.stats();
    });
    for (int rank = 0; rank < 2; ++rank) {
      check_same_gradients(got[rank], expected);
      CHECK(contributed[rank] == 2);
      CHECK(stats[rank].steps == 1);
      CHECK(stats[rank].buckets == 5);
      // The last bucket holds `unused`, which no pass completes: it starts after the pass.
      CHECK(stats[rank].overlapped_buckets == (overlap ? 4 : 0));
    }
  }
}

TEST_CASE("accumulated batches are summed locally and averaged once, at the step's last pass",
          "[distributed][averaging]") {
  const auto expected = mean_of(alone(0, 3), alone(1, 3));
  std::vector<at::Tensor> got[2];
  on_two_ranks([&](int rank, graft::distributed::ProcessGroup& group) {
    Net net;
    GradientAveraging averaging(group, small_buckets(true));
    net.loss(rank, 0).backward();
    net.loss(rank, 1).backward();
    averaging.start(net.parameters);
    net.loss(rank, 2).backward();
    averaging.average(net.parameters, 3);
    got[rank] = net.gradients();
  });
  check_same_gradients(got[0], expected);
  check_same_gradients(got[1], expected);
}

TEST_CASE("unfreezing a layer between steps lays the buckets out again", "[distributed][averaging]") {
  const auto freeze_w1 = [](Net& net) { net.w1.requires_grad_(false); };
  const auto frozen_step = mean_of(alone(0, 1, freeze_w1), alone(1, 1, freeze_w1));
  const auto unfrozen_step = mean_of(alone(0, 1), alone(1, 1));
  std::vector<at::Tensor> got[2][2];
  on_two_ranks([&](int rank, graft::distributed::ProcessGroup& group) {
    Net net;
    GradientAveraging averaging(group, small_buckets(true));
    net.w1.requires_grad_(false);
    for (int step = 0; step < 2; ++step) {
      if (step == 1) net.w1.requires_grad_(true);
      net.zero_grad();
      averaging.start(net.parameters);
      net.loss(rank, 0).backward();
      averaging.average(net.parameters, 1);
      got[rank][step] = net.gradients();
    }
  });
  for (int rank = 0; rank < 2; ++rank) {
    check_same_gradients(got[rank][0], frozen_step);
    check_same_gradients(got[rank][1], unfrozen_step);
  }
}

TEST_CASE("ranks that train different layers of the same shapes fail with a clear error", "[distributed][averaging]") {
  std::string messages[2];
  on_two_ranks([&](int rank, graft::distributed::ProcessGroup& group) {
    Net net;
    // Two tensors of one shape, side by side: each rank freezes the other one, so that the ranks'
    // buckets have the same sizes and only the layout's fingerprint tells them apart.
    auto twin = torch::zeros({4}).requires_grad_();
    net.parameters.push_back(twin);
    (rank == 0 ? net.b2 : twin).requires_grad_(false);
    GradientAveraging averaging(group, small_buckets(true));
    averaging.start(net.parameters);
    net.loss(rank, 0).backward();
    try {
      averaging.average(net.parameters, 1);
    } catch (const CollectiveError& error) {
      messages[rank] = error.what();
    }
  });
  for (const auto& message : messages) CHECK_THAT(message, Catch::Contains("train different sets of parameters"));
}
