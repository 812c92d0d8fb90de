#pragma once
// What the built-in strategies share: a layer group's distance from the head, LR scales that
// decay with that distance, training the groups nearest the head with the others frozen, and
// logging what trains when it changes. Header-only: each strategy is its own plugin library.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "graft/errors.hpp"
#include "graft/log.hpp"
#include "graft/strategy.hpp"

namespace graft::strategies {

// The model's layer groups, input to head. A model without any leaves a strategy nothing to
// train or freeze, which is the model's fault: say so rather than train nothing.
inline std::vector<LayerGroup> layer_groups_of(Model& model, const std::string& strategy) {
  auto layers = model.layer_groups();
  if (layers.empty()) {
    throw InputError(strategy + ": the model lists no layer groups, so there is nothing to train; "
                                "its layer_groups() must name at least the head");
  }
  return layers;
}

// 0 for the head (the last group), 1 for the group below it, and so on towards the input.
inline std::size_t distance_from_head(std::size_t index, std::size_t group_count) { return group_count - 1 - index; }

// Discriminative rates: one optimizer group per layer group, named after it, whose LR scale is
// decay^(distance from the head), times head_scale for the head itself. decay = 1 gives every
// group the schedule's LR.
inline std::vector<OptimizerGroup> decayed_groups(const std::vector<LayerGroup>& layers, double decay,
                                                  double head_scale = 1.0) {
  std::vector<OptimizerGroup> groups;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const auto distance = distance_from_head(i, layers.size());
    const double scale = distance == 0 ? head_scale : std::pow(decay, static_cast<double>(distance));
    groups.push_back(OptimizerGroup{layers[i].name, layers[i].parameters(), scale});
  }
  return groups;
}

// Trains the `trainable` groups nearest the head (all of them when there are fewer) and freezes
// the others: no gradient, and eval mode, so a frozen BatchNorm keeps its running statistics and
// a frozen dropout is off. Trainable groups are put back in train mode too, so the state after
// this call depends on `trainable` alone, whatever the modes were before.
inline void train_top_groups(const std::vector<LayerGroup>& layers, std::size_t trainable) {
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const bool trains = distance_from_head(i, layers.size()) < trainable;
    layers[i].set_trainable(trains);
    layers[i].set_training(trains);
  }
}

// "block1 0.25, block2 0.5, head 1": the LR scale of each optimizer group, for the log.
inline std::string describe_scales(const std::vector<OptimizerGroup>& groups) {
  std::vector<std::string> parts;
  for (const auto& group : groups) parts.push_back(fmt::format("{} {:g}", group.name, group.lr_scale));
  return fmt::format("{}", fmt::join(parts, ", "));
}

// Logs which groups train, once each time the number of trainable top groups changes, so a
// 100-epoch run logs one line per unfreezing and not one per epoch.
class TrainableLog {
 public:
  explicit TrainableLog(std::string strategy) : strategy_(std::move(strategy)) {}

  void update(const std::vector<LayerGroup>& layers, std::size_t trainable, int epoch) {
    trainable = std::min(trainable, layers.size());
    if (trainable == logged_) return;
    logged_ = trainable;
    std::vector<std::string> training, frozen;
    for (std::size_t i = 0; i < layers.size(); ++i) {
      (distance_from_head(i, layers.size()) < trainable ? training : frozen).push_back(layers[i].name);
    }
    if (frozen.empty()) {
      log::info("{}: epoch {}: every layer group trains ({})", strategy_, epoch, fmt::join(training, ", "));
    } else {
      log::info("{}: epoch {}: training {}; frozen (eval mode): {}", strategy_, epoch, fmt::join(training, ", "),
                fmt::join(frozen, ", "));
    }
  }

 private:
  std::string strategy_;
  std::size_t logged_ = static_cast<std::size_t>(-1);  // nothing logged yet
};

}  // namespace graft::strategies
