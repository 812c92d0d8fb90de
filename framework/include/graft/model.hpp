#pragma once
// Model plugins: own a torch::nn::Module and its preprocessing.
//
// Contract:
// - build(task) is called once, after construction, with the dataset's classes: create the
//   network (and its head for task.num_classes), load pre-trained weights if the params say so.
// - collate() turns examples into a batch the way the weights expect (resize, normalise,
//   tokenize): preprocessing belongs to the model, never to the dataset. It is called from
//   several loader threads at once and must be const in effect.
// - forward(batch) = head(features(batch)); the split lets the engine cache backbone features
//   and lets strategies distil or add heads.
// - layer_groups() lists parameter groups from input to output; the last one is the head.
// - preprocessing_key(mode) describes collate() in that mode completely (sizes, normalisation,
//   channels...) when it is deterministic, and is empty when it draws random numbers. The engine
//   caches backbone features only for a non-empty key: two collates with the same key must give
//   the same tensors for the same examples.
#include <memory>
#include <string>
#include <vector>

#include <torch/nn/module.h>

#include "graft/batch.hpp"
#include "graft/plugin.hpp"

namespace graft {

// What the model is built for. No class names (num_classes() == 0) means "as many classes as the
// pre-trained weights' head has" (`graft predict --weights`); a model that cannot tell throws.
struct TaskSpec {
  std::vector<std::string> class_names;
  std::size_t num_classes() const { return class_names.size(); }
};

// A named set of modules, trained or frozen together.
struct GRAFT_SDK_API LayerGroup {
  std::string name;
  std::vector<std::shared_ptr<torch::nn::Module>> modules;

  std::vector<at::Tensor> parameters() const;
  void set_trainable(bool trainable) const;  // requires_grad of every parameter
  void set_training(bool training) const;    // train()/eval() of every module (BatchNorm, dropout)
};

class GRAFT_SDK_API Model : public Plugin {
 public:
  static constexpr PluginKind kind = PluginKind::Model;
  ~Model() override;

  virtual void build(const TaskSpec& task) = 0;
  virtual torch::nn::Module& module() = 0;
  virtual Batch collate(const std::vector<Example>& examples, const CollateOptions& options) const = 0;
  virtual at::Tensor features(const Batch& batch) = 0;
  virtual at::Tensor head(const at::Tensor& features) = 0;
  virtual at::Tensor forward(const Batch& batch);
  virtual std::vector<LayerGroup> layer_groups() = 0;
  virtual std::string preprocessing_key(Mode mode) const;  // default: "" (not cacheable)
};

}  // namespace graft
