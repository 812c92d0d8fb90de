// Scheduler `linear`: Hugging Face's get_linear_schedule_with_warmup after its warmup: the LR
// falls in a straight line from [train] lr to 0 at the end of the run. The warmup is the
// engine's: warmup_steps or warmup_ratio in [scheduler] (warmup_start_factor 0, as there).
#include <algorithm>

#include "graft/scheduler.hpp"

namespace {

class Linear : public graft::Scheduler {
 public:
  static graft::ParamSchema schema() { return {}; }
  Linear(const graft::Params&, const graft::PluginContext&) {}

  double factor(const graft::Progress& progress) const override {
    // HF: max(0, (total - step) / max(1, total - warmup)); here both are counted after warmup.
    const auto remaining = progress.total_steps - progress.step;
    const auto total = std::max<std::int64_t>(1, progress.total_steps);
    return std::max(0.0, static_cast<double>(remaining) / static_cast<double>(total));
  }
};

}  // namespace

GRAFT_PLUGIN(graft::describe<Linear>("linear", "1.0.0",
                                     "linear decay to 0 at the end of the run (Hugging Face's linear schedule; warmup "
                                     "via warmup_steps or warmup_ratio)"))
