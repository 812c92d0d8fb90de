#include "distributed/gradient_averaging.hpp"

#include <chrono>
#include <stdexcept>

#include <fmt/format.h>
#include <torch/torch.h>

#include "distributed/gradient_ready_hooks.hpp"

namespace graft::distributed {
namespace {

// Consecutive tensors of one dtype and device, up to about `limit` bytes (`first_limit` for the
// first): one collective each. Returns indices into `tensors`.
std::vector<std::vector<std::size_t>> buckets_of(const std::vector<at::Tensor>& tensors, std::size_t limit,
                                                 std::size_t first_limit) {
  std::vector<std::vector<std::size_t>> buckets;
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const at::Tensor& tensor = tensors[i];
    const std::size_t size = static_cast<std::size_t>(tensor.numel()) * tensor.element_size();
    bool fits = !buckets.empty();
    if (fits) {
      const at::Tensor& first = tensors[buckets.back().front()];
      fits = first.scalar_type() == tensor.scalar_type() && first.device() == tensor.device() &&
             bytes + size <= (buckets.size() == 1 ? first_limit : limit);
    }
    if (!fits) {
      buckets.emplace_back();
      bytes = 0;
    }
    buckets.back().push_back(i);
    bytes += size;
  }
  return buckets;
}

// One flat copy of tensors, for one collective.
at::Tensor flattened(const std::vector<at::Tensor>& tensors) {
  std::vector<at::Tensor> parts;
  parts.reserve(tensors.size());
  for (const auto& tensor : tensors) parts.push_back(tensor.reshape(-1));
  return torch::cat(parts);
}

// Each of `shapes`' part of the flat copy made from tensors like them, viewed in its shape.
template <class Visit>
void for_each_part(const at::Tensor& flat, const std::vector<at::Tensor>& shapes, Visit visit) {
  std::int64_t offset = 0;
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    visit(i, flat.narrow(0, offset, shapes[i].numel()).view_as(shapes[i]));
    offset += shapes[i].numel();
  }
}

// A number that differs, almost surely, between two layouts: other positions among the step's
// parameters (another layer frozen), other shapes or types. Below 2^31, so that its sum over
// thousands of ranks fits an int64.
std::int64_t fingerprint_of(const std::vector<at::Tensor>& trainable, const std::vector<std::size_t>& positions) {
  std::uint64_t hash = 1469598103934665603ull;  // FNV-1a
  auto mix = [&](std::uint64_t value) {
    hash ^= value;
    hash *= 1099511628211ull;
  };
  mix(trainable.size());
  for (std::size_t i = 0; i < trainable.size(); ++i) {
    mix(positions[i]);
    for (const auto size : trainable[i].sizes()) mix(static_cast<std::uint64_t>(size));
    mix(static_cast<std::uint64_t>(trainable[i].scalar_type()));
  }
  return static_cast<std::int64_t>(hash >> 33);
}

bool same_tensors(const std::vector<at::Tensor>& a, const std::vector<at::Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!a[i].is_same(b[i])) return false;
  return true;
}

}  // namespace

GradientAveraging::GradientAveraging(ProcessGroup& group, AveragingOptions options)
    : group_(group), options_(options) {}

GradientAveraging::~GradientAveraging() = default;

void GradientAveraging::lay_out(const std::vector<at::Tensor>& parameters) {
  std::vector<at::Tensor> trainable;
  std::vector<std::size_t> positions;
  for (std::size_t i = parameters.size(); i-- > 0;) {
    if (!parameters[i].requires_grad()) continue;
    trainable.push_back(parameters[i]);
    positions.push_back(i);
  }
  if (laid_out_ && same_tensors(trainable, trainable_)) return;
  laid_out_ = true;
  trainable_ = std::move(trainable);
  fingerprint_ = fingerprint_of(trainable_, positions);
  buckets_.clear();
  bucket_of_.assign(trainable_.size(), 0);
  for (auto& members : buckets_of(trainable_, options_.bucket_bytes, options_.first_bucket_bytes)) {
    for (const auto member : members) bucket_of_[member] = buckets_.size();
    buckets_.push_back(Bucket{std::move(members)});
  }
  reset_step();
}

void GradientAveraging::reset_step() {
  hooks_.reset();
  std::lock_guard<std::mutex> lock(mutex_);
  finished_.assign(trainable_.size(), false);
  next_bucket_ = 0;
  failure_ = nullptr;
  for (auto& bucket : buckets_) {
    bucket.waiting = bucket.members.size();
    bucket.flat = at::Tensor();
    bucket.reduction.reset();
  }
}

