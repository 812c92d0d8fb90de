#include "engine/checkpoint.hpp"

#include "graft/errors.hpp"
#include "graft/safetensors.hpp"
#include "graft/state_dict.hpp"

namespace graft::engine {

std::string checkpoint_file(const std::string& name) { return name + ".safetensors"; }

void save_checkpoint(const torch::nn::Module& module, const std::filesystem::path& path) {
  std::filesystem::create_directories(path.parent_path());
  save_safetensors(path, state_dict(module), {{"format", "pt"}, {"written_by", "graft"}});
}

void load_checkpoint(torch::nn::Module& module, const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) throw InputError("no checkpoint at " + path.string());
  StateDictLoadOptions options;
  options.source = path.string();
  load_state_dict(module, load_safetensors(path), options);
}

}  // namespace graft::engine
