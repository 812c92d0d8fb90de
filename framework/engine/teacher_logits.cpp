#include "engine/teacher_logits.hpp"

#include <fmt/format.h>
#include <torch/torch.h>

#include "engine/backbone.hpp"
#include "engine/batch_loader.hpp"
#include "graft/errors.hpp"
#include "graft/log.hpp"

namespace graft::engine {

void prepare_teacher(Model& teacher, const Dataset& dataset, const TaskSpec& task) {
  // No class names: the head keeps the class count of the teacher's weights, never a new,
  // untrained head that would teach noise.
  teacher.build(TaskSpec{});
  for (auto& parameter : teacher.module().parameters()) parameter.set_requires_grad(false);
  teacher.module().eval();
  if (teacher.preprocessing_key(Mode::Eval).empty()) {
    throw InputError("[teacher]: the model's eval-mode preprocessing is not deterministic, so its logits cannot be "
                     "computed once per example");
  }
  torch::NoGradGuard no_grad;
  const Batch probe = teacher.collate({dataset.get(Split::Train, 0)}, CollateOptions{});
  const auto outputs = teacher.forward(probe).size(-1);
  if (outputs != static_cast<std::int64_t>(task.num_classes())) {
    throw InputError(fmt::format("[teacher] has {} outputs and the dataset {} classes: distil from a teacher trained "
                                 "on the same classes (its `pretrained` weights decide its head)",
                                 outputs, task.num_classes()));
  }
}

at::Tensor compute_teacher_logits(Model& teacher, const Dataset& dataset, FeatureCache& cache) {
  const auto& features = cache.get(teacher, dataset, Split::Train, Mode::Eval, backbone_digest(teacher));
  torch::NoGradGuard no_grad;
  teacher.module().eval();
  const auto device = teacher.module().parameters().empty() ? c10::Device(c10::kCPU)
                                                            : teacher.module().parameters().front().device();
  std::vector<at::Tensor> chunks;
  for (const auto& chunk : features.features.split(1024)) chunks.push_back(teacher.head(chunk.to(device)).cpu());
  log::info("teacher: logits of {} training examples{}", features.features.size(0),
            features.reused ? " (features read from the cache)" : "");
  return torch::cat(chunks).to(torch::kFloat32).contiguous();
}

at::Tensor teacher_targets(Model* teacher, const Dataset& dataset, FeatureCacheOptions options) {
  if (!teacher) return {};
  teacher->module().to(options.device);
  FeatureCache cache(std::move(options));
  return compute_teacher_logits(*teacher, dataset, cache);
}

void attach_teacher_logits(Batch& batch, const at::Tensor& logits) {
  const auto index = batch.extra.find(batch_keys::kExampleIndex);
  if (index == batch.extra.end()) throw std::logic_error("a training batch without example indices");
  batch.extra[batch_keys::kTeacherLogits] = logits.index_select(0, index->second.cpu());
}

}  // namespace graft::engine
