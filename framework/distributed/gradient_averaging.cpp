#include "distributed/gradient_averaging.hpp"

#include <chrono>

#include <torch/torch.h>

namespace graft::distributed {
namespace {

// Consecutive tensors of one dtype and device, up to about `limit` bytes: one collective each.
std::vector<std::vector<at::Tensor>> buckets_of(const std::vector<at::Tensor>& tensors, std::size_t limit) {
  std::vector<std::vector<at::Tensor>> buckets;
  std::size_t bytes = 0;
  for (const auto& tensor : tensors) {
    const std::size_t size = static_cast<std::size_t>(tensor.numel()) * tensor.element_size();
    const bool fits = !buckets.empty() && buckets.back().front().scalar_type() == tensor.scalar_type() &&
                      buckets.back().front().device() == tensor.device() && bytes + size <= limit;
    if (!fits) {
      buckets.emplace_back();
      bytes = 0;
    }
    buckets.back().push_back(tensor);
    bytes += size;
  }
  return buckets;
}

// One flat copy of a bucket's tensors, for one collective.
at::Tensor flattened(const std::vector<at::Tensor>& tensors) {
  std::vector<at::Tensor> parts;
  parts.reserve(tensors.size());
  for (const auto& tensor : tensors) parts.push_back(tensor.reshape(-1));
  return torch::cat(parts);
}

// The flat copy's values back into the tensors it was made from.
void copy_back(const at::Tensor& flat, const std::vector<at::Tensor>& tensors) {
  std::int64_t offset = 0;
  for (const auto& tensor : tensors) {
    tensor.copy_(flat.narrow(0, offset, tensor.numel()).view_as(tensor));
    offset += tensor.numel();
  }
}

// Sums `tensors` over the ranks and divides by their number; returns the bytes sent.
std::size_t average_bucket(ProcessGroup& group, const std::vector<at::Tensor>& tensors) {
  std::vector<at::Tensor> flat = {flattened(tensors)};
  group.all_reduce_sum(flat);
  flat[0].div_(group.size());
  copy_back(flat[0], tensors);
  return static_cast<std::size_t>(flat[0].numel()) * flat[0].element_size();
}

}  // namespace

GradientAveraging::GradientAveraging(ProcessGroup& group, std::size_t bucket_bytes)
    : group_(group), bucket_bytes_(bucket_bytes) {}

std::int64_t GradientAveraging::average(const std::vector<at::Tensor>& parameters, std::int64_t contributed) {
  torch::NoGradGuard no_grad;
  const auto start = std::chrono::steady_clock::now();
  // [contributed, has a gradient per parameter]: which gradients exist anywhere, and whether any
  // rank stepped at all.
  const auto count = static_cast<std::int64_t>(parameters.size());
  std::vector<at::Tensor> presence = {torch::zeros({1 + count}, torch::kLong)};
  auto flags = presence[0].accessor<std::int64_t, 1>();
  flags[0] = contributed;
  for (std::int64_t i = 0; i < count; ++i) flags[1 + i] = parameters[i].grad().defined() ? 1 : 0;
  group_.all_reduce_sum(presence);
  flags = presence[0].accessor<std::int64_t, 1>();

  std::vector<at::Tensor> gradients;
  for (std::int64_t i = 0; i < count; ++i) {
    if (flags[1 + i] == 0) continue;
    const at::Tensor& parameter = parameters[i];
    if (!parameter.grad().defined()) parameter.mutable_grad() = torch::zeros_like(parameter);
    gradients.push_back(parameter.grad());
  }
  std::int64_t bytes = 0;
  for (const auto& bucket : buckets_of(gradients, bucket_bytes_)) bytes += average_bucket(group_, bucket);
  ++stats_.steps;
  stats_.bytes += bytes;
  stats_.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return flags[0];
}

void broadcast_values(ProcessGroup& group, const std::vector<at::Tensor>& tensors, int root) {
  torch::NoGradGuard no_grad;
  for (const auto& bucket : buckets_of(tensors, kBucketBytes)) {
    std::vector<at::Tensor> flat = {flattened(bucket)};
    group.broadcast(flat, root);
    copy_back(flat[0], bucket);
  }
}

}  // namespace graft::distributed
