// Strategy `distillation`: knowledge distillation (Hinton et al., 2015). Every layer group trains
// (as `full`); the loss mixes the teacher's softened outputs with the labels:
//   alpha * T^2 * KL(softmax(teacher / T) || softmax(student / T))  +  (1 - alpha) * CE(student, labels)
// with the KL divergence summed over classes and averaged over the batch (PyTorch's
// reduction="batchmean"). T^2 keeps the soft term's gradients on the scale of the hard term's as
// T grows. The teacher's logits come from the engine (an experiment's [teacher] table) in
// Batch::extra[batch_keys::kTeacherLogits].
#include <torch/nn/functional/activation.h>
#include <torch/nn/functional/loss.h>

#include "../common/layer_training.hpp"

namespace {

using namespace graft::strategies;

class Distillation : public graft::Strategy {
 public:
  static constexpr graft::PluginNeeds needs = graft::PluginNeeds::Teacher;

  static graft::ParamSchema schema() {
    return {
        graft::float_param("alpha", 0.5, "weight of the teacher's soft targets; 1 - alpha goes to the labels")
            .between(0, 1),
        graft::float_param("temperature", 4.0, "softmax temperature T of teacher and student in the soft term")
            .at_least(0.05),
    };
  }

  Distillation(const graft::Params& params, const graft::PluginContext&)
      : alpha_(params.get_float("alpha")), temperature_(params.get_float("temperature")) {}

  std::vector<graft::OptimizerGroup> param_groups(graft::Model& model) override {
    const auto layers = layer_groups_of(model, "distillation");
    train_top_groups(layers, layers.size());
    return decayed_groups(layers, /*decay=*/1.0);
  }

  at::Tensor loss(graft::Model& model, const graft::Batch& batch, const at::Tensor& logits) override {
    const auto teacher = batch.extra.find(graft::batch_keys::kTeacherLogits);
    if (teacher == batch.extra.end()) {
      throw graft::InputError(
          "strategy 'distillation' needs a teacher: add a [teacher] table naming the teacher's model plugin and "
          "its trained weights (for example pretrained = \"run:NAME\")");
    }
    const at::Tensor hard = graft::Strategy::loss(model, batch, logits);
    if (alpha_ == 0) return hard;
    namespace F = torch::nn::functional;
    const at::Tensor student_log_probs = F::log_softmax(logits / temperature_, F::LogSoftmaxFuncOptions(1));
    const at::Tensor teacher_probs = F::softmax(teacher->second.to(logits.dtype()) / temperature_, F::SoftmaxFuncOptions(1));
    const at::Tensor soft = F::kl_div(student_log_probs, teacher_probs, F::KLDivFuncOptions().reduction(torch::kBatchMean));
    return alpha_ * temperature_ * temperature_ * soft + (1 - alpha_) * hard;
  }

 private:
  double alpha_;
  double temperature_;
};

}  // namespace

GRAFT_PLUGIN(graft::describe<Distillation>(
    "distillation", "1.0.0", "train every layer on a mix of the [teacher]'s softened outputs and the labels"))
