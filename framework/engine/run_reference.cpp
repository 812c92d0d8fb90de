#include "engine/run_reference.hpp"

#include <algorithm>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>

#include <fmt/format.h>

#include "engine/classification_metrics.hpp"
#include "graft/errors.hpp"
#include "graft/log.hpp"

namespace graft::engine {
namespace {

constexpr std::string_view kPrefix = "run:";

// Experiment files in `folder` that declare [experiment] name = "NAME", for the error's hint.
std::vector<std::filesystem::path> files_declaring(const std::string& name, const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> found;
  std::error_code error;
  if (folder.empty() || !std::filesystem::is_directory(folder, error)) return found;
  const std::regex declaration("^\\s*name\\s*=\\s*[\"']" + std::regex_replace(name, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                               "[\"']\\s*(#.*)?$");
  for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
    if (entry.path().extension() != ".toml") continue;
    std::ifstream in(entry.path());
    std::string line;
    while (std::getline(in, line)) {
      if (std::regex_match(line, declaration)) {
        found.push_back(entry.path());
        break;
      }
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

struct Candidate {
  std::int64_t run_id = 0;
  double score = 0;
  std::filesystem::path checkpoint;
};

std::optional<Candidate> best_run(const storage::Store& store, const std::string& experiment) {
  storage::RunFilter filter;
  filter.experiment = experiment;
  filter.status = storage::RunStatus::Completed;
  const auto monitors = store.param_values({"train.monitor"}, filter);
  std::optional<Candidate> best;
  for (const auto& run : store.list_runs(filter)) {
    std::string monitor = "val.accuracy";
    if (auto it = monitors.find(run.id); it != monitors.end()) {
      if (auto value = it->second.find("train.monitor"); value != it->second.end()) {
        if (const auto* text = std::get_if<std::string>(&value->second)) monitor = *text;
      }
    }
    const auto details = store.get_run(run.id);
    if (!details) continue;
    std::optional<double> score;
    for (const auto& metric : details->final_metrics) {
      if (metric.key == "best." + monitor) score = lower_is_better(monitor) ? -metric.value : metric.value;
    }
    std::filesystem::path checkpoint;
    for (const auto& artifact : details->artifacts) {
      if (artifact.name == "best") checkpoint = artifact.path;
    }
    if (!score || checkpoint.empty()) continue;
    if (!best || *score >= best->score) best = Candidate{run.id, *score, checkpoint};
  }
  return best;
}

ResolvedReference resolve(const std::string& param, const std::string& reference,
                          const std::filesystem::path& store_path, const std::filesystem::path& search_dir) {
  const std::string name = reference.substr(kPrefix.size());
  std::optional<Candidate> best;
  std::error_code error;
  if (std::filesystem::exists(store_path, error)) {
    best = best_run(storage::Store::open(store_path, storage::Store::Access::ReadOnly), name);
  }
  if (!best) {
    std::string hint;
    const auto files = files_declaring(name, search_dir);
    if (!files.empty()) {
      hint = fmt::format("run `graft run {} --db {}` first", files.front().string(), store_path.string());
    } else {
      hint = fmt::format("run the experiment named '{}' into this store first (or give a .safetensors path)", name);
    }
    throw InputError(fmt::format("{} = \"{}\": the store {} has no completed run of experiment '{}' with a best "
                                 "checkpoint; {}",
                                 param, reference, store_path.string(), name, hint));
  }
  if (!std::filesystem::exists(best->checkpoint, error)) {
    throw InputError(fmt::format("{} = \"{}\": run {} is the best of '{}', but its checkpoint {} is gone", param,
                                 reference, best->run_id, name, best->checkpoint.string()));
  }
  return ResolvedReference{param, reference, best->run_id, best->checkpoint};
}

}  // namespace

bool is_run_reference(const std::string& value) { return value.rfind(kPrefix, 0) == 0 && value.size() > kPrefix.size(); }

std::vector<ResolvedReference> resolve_run_references(experiment::Trial& trial, const std::filesystem::path& store_path,
                                                      const std::filesystem::path& search_dir) {
  std::vector<ResolvedReference> resolved;
  for (auto& [table, choice] : trial.plugins) {
    std::vector<std::pair<std::string, std::string>> references;  // key, value: not set while iterating
    for (const auto& [key, value] : choice.params.values()) {
      const auto* text = std::get_if<std::string>(&value);
      if (text && is_run_reference(*text)) references.emplace_back(key, *text);
    }
    for (const auto& [key, value] : references) {
      auto reference = resolve(table + "." + key, value, store_path, search_dir);
      log::info("{} = \"{}\": run {}, {}", reference.param, value, reference.run_id, reference.checkpoint.string());
      choice.params.set(key, reference.checkpoint.string());
      resolved.push_back(std::move(reference));
    }
  }
  return resolved;
}

}  // namespace graft::engine