void GradientAveraging::start(const std::vector<at::Tensor>& parameters) {
  if (!options_.overlap) return;
  lay_out(parameters);
  reset_step();
  hooks_ = std::make_unique<GradientReadyHooks>(trainable_, [this](std::size_t member) { ready(member); });
}

void GradientAveraging::ready(std::size_t member) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (failure_) return;
  try {
    if (finished_[member]) {
      throw std::logic_error("the backward pass that completes a step accumulated a parameter's gradient twice: "
                             "call backward() once per batch");
    }
    finished_[member] = true;
    --buckets_[bucket_of_[member]].waiting;
    // In bucket order on every rank: the ranks' collectives must pair up.
    while (next_bucket_ < buckets_.size() && buckets_[next_bucket_].waiting == 0) {
      launch(buckets_[next_bucket_++]);
      ++stats_.overlapped_buckets;
    }
  } catch (...) {
    failure_ = std::current_exception();  // the engine would wrap it; average() rethrows it as it was
  }
}

void GradientAveraging::launch(Bucket& bucket) {
  torch::NoGradGuard no_grad;
  std::vector<at::Tensor> gradients;
  gradients.reserve(bucket.members.size());
  for (const auto member : bucket.members) {
    const at::Tensor& parameter = trainable_[member];
    gradients.push_back(parameter.grad().defined() ? parameter.grad() : torch::zeros_like(parameter));
  }
  bucket.flat = flattened(gradients);
  std::vector<at::Tensor> tensors = {bucket.flat};
  bucket.reduction = group_.all_reduce_sum_async(tensors);
  ++stats_.buckets;
  stats_.bytes += bucket.flat.numel() * bucket.flat.element_size();
}

void GradientAveraging::launch_remaining() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (failure_) std::rethrow_exception(failure_);
  while (next_bucket_ < buckets_.size()) launch(buckets_[next_bucket_++]);
}

std::int64_t GradientAveraging::average(const std::vector<at::Tensor>& parameters, std::int64_t contributed) {
  torch::NoGradGuard no_grad;
  const auto begin = std::chrono::steady_clock::now();
  hooks_.reset();  // the backward pass is over
  if (next_bucket_ == 0) lay_out(parameters);  // nothing started: the trainable set may have changed
  struct ResetOnExit {
    GradientAveraging& self;
    ~ResetOnExit() { self.reset_step(); }
  } reset_on_exit{*this};
  launch_remaining();

  // [contributed, layout fingerprint, has a gradient per trainable parameter]: which gradients
  // exist anywhere, whether any rank stepped at all, and whether the ranks' buckets matched.
  const auto count = static_cast<std::int64_t>(trainable_.size());
  std::vector<at::Tensor> presence = {torch::zeros({2 + count}, torch::kLong)};
  auto flags = presence[0].accessor<std::int64_t, 1>();
  flags[0] = contributed;
  flags[1] = fingerprint_;
  for (std::int64_t i = 0; i < count; ++i) flags[2 + i] = trainable_[i].grad().defined() ? 1 : 0;
  group_.all_reduce_sum(presence);
  flags = presence[0].accessor<std::int64_t, 1>();
  if (flags[1] != fingerprint_ * group_.size()) {
    throw CollectiveError(fmt::format(
        "rank {} of {}: the ranks train different sets of parameters (this rank: {} tensors), so their gradients "
        "cannot be averaged: every rank must freeze and unfreeze the same layers at the same step",
        group_.rank(), group_.size(), count));
  }

  for (auto& bucket : buckets_) {
    bucket.reduction->wait();
    bucket.flat.div_(group_.size());
    std::vector<at::Tensor> members;
    for (const auto member : bucket.members) members.push_back(trainable_[member]);
    for_each_part(bucket.flat, members, [&](std::size_t i, const at::Tensor& averaged) {
      if (flags[2 + static_cast<std::int64_t>(bucket.members[i])] == 0) return;  // no gradient anywhere
      const at::Tensor& parameter = members[i];
      if (!parameter.grad().defined()) parameter.mutable_grad() = torch::zeros_like(parameter);
      parameter.mutable_grad().copy_(averaged);
    });
  }
  ++stats_.steps;
  stats_.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  return flags[0];
}

void broadcast_values(ProcessGroup& group, const std::vector<at::Tensor>& tensors, int root) {
  torch::NoGradGuard no_grad;
  for (const auto& indices : buckets_of(tensors, kBucketBytes, kBucketBytes)) {
    std::vector<at::Tensor> bucket;
    for (const auto i : indices) bucket.push_back(tensors[i]);
    std::vector<at::Tensor> flat = {flattened(bucket)};
    group.broadcast(flat, root);
    for_each_part(flat[0], bucket, [&](std::size_t i, const at::Tensor& value) { bucket[i].copy_(value); });
  }
}

}  // namespace graft::distributed
