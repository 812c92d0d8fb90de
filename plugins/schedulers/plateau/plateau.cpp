// Scheduler `plateau`: PyTorch's ReduceLROnPlateau. The LR is multiplied by `factor` when the
// monitored metric ([train] monitor) has not improved for more than `patience` epochs.
//
// factor() stays a pure function: it replays Progress::metric_history (the metric at each epoch
// end so far) through one ReduceLROnPlateau.step(metric) per entry, from a fresh state, every time.
// A run has few epochs, so the replay costs nothing next to a training step.
#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "graft/errors.hpp"
#include "graft/scheduler.hpp"

namespace {

class Plateau : public graft::Scheduler {
 public:
  static graft::ParamSchema schema() {
    return {
        graft::string_param("mode", "min",
                            "min: the metric should fall (a loss); max: it should rise (an accuracy). Match [train] "
                            "monitor, whose default val.accuracy needs max")
            .one_of({"min", "max"}),
        graft::float_param("factor", 0.1, "LR x factor at each plateau: below 1, or the LR would never drop")
            .between(0, 1)
            .below(1),
        graft::int_param("patience", 10, "epochs without improvement tolerated before reducing").at_least(0),
        graft::float_param("threshold", 1e-4, "how much better than the best counts as an improvement").at_least(0),
        graft::string_param("threshold_mode", "rel", "rel: best x (1 -/+ threshold); abs: best -/+ threshold")
            .one_of({"rel", "abs"}),
        graft::int_param("cooldown", 0, "epochs after a reduction during which bad epochs are not counted")
            .at_least(0),
        graft::float_param("min_lr", 0.0, "lowest LR (absolute, not a factor of [train] lr)").at_least(0),
        graft::float_param("eps", 1e-8, "a reduction smaller than this (in LR) is skipped").at_least(0),
    };
  }

  Plateau(const graft::Params& params, const graft::PluginContext&)
      : maximize_(params.get_string("mode") == "max"),
        factor_(params.get_float("factor")),
        patience_(params.get_int("patience")),
        threshold_(params.get_float("threshold")),
        relative_(params.get_string("threshold_mode") == "rel"),
        cooldown_(params.get_int("cooldown")),
        min_lr_(params.get_float("min_lr")),
        eps_(params.get_float("eps")) {}

  double factor(const graft::Progress& progress) const override {
    const double base_lr = progress.base_lr;
    if (base_lr <= 0) return 1.0;  // nothing to reduce
    // ReduceLROnPlateau.step(metric), once per epoch end, on the LR itself: min_lr and eps are absolute.
    double lr = base_lr;
    double best = maximize_ ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    std::int64_t bad_epochs = 0;
    std::int64_t cooldown_left = 0;
    for (const double metric : progress.metric_history) {
      if (improves(metric, best)) {
        best = metric;
        bad_epochs = 0;
      } else {
        ++bad_epochs;
      }
      if (cooldown_left > 0) {
        --cooldown_left;
        bad_epochs = 0;  // bad epochs during cooldown do not count
      }
      if (bad_epochs > patience_) {
        const double reduced = std::max(lr * factor_, min_lr_);
        if (lr - reduced > eps_) lr = reduced;
        cooldown_left = cooldown_;
        bad_epochs = 0;
      }
    }
    return lr / base_lr;
  }

 private:
  // ReduceLROnPlateau.is_better; a NaN metric never improves.
  bool improves(double metric, double best) const {
    if (maximize_) return relative_ ? metric > best * (threshold_ + 1.0) : metric > best + threshold_;
    return relative_ ? metric < best * (1.0 - threshold_) : metric < best - threshold_;
  }

  bool maximize_;
  double factor_;
  std::int64_t patience_;
  double threshold_;
  bool relative_;
  std::int64_t cooldown_;
  double min_lr_;
  double eps_;
};

}  // namespace

GRAFT_PLUGIN(graft::describe<Plateau>("plateau", "1.0.0",
                                      "LR x factor when the monitored metric stops improving (ReduceLROnPlateau)"))
