#pragma once
// Knowledge distillation's teacher, from an experiment's optional [teacher] table: any model
// plugin with trained weights (`pretrained = "run:NAME"` takes another experiment's best run).
// The engine freezes it and computes its logits for every training example once, through the
// feature cache (the teacher's eval-mode preprocessing is deterministic), then attaches each
// batch's rows as Batch::extra[batch_keys::kTeacherLogits]; a strategy (distillation) turns them into a
// loss. The teacher sees the example as its own collate prepares it in eval mode, whatever the
// student's augmentation: the targets are fixed per example, as in offline distillation.
#include <string>

#include <ATen/core/Tensor.h>

#include "engine/feature_cache.hpp"
#include "graft/dataset.hpp"
#include "graft/model.hpp"

namespace graft::engine {

// Builds the teacher with the class count of its weights' head, freezes it (no gradients, eval
// mode) and checks that it has one output per class of `task`. Throws InputError otherwise, or
// when its eval-mode preprocessing is not deterministic.
void prepare_teacher(Model& teacher, const Dataset& dataset, const TaskSpec& task);

// Logits [N, classes] of the teacher for every training example, in dataset order, on the CPU.
// `cache` is a feature cache whose identity names the teacher and the dataset.
at::Tensor compute_teacher_logits(Model& teacher, const Dataset& dataset, FeatureCache& cache);

// compute_teacher_logits of `teacher` moved to the cache's device, with a cache of `options`;
// undefined when there is no teacher (null).
at::Tensor teacher_targets(Model* teacher, const Dataset& dataset, FeatureCacheOptions options);

// Adds the rows of `logits` for the batch's examples (Batch::extra[batch_keys::kExampleIndex]).
void attach_teacher_logits(Batch& batch, const at::Tensor& logits);

}  // namespace graft::engine
