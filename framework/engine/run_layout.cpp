#include "engine/run_layout.hpp"

#include "engine/checkpoint.hpp"

namespace graft::engine {

std::filesystem::path runs_folder(const std::filesystem::path& store_path) {
  return store_path.parent_path() / (store_path.stem().string() + "-runs");
}

std::filesystem::path cache_folder(const std::filesystem::path& store_path) {
  return store_path.parent_path() / (store_path.stem().string() + "-cache");
}

std::filesystem::path run_folder(const std::filesystem::path& store_path, std::int64_t run_id) {
  return std::filesystem::absolute(runs_folder(store_path)) / std::to_string(run_id);
}

std::filesystem::path RunLayout::model_checkpoint(const std::string& name) const {
  return folder / checkpoint_file(name);
}

std::filesystem::path RunLayout::task_heads_checkpoint(const std::string& name) const {
  return folder / checkpoint_file("task_heads." + name);
}

}  // namespace graft::engine
