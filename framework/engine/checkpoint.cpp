#include "checkpoint.hpp"

#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include "graft/errors.hpp"

namespace graft::engine {

void save_checkpoint(const torch::nn::Module& module, const std::filesystem::path& path) {
  std::filesystem::create_directories(path.parent_path());
  const auto temporary = std::filesystem::path(path).concat(".tmp");
  torch::serialize::OutputArchive archive;
  module.save(archive);
  archive.save_to(temporary.string());
  std::filesystem::rename(temporary, path);
}

void load_checkpoint(torch::nn::Module& module, const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) throw InputError("no checkpoint at " + path.string());
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path.string());
    module.load(archive);
  } catch (const c10::Error& error) {
    throw InputError("cannot load checkpoint " + path.string() + ": " + error.what_without_backtrace());
  }
}

}  // namespace graft::engine
