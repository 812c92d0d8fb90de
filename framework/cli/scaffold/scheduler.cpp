// `graft new plugin --kind scheduler`: warmup, hold, then decay.
#include "cli/scaffold/scaffold.hpp"

namespace graft::cli::scaffold {
namespace {

const char* const kSource = R"cpp(// Scheduler `@name@`: warmup, hold, decay. The LR factor rises linearly from `start_factor` to 1
// over the first `warmup_fraction` of the run, holds at 1 for `hold_fraction`, then decays to
// `final_factor` at the end, along a half cosine or a line. Fractions count the steps after the
// engine's own warmup (`warmup_steps`), which composes with every scheduler; leave that at 0.
#include <algorithm>
#include <cmath>
#include <string>

#include "graft/errors.hpp"
#include "graft/scheduler.hpp"

namespace {

constexpr double kPi = 3.14159265358979323846;

class @Class@ : public graft::Scheduler {
 public:
  // The params, declared once: graft validates experiment files, `graft plugins describe` and
  // the docs from this.
  static graft::ParamSchema schema() {
    return {
        graft::float_param("warmup_fraction", 0.1, "share of the run spent warming up").between(0, 1),
        graft::float_param("hold_fraction", 0.4, "share of the run held at the full LR after warmup").between(0, 1),
        graft::float_param("start_factor", 0.1, "LR factor at the first step").between(0, 1),
        graft::float_param("final_factor", 0.01, "LR factor at the last step").between(0, 1),
        graft::string_param("decay", "cosine", "shape of the decay").one_of({"cosine", "linear"}),
    };
  }

  @Class@(const graft::Params& params, const graft::PluginContext&)
      : warmup_(params.get_float("warmup_fraction")),
        hold_(params.get_float("hold_fraction")),
        start_(params.get_float("start_factor")),
        final_(params.get_float("final_factor")),
        cosine_(params.get_string("decay") == "cosine") {
    if (warmup_ + hold_ > 1) {
      throw graft::InputError("scheduler: warmup_fraction + hold_fraction must be <= 1, got " +
                              std::to_string(warmup_ + hold_));
    }
  }

  // Pure: depends on `progress` only (no state, no clock), so `graft lr-curve` can draw it.
  double factor(const graft::Progress& progress) const override {
    const double t = std::clamp(static_cast<double>(progress.step) /
                                    static_cast<double>(std::max<std::int64_t>(1, progress.total_steps)),
                                0.0, 1.0);
    if (t < warmup_) return start_ + (1 - start_) * t / warmup_;
    const double decay_start = warmup_ + hold_;
    if (t <= decay_start || decay_start >= 1) return 1.0;
    const double done = (t - decay_start) / (1 - decay_start);
    const double remaining = cosine_ ? (1 + std::cos(kPi * done)) / 2 : 1 - done;
    return final_ + (1 - final_) * remaining;
  }

 private:
  double warmup_, hold_, start_, final_;
  bool cosine_;
};

}  // namespace

GRAFT_PLUGIN(graft::describe<@Class@>("@name@", "0.1.0", "warmup, hold, then cosine or linear decay"))
)cpp";

const char* const kTest = R"cpp(// Unit test of the scheduler `@name@`: the shape of the schedule, its purity, bad params.
#include "@name@.cpp"  // the plugin itself: its class is private to that file

#include "check.hpp"

namespace {

@Class@ make(const std::string& decay) {
  graft::Params params = graft::Params::defaults(@Class@::schema());
  params.set("decay", decay);
  return @Class@(params, graft::PluginContext{});
}

double at(const graft::Scheduler& scheduler, std::int64_t step) {
  graft::Progress progress;
  progress.step = step;
  progress.total_steps = 100;
  return scheduler.factor(progress);
}

bool near(double a, double b) { return std::abs(a - b) < 1e-9; }

}  // namespace

int main() {
  const @Class@ cosine = make("cosine");
  EXPECT(near(at(cosine, 0), 0.1));      // start_factor
  EXPECT(near(at(cosine, 5), 0.55));     // halfway through warmup
  EXPECT(near(at(cosine, 10), 1.0));     // warmup done
  EXPECT(near(at(cosine, 50), 1.0));     // end of hold
  EXPECT(near(at(cosine, 75), 0.505));   // halfway down the cosine
  EXPECT(near(at(cosine, 100), 0.01));   // final_factor
  for (std::int64_t step = 50; step < 100; ++step) EXPECT(at(cosine, step + 1) <= at(cosine, step));
  EXPECT(at(cosine, 37) == at(cosine, 37));  // pure: the same progress, the same factor

  EXPECT(near(at(make("linear"), 75), 0.505));
  EXPECT(near(at(make("linear"), 90), 0.208));

  graft::Params too_long = graft::Params::defaults(@Class@::schema());
  too_long.set("warmup_fraction", 0.7);
  too_long.set("hold_fraction", 0.5);
  EXPECT_THROWS_AS(@Class@(too_long, graft::PluginContext{}), graft::InputError);

  graft_test::check_manifest("@name@", graft::PluginKind::Scheduler);
  return graft_test::finish();
}
)cpp";

const char* const kTables = R"toml(
[scheduler]
plugin = "@name@"  # this project's plugin
warmup_fraction = 0.1
hold_fraction = 0.3
final_factor = 0.05
)toml";

}  // namespace

const KindTemplate& scheduler_template() {
  static const std::string tables = std::string(kSmallCnnTable) + kIdxTable + kTables;
  static const KindTemplate parts{
      "A scheduler plugin: the learning rate warms up, holds, then decays (cosine or linear).",
      kSource, kTest, tables.c_str(),
      "- `factor(progress)` is a pure function of `Progress` (step and total steps after the engine's\n"
      "  warmup, epoch, base LR, last monitored metric): no state, no clock, no randomness, so\n"
      "  `graft lr-curve experiment.toml` can print the schedule without training.\n"
      "- The LR of a group is `train.lr x factor x the strategy's lr_scale`.\n"
      "- The engine's warmup (`warmup_steps`, `warmup_start_factor` in `[scheduler]`) composes with\n"
      "  every scheduler; this one has its own, so leave the engine's at 0.",
      SampleData::Idx};
  return parts;
}

}  // namespace graft::cli::scaffold
