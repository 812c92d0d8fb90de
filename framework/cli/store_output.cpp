#include "cli/store_output.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "graft/errors.hpp"
#include "cli/output.hpp"
#include "host/suggest.hpp"

namespace graft::cli {
namespace {

// Reals in [kWholeFrom, kWholeUpTo) are printed without exponent or fraction in tables.
constexpr double kWholeFrom = 1e6;
constexpr double kWholeUpTo = 1e15;

}  // namespace

storage::Store open_store_for_reading(const Context& context) {
  return storage::Store::open(context.store_path(), storage::Store::Access::ReadOnly);
}

std::vector<std::string> status_names() {
  std::vector<std::string> names;
  for (storage::RunStatus status : storage::all_statuses()) names.emplace_back(storage::status_name(status));
  return names;
}

storage::RunFilter run_filter(const std::string& experiment, const std::string& status) {
  storage::RunFilter filter;
  if (!experiment.empty()) filter.experiment = experiment;
  if (status.empty()) return filter;
  filter.status = storage::parse_status(status);
  if (!filter.status) {
    const std::vector<std::string> names = status_names();
    throw InputError(fmt::format("unknown status '{}'{}; valid statuses: {}", status, host::did_you_mean(status, names),
                                 host::join(names)));
  }
  return filter;
}

void require_experiment(const storage::Store& store, const std::string& name) {
  std::vector<std::string> names;
  for (const auto& row : store.query("SELECT name FROM experiments ORDER BY name").rows) {
    names.push_back(storage::to_text(row.at(0)));
  }
  if (std::find(names.begin(), names.end(), name) != names.end()) return;
  throw InputError(fmt::format("no experiment '{}' in {}{}; experiments: {}", name, store.path().string(),
                               host::did_you_mean(name, names), names.empty() ? "none yet" : host::join(names)));
}

std::string table_cell(const storage::Value& value) {
  if (const auto* real = std::get_if<double>(&value)) {
    // Six significant digits would turn times (unix seconds, ~1.8e9) into "1.79569e+09": large
    // reals are shown whole instead.
    if (std::abs(*real) >= kWholeFrom && std::abs(*real) < kWholeUpTo) return fmt::format("{:.0f}", *real);
    return format_number(*real);
  }
  return one_line(storage::to_text(value));
}

std::string csv_cell(const storage::Value& value) { return storage::to_text(value); }

nlohmann::json json_value(const storage::Value& value) {
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return *integer;
  if (const auto* real = std::get_if<double>(&value)) return std::isfinite(*real) ? nlohmann::json(*real) : nullptr;
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  return nullptr;
}

nlohmann::json json_number(const std::optional<double>& value) {
  return value ? json_value(storage::Value(*value)) : nullptr;
}

std::optional<double> duration_of(const storage::RunSummary& run) {
  if (!run.ended_at) return std::nullopt;
  return *run.ended_at - run.started_at;
}

nlohmann::json summary_json(const storage::RunSummary& run) {
  return {
      {"id", run.id},
      {"experiment", run.experiment},
      {"trial", run.trial},
      {"kind", storage::kind_name(run.kind)},
      {"status", storage::status_name(run.status)},
      {"seed", run.seed},
      {"started_at", run.started_at},
      {"ended_at", json_number(run.ended_at)},
      {"heartbeat_at", json_number(run.heartbeat_at)},
      {"duration_s", json_number(duration_of(run))},
      {"host", run.host},
      {"pid", run.pid},
      {"error", run.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(run.error)},
  };
}

const storage::RunDetails& require_run(const std::optional<storage::RunDetails>& run, std::int64_t id,
                                       const storage::Store& store) {
  if (!run) throw InputError(fmt::format("no run {} in {}", id, store.path().string()));
  return *run;
}

}  // namespace graft::cli
