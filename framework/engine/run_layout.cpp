#include "engine/run_layout.hpp"

#include <algorithm>
#include <system_error>

#include "engine/checkpoint.hpp"

namespace graft::engine {

std::filesystem::path RunLayout::model_checkpoint(const std::string& name) const {
  return folder / checkpoint_file(name);
}

std::filesystem::path RunLayout::task_heads_checkpoint(const std::string& name) const {
  return folder / checkpoint_file("task_heads." + name);
}

std::vector<std::string> RunLayout::model_checkpoint_names() const {
  std::vector<std::string> names;
  std::vector<std::pair<long long, std::string>> epochs;
  for (const char* name : {"best", "last"}) {
    if (std::filesystem::exists(model_checkpoint(name))) names.emplace_back(name);
  }
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
    const std::string stem = entry.path().stem().string();
    if (entry.path().extension() != ".safetensors" || stem.rfind("epoch-", 0) != 0) continue;
    const std::string number = stem.substr(6);
    if (number.empty() || !std::all_of(number.begin(), number.end(), ::isdigit)) continue;
    epochs.emplace_back(std::stoll(number), stem);
  }
  std::sort(epochs.begin(), epochs.end());
  for (auto& [number, name] : epochs) names.push_back(std::move(name));
  return names;
}

}  // namespace graft::engine
